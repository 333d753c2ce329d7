"""Outcomes at a chosen date (``--at``), computed from a results folder's tables.

The runs table holds each run's outcomes at its end; the events and the weekly time series hold
the war day by day, so most outcomes can be read at any date of the run:

* from the events up to the end of the date: deaths (``deaths_*``, ``civilians_killed_by_*``),
  the worst loss in one engagement, acts of violence against civilians, and who holds each
  town (the last capture on or before the date, else the holder the first later capture took
  the town from, else the holder at the end);
* from the weekly time series, at the week containing the date: men in the field
  (``strength_end_*``), population shares, the regime's popularity, foreign forces present;
* from the runs table's own dates: withdrawals and first state captures of towns.

Outcomes known only at the end of a run (territory shares, regional shares, recruits,
desertions, reinforcements and the three lens scores, whose formulas need state the tables do
not keep) are left out, and asking for one says so. A folder written with ``--events monthly``
counts a month's events once its last event has happened (exact at month ends) and has no worst
loss in one engagement; with ``--events none`` deaths come from the weekly time series (to the
end of the week containing the date) and towns' holders are unknown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from sim.analysis.outcomes import canonical_name, family_of
from sim.scenario import FACTIONS
from sim.tables import Results
from sim.war.record import NOT_STATE_SIDE

AT_ATTR = "at"
"""``runs.attrs`` key of the date a runs table's outcomes stand at."""

END_ONLY_ATTR = "end_only"
"""``runs.attrs`` key of the outcomes left out at the date: column -> why."""


def events_detail(results: Results) -> str:
    """How the folder's events table was written: ``all``, ``monthly`` or ``none``."""
    recorded = results.manifest.get("events")
    if recorded:
        return recorded
    if "events" in results.events.columns:
        return "monthly"
    return "none" if results.events.empty else "all"


def period(runs: pd.DataFrame) -> tuple[dt.date, dt.date]:
    """The first and last day the runs cover (the scenario's start and end)."""
    start = pd.to_datetime(runs["scenario.start"]).min().date()
    end = pd.to_datetime(runs["scenario.end"]).max().date()
    return start, end


def outcomes_at(results: Results, at: dt.date) -> Results:
    """The results as they stood at the end of day ``at``.

    Returns:
        A ``Results`` whose runs hold each outcome at ``at`` (those known only at the end
        are dropped and listed in ``runs.attrs["end_only"]``), with the events up to ``at`` and
        the weekly rows up to the week containing it.

    Raises:
        ValueError: ``at`` is outside the runs' period.

    """
    runs = results.runs
    start, end = period(runs)
    if not start <= at <= end:
        raise ValueError(f"--at {at}: outside the runs' period, {start} to {end}")
    detail = events_detail(results)
    when = pd.Timestamp(at)
    events = results.events
    if len(events):
        events = events[pd.to_datetime(events["date"]) <= when]
    ts = results.timeseries
    dates = pd.to_datetime(ts["date"])
    week_end = dates[dates >= when].min()
    ts = ts[dates <= week_end]
    week = ts[pd.to_datetime(ts["date"]) == week_end].set_index("run_id")

    tables = _AtDate(runs.set_index("run_id"), events, results.events, ts, week, detail, at)
    out = runs.copy()
    end_only: dict[str, str] = {}
    for column in runs.columns:
        if "." in column or column in ("run_id", "seed", "scenario", "point", "replicate"):
            continue
        found = family_of(canonical_name(column))
        if found is None:
            continue
        family, who = found
        value = tables.value(family.pattern, column, who)
        if value is None and at < end:
            end_only[column] = (
                f"a folder written with --events {detail} does not tell it"
                if family.at_date
                else "known only at the end of a run"
            )
            out = out.drop(columns=column)
        elif value is not None:  # on the last day the runs table's value is the one
            out[column] = value.reindex(runs["run_id"]).to_numpy()
    out.attrs = {AT_ATTR: at.isoformat(), END_ONLY_ATTR: end_only}
    return Results(
        out,
        events,
        ts,
        folder=results.folder,
        is_sweep=results.is_sweep,
        swept=results.swept,
        manifest=results.manifest,
    )


@dataclass
class _AtDate:
    """The tables cut at a date, and how each family of outcomes is read from them."""

    runs: pd.DataFrame  # indexed by run id
    events: pd.DataFrame  # up to the date
    all_events: pd.DataFrame
    weeks: pd.DataFrame  # up to the week containing the date
    week: pd.DataFrame  # that week's rows, indexed by run id
    detail: str
    at: dt.date

    def per_run(self, frame: pd.DataFrame, column: str, how: str = "sum") -> pd.Series:
        """A column summed (or ``how``) per run, zero for runs without a row."""
        if frame.empty:
            return pd.Series(0, index=self.runs.index)
        found = getattr(frame.groupby("run_id")[column], how)()
        return found.reindex(self.runs.index, fill_value=0)

    def value(self, pattern: str, column: str, who: str) -> pd.Series | None:
        """One outcome column at the date, by run id; None when the tables cannot tell."""
        events, detail = self.events, self.detail
        if pattern in ("deaths_<faction>", "deaths_foreign_<id>", "deaths_civilians"):
            if detail == "none":  # the weekly rows count the same deaths, by actor id
                return self.per_run(
                    self.weeks, "deaths_" + (who.removeprefix("foreign_") or "civilians")
                )
            return self.per_run(events, column)
        if detail == "none" and pattern in (
            "civilians_killed_by_<actor>",
            "abuse_events",
            "holder_<town>",
        ):
            return None
        if pattern == "civilians_killed_by_<actor>":
            mine = events[events["civilians_killed_by"] == who.removeprefix("foreign_")]
            return self.per_run(mine, "deaths_civilians")
        if pattern == "max_engagement_deaths_foreign_<id>":
            # a monthly row sums several engagements: the worst single one is lost
            return self.per_run(events, f"deaths_foreign_{who}", "max") if detail == "all" else None
        if pattern == "abuse_events":
            abuses = events[
                (events["event_type"] == "violence_against_civilians")
                & ~events["actor1"].isin(NOT_STATE_SIDE)
            ]
            if detail == "monthly":
                return self.per_run(abuses, "events")
            return self.per_run(abuses, "run_id", "count")
        if pattern == "holder_<town>":
            return holders_at(self.all_events, self.runs[column], who, self.at)
        if pattern in ("withdrawal_date_foreign_<id>", "<town>_state_capture_date"):
            dates = pd.to_datetime(self.runs[column])
            return self.runs[column].where(dates <= pd.Timestamp(self.at), None)
        if pattern == "withdrew_foreign_<id>":
            dates = pd.to_datetime(self.runs[f"withdrawal_date_foreign_{who}"])
            return dates.notna() & (dates <= pd.Timestamp(self.at))
        weekly = {
            "strength_end_<faction>": f"strength_{who}",
            "strength_end_foreign_<id>": f"strength_{who}",
            "pop_share_<class>": f"pop_share_{who}",
            "regime_popularity_end": "regime_popularity",
            "present_end_foreign_<id>": f"present_foreign_{who}",
        }.get(pattern)
        if weekly is None or weekly not in self.week.columns:
            return None
        return self.week[weekly]


def holders_at(events: pd.DataFrame, end: pd.Series, town: str, at: dt.date) -> pd.Series:
    """Who held ``town`` at the end of ``at`` in each run, from its captures and its end holder."""
    captures = events[(events["event_type"] == "town_captured") & (events["town"] == town)]
    captures = captures.sort_values(["run_id", "date"], kind="stable")
    when = pd.to_datetime(captures["date"]) <= pd.Timestamp(at)
    # The capturer's side holds it: a foreign force takes towns for the state.
    taken = captures["actor1"].where(captures["actor1"].isin(FACTIONS), "state")
    before = taken[when].groupby(captures.loc[when, "run_id"]).last()
    after = captures.loc[~when].groupby("run_id")["actor2"].first()
    held = end.copy()
    held.update(after)
    held.update(before)
    return held
