"""The outcome catalogue: what an analyst asks of a run, computed from the runs table.

An outcome is a column of ``runs.parquet`` (``deaths_civilians``, ``lens_bamako``...), a named
event built from several columns (``patron_withdraws``: any foreign force left by its own
decision), a categorical column read as an event (``holder_kidal=state``: the state holds
Kidal at the end), or a numeric column against a bound read as an event
(``lens_bamako>0.5``: Bamako is satisfied with the run). Each has a unit and a meaning
(:data:`FAMILIES`), the label every figure and report prints. The three lenses of success
(Western, Bamako, patron) are outcomes too; a run succeeds by a lens when its score is above
one half.

Names follow one pattern: ``<measure>_<who>``, where who is a faction id (``state``,
``separatists``, ``jihadists``), ``civilians`` or ``foreign_<id>`` for a foreign force
(``deaths_foreign_wagner``, ``strength_end_foreign_wagner``); a town's outcomes name the town
(``holder_kidal``, ``kidal_state_capture_date``). ``civilians_killed_by_<actor>`` keeps the
contract's form (``civilians_killed_by_wagner``). Old or alternative names keep working
(:data:`ALIASES`).

No matplotlib here: the sensitivity engine and scenario discovery use the catalogue without
drawing anything.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd

from sim.analysis.style import actor_label
from sim.scenario import FACTIONS
from sim.war.control import CONTROL_CLASSES
from sim.war.record import MILITIAS


@dataclass(frozen=True)
class Outcome:
    """A named outcome of a run: a number (or a 0/1 event) computed from the runs table."""

    name: str
    label: str
    binary: bool
    compute: Callable[[pd.DataFrame], pd.Series]


@dataclass(frozen=True)
class OutcomeFamily:
    """Runs-table columns that share a pattern, a unit and a meaning.

    Attributes:
        pattern: the column name, with at most one of ``<faction>``, ``<id>`` (a foreign
            force), ``<actor>`` (either), ``<town>`` or ``<class>`` (a control class).
        unit: what the number counts (``men``, ``share 0-1``, ``0/1``, ``date``...).
        meaning: a few words, with ``{who}`` for the faction, force, town or class.
        at_date: where its value at a date comes from (``events``, ``timeseries``, ``runs``);
            empty when it is known only at the end of a run.

    """

    pattern: str
    unit: str
    meaning: str
    at_date: str = ""


LENS_NAMES = {"lens_western": "Western", "lens_bamako": "Bamako", "lens_patron": "patron"}
LENS_MEANINGS = {
    "lens_western": "jihadists contained, few civilians harmed, few own dead",
    "lens_bamako": "regime liked, people, land and towns held, sovereign",
    "lens_patron": "client kept, still there, few costly dead, reputation",
}
"""What each lens rewards, in a few words (the formulas: ``sim.lenses``, docs/ODD.md)."""

FAMILIES: tuple[OutcomeFamily, ...] = (
    OutcomeFamily("deaths_<faction>", "men", "{who} killed", "events"),
    OutcomeFamily("deaths_foreign_<id>", "men", "{who} killed", "events"),
    OutcomeFamily("deaths_civilians", "people", "civilians killed", "events"),
    OutcomeFamily("civilians_killed_by_<actor>", "people", "civilians killed by {who}", "events"),
    OutcomeFamily(
        "max_engagement_deaths_foreign_<id>",
        "men",
        "{who}'s worst loss in one engagement",
        "events",
    ),
    OutcomeFamily(
        "withdrew_foreign_<id>", "0/1", "{who} left by its patron's own decision", "runs"
    ),
    OutcomeFamily("withdrawal_date_foreign_<id>", "date", "the day {who} withdrew", "runs"),
    OutcomeFamily(
        "reorganised_foreign_<id>", "date", "the day {who}'s men passed to another force", "runs"
    ),
    OutcomeFamily("present_end_foreign_<id>", "0/1", "{who} is in the country", "timeseries"),
    OutcomeFamily("reinforcements_foreign_<id>", "men", "men sent to {who} after arrival"),
    OutcomeFamily("present_share_foreign_<id>", "share 0-1", "share of the period {who} was there"),
    OutcomeFamily(
        "dependence_mean_foreign_<id>",
        "share 0-1",
        "share of the state side's men {who} gave, mean over its days there",
    ),
    OutcomeFamily("peak_strength_foreign_<id>", "men", "most men {who} had in the country"),
    OutcomeFamily("strength_end_<faction>", "men", "men in the field: {who}", "timeseries"),
    OutcomeFamily("strength_end_foreign_<id>", "men", "men in Mali: {who}", "timeseries"),
    OutcomeFamily(
        "holder_<town>",
        "holder",
        "who holds {who}: state, separatists, jihadists or contested",
        "events",
    ),
    OutcomeFamily(
        "<town>_state_capture_date", "date", "first day the state's side took {who}", "runs"
    ),
    OutcomeFamily("pop_share_state_north", "share 0-1", "north's population under the state"),
    OutcomeFamily("pop_share_jihadists_centre", "share 0-1", "centre's population under jihadists"),
    OutcomeFamily("pop_share_<class>", "share 0-1", "population under {who}", "timeseries"),
    OutcomeFamily("area_share_<class>", "share 0-1", "territory under {who}"),
    OutcomeFamily("regime_popularity_end", "0-1", "regime popularity in Bamako", "timeseries"),
    OutcomeFamily("recruits_jihadists", "men", "men who took the field in new jihadist bands"),
    OutcomeFamily(
        "recruits_jihadists_centre", "men", "jihadist recruits from the centre's population"
    ),
    OutcomeFamily(
        "abuse_events", "events", "acts of violence against civilians by the state's side", "events"
    ),
    OutcomeFamily("desertions_state", "men", "state soldiers who deserted"),
    OutcomeFamily("period_years", "years", "length of the period simulated"),
    OutcomeFamily("coups", "coups", "coups in Bamako during the period"),
    OutcomeFamily(
        "state_legitimacy_end", "0-1", "the state's legitimacy among the people (mean per head)"
    ),
    OutcomeFamily(
        "town_value_share_state",
        "share 0-1",
        "share of the strategic value of the regional capitals and Kidal the state holds",
    ),
    *(
        OutcomeFamily(lens, "score 0-1", f"{LENS_NAMES[lens]} lens: {LENS_MEANINGS[lens]}")
        for lens in ("lens_western", "lens_bamako", "lens_patron")
    ),
    OutcomeFamily("lens_patron_foreign_<id>", "score 0-1", "lens of the patron of {who}"),
)
"""Every runs-table outcome, in the order ``malisim outcomes`` lists them."""

ALIASES: tuple[tuple[str, str], ...] = (
    # renamed in the runs table: a foreign force is always written foreign_<id>
    ("strength_end_<id>", "strength_end_foreign_<id>"),
    # the pattern's form of a contract name that keeps its own form
    ("civilians_killed_by_foreign_<id>", "civilians_killed_by_<id>"),
)
"""(other name, column name) pairs: either name finds the column, in old and new folders."""

HOLDERS = ("state", "separatists", "jihadists", "contested")
"""What a ``holder_<town>`` column holds."""


def _withdrew(runs: pd.DataFrame) -> pd.Series:
    cols = [c for c in runs.columns if c.startswith("withdrew_foreign_")]
    if not cols:
        return pd.Series(np.nan, index=runs.index)
    return runs[cols].fillna(False).astype(bool).any(axis=1).astype(float)


def _mass_casualty(runs: pd.DataFrame) -> pd.Series:
    cols = [c for c in runs.columns if c.startswith("max_engagement_deaths_foreign_")]
    if not cols:
        return pd.Series(np.nan, index=runs.index)
    # The scenario's own threshold, the one the patron's decision reacts to (politics section).
    threshold = runs.get("politics.mass_casualty_threshold", pd.Series(50, index=runs.index))
    return (runs[cols].max(axis=1) >= threshold).astype(float)


BINARY_OUTCOMES: dict[str, Outcome] = {
    "patron_withdraws": Outcome("patron_withdraws", "a foreign patron withdraws", True, _withdrew),
    "state_holds_kidal": Outcome(
        "state_holds_kidal",
        "the state holds Kidal at the end",
        True,
        lambda r: (r["holder_kidal"] == "state").astype(float),
    ),
    "mass_casualty_defeat": Outcome(
        "mass_casualty_defeat",
        "a foreign force suffers a mass-casualty defeat",
        True,
        _mass_casualty,
    ),
}

DEFAULT_OUTCOMES = ("deaths_civilians", "pop_share_state", "regime_popularity_end", "lens_bamako")

NOT_OUTCOMES = ("run_id", "seed", "point", "replicate")
"""Columns of the runs table that identify a run rather than measure it."""

_WHO = {
    "<faction>": "(state|separatists|jihadists)",
    "<class>": "(" + "|".join(CONTROL_CLASSES) + ")",
    "<id>": "([a-z][a-z0-9_]*)",
    "<actor>": "([a-z][a-z0-9_]*)",
    "<town>": "([a-z][a-z0-9_]*)",
}


def _regex(pattern: str) -> re.Pattern:
    text = pattern
    for slot, group in _WHO.items():
        text = text.replace(slot, group)
    return re.compile(text)


_MATCHERS = [(family, _regex(family.pattern)) for family in FAMILIES]


def family_of(name: str) -> tuple[OutcomeFamily, str] | None:
    """The family a column belongs to and who it is about, or None for another column."""
    for family, regex in _MATCHERS:
        m = regex.fullmatch(name)
        if m:
            return family, (m.group(1) if m.groups() else "")
    return None


def _who_label(family: OutcomeFamily, who: str) -> str:
    if "<town>" in family.pattern:
        return who.replace("_", " ").title()
    if "<class>" in family.pattern and who in ("state", "contested"):
        return {"state": "the state", "contested": "contested control"}[who]
    return actor_label(who)


THRESHOLD = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*(>=|<=|>|<)\s*(-?[\d.]+(?:e-?\d+)?)\s*$")
"""``lens_bamako>=0.8``: a numeric outcome read as an event, 1 in the runs that meet the bound."""

COMPARE = {
    ">=": lambda v, x: v >= x,
    "<=": lambda v, x: v <= x,
    ">": lambda v, x: v > x,
    "<": lambda v, x: v < x,
}


def threshold(name: str) -> tuple[str, str, float] | None:
    """``(column, operator, bound)`` of a threshold event such as ``lens_western>=0.6``."""
    m = THRESHOLD.match(name)
    if m is None:
        return None
    try:
        return m.group(1), m.group(2), float(m.group(3))
    except ValueError:
        return None


def outcome_label(name: str) -> str:
    """Return a readable label with units for an outcome or column name."""
    if name in BINARY_OUTCOMES:
        return BINARY_OUTCOMES[name].label
    bound = threshold(name)
    if bound is not None:
        column, op, value = bound
        return f"{column} {op} {value:g}"
    if "=" in name:
        column, _, value = name.partition("=")
        m = re.fullmatch("holder_(.+)", column)
        if m:
            town = m.group(1).replace("_", " ").title()
            if value == "contested":
                return f"{town} is contested"
            return f"{actor_label(value)} {'holds' if value == 'state' else 'hold'} {town}"
        return f"{column.replace('_', ' ')} is {value}"
    found = family_of(canonical_name(name))
    if found is None:
        return name.replace("_", " ")
    family, who = found
    meaning = family.meaning.format(who=_who_label(family, who))
    return meaning if family.unit == "0/1" else f"{meaning} ({family.unit})"


def parameter_label(name: str) -> str:
    """Return the last parts of a dotted parameter name, readable (``wagner risk tolerance``)."""
    parts = name.split(".")
    return " ".join(p.replace("_", " ") for p in parts[-2:])


def _alias_who(pattern: str, name: str) -> str | None:
    """Who ``name`` is about, if it has the shape of ``pattern`` and names a foreign force."""
    m = _regex(pattern).fullmatch(name)
    if m is None:
        return None
    who = m.group(1)
    return None if who in FACTIONS or who.startswith("foreign_") else who


def _fill(pattern: str, who: str) -> str:
    for slot in _WHO:
        pattern = pattern.replace(slot, who)
    return pattern


def canonical_name(name: str) -> str:
    """The runs-table column an alias stands for (``strength_end_wagner``: its new name)."""
    for alias, column in ALIASES:
        who = _alias_who(alias, name)
        if who is not None:
            return _fill(column, who)
    return name


def resolve_column(runs: pd.DataFrame, name: str) -> str | None:
    """The runs column an outcome name stands for, aliases included, or None.

    Either name of an alias pair finds the column a folder holds, so a name renamed in a
    later model version reads folders written before it, and the other way round.
    """
    if name in runs.columns:
        return name
    for alias, column in ALIASES:
        for given, other in ((alias, column), (column, alias)):
            who = _alias_who(given, name)
            if who is not None and _fill(other, who) in runs.columns:
                return _fill(other, who)
    return None


def outcome_names(runs: pd.DataFrame) -> list[str]:
    """Every name ``outcome_values`` accepts for these runs (aliases aside)."""
    names = list(BINARY_OUTCOMES)
    for column in runs.columns:
        if "." in column or column in NOT_OUTCOMES:
            continue
        values = runs[column]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            names.append(column)
        elif column.startswith("holder_"):
            names += [f"{column}={holder}" for holder in HOLDERS]
    return names


def suggest(name: str, candidates: list[str] | tuple[str, ...]) -> str:
    """``; did you mean A or B?`` for the closest candidates (difflib), or an empty string."""
    close = difflib.get_close_matches(name, list(candidates), n=3, cutoff=0.6)
    if not close:
        return ""
    return "; did you mean " + " or ".join(close) + "?"


def outcome_values(runs: pd.DataFrame, name: str) -> pd.Series:
    """Compute an outcome per run: a named event or a ``column=value`` event (0/1), or a column.

    Raises:
        KeyError: the name is no outcome of these runs (the message suggests the closest).

    """
    if name in BINARY_OUTCOMES:
        _check_known_at_date(runs, name)
        return BINARY_OUTCOMES[name].compute(runs)
    bound = threshold(name)
    if bound is not None:
        column, op, value = bound
        values = outcome_values(runs, column)
        return COMPARE[op](values, value).astype(float).where(values.notna())
    _check_known_at_date(runs, name)
    if "=" in name:
        return _category_event(runs, name)
    column = resolve_column(runs, name)
    if column is None:
        hint = suggest(name, outcome_names(runs))
        raise KeyError(f"unknown outcome {name!r} (malisim outcomes lists them){hint}")
    values = runs[column]
    if pd.api.types.is_bool_dtype(values):
        return values.astype(float)
    if not pd.api.types.is_numeric_dtype(values):
        hint = f" (its column holds {values.dtype})"
        if column.startswith("holder_"):
            hint = f": use {column}=<holder>, one of {', '.join(HOLDERS)}"
        raise KeyError(f"outcome {name!r} is not a number{hint}")
    return values.astype(float)


def _check_known_at_date(runs: pd.DataFrame, name: str) -> None:
    """Refuse an outcome a runs table at a date (``sim.analysis.at_date``) does not hold."""
    end_only = runs.attrs.get("end_only", {})
    if not end_only:
        return
    column = name.partition("=")[0]
    needs = {
        "state_holds_kidal": ["holder_kidal"],
        "mass_casualty_defeat": [c for c in end_only if c.startswith("max_engagement_deaths")],
    }.get(name, [column, canonical_name(column)])
    for need in needs:
        if need in end_only:
            raise KeyError(
                f"outcome {name!r} is not known at {runs.attrs.get('at')}: {end_only[need]} "
                "(docs/ANALYSIS.md, outcomes at a date)"
            )


def _category_event(runs: pd.DataFrame, name: str) -> pd.Series:
    """``holder_kidal=state``: 1 in the runs whose column holds the value, else 0."""
    given, _, value = name.partition("=")
    column = resolve_column(runs, given.strip())
    value = value.strip()
    if column is None or pd.api.types.is_numeric_dtype(runs[column]):
        categorical = [c for c in runs.columns if c.startswith("holder_")]
        raise KeyError(
            f"unknown outcome {name!r}: COLUMN=VALUE takes a category column such as "
            f"holder_kidal{suggest(given, categorical)}"
        )
    known = HOLDERS if column.startswith("holder_") else sorted(runs[column].dropna().unique())
    if value not in known:
        raise KeyError(
            f"outcome {name!r}: {column} holds one of {', '.join(map(str, known))}"
            f"{suggest(value, [str(k) for k in known])}"
        )
    return (runs[column] == value).astype(float)


def is_binary(runs: pd.DataFrame, name: str) -> bool:
    """Whether an outcome is an event (0/1), to plot as a probability."""
    if name in BINARY_OUTCOMES or "=" in name or threshold(name) is not None:
        return True
    column = resolve_column(runs, name)
    return column is not None and pd.api.types.is_bool_dtype(runs[column])


# --- the catalogue, listed ------------------------------------------------------------------------
def reported_towns() -> list[str]:
    """The towns whose holder the runs table reports, in its order (``sim/data/towns.csv``)."""
    with resources.files("sim.data").joinpath("towns.csv").open(encoding="utf-8") as handle:
        ranked = [
            (int(r["reported"]), r["id"]) for r in csv.DictReader(handle) if int(r["reported"])
        ]
    return [tid for _, tid in sorted(ranked)]


def catalogue(
    foreign: list[str], towns: list[str] | None = None
) -> list[tuple[str, str, str, str]]:
    """Every outcome of a scenario's runs: (name, unit, meaning, where its value at a date is from).

    Args:
        foreign: the foreign forces' ids.
        towns: the reported towns (default: the town table's).

    """
    towns = reported_towns() if towns is None else towns
    slots = {
        "<faction>": list(FACTIONS),
        "<id>": list(foreign),
        "<actor>": [*FACTIONS, *foreign, MILITIAS],  # the seam's militias kill, unarmed here
        "<town>": towns,
        "<class>": list(CONTROL_CLASSES),
    }
    rows = []
    for family in FAMILIES:
        slot = next((s for s in slots if s in family.pattern), None)
        for who in slots[slot] if slot else [""]:
            name = family.pattern.replace(slot, who) if slot else family.pattern
            meaning = family.meaning.format(who=_who_label(family, who))
            rows.append((name, family.unit, meaning, family.at_date or "end only"))
    for outcome in BINARY_OUTCOMES.values():
        rows.append((outcome.name, "0/1", outcome.label, "events and runs"))
    return rows


def outcome_problem(name: str, foreign: list[str], towns: list[str] | None = None) -> str | None:
    """Why ``name`` is no outcome of a scenario's runs (with the closest names), or None.

    For checking a name before any run exists (``malisim sensitivity``, ``compare``).
    """
    names = [row[0] for row in catalogue(foreign, towns)]
    holders = [n for n in names if n.startswith("holder_")]
    categories = [f"{n}={h}" for n in holders for h in HOLDERS]
    if canonical_name(name) in names or name in categories:
        return None
    if name in holders:
        return f"outcome {name!r} is not a number: use {name}=<holder>, one of {', '.join(HOLDERS)}"
    hint = suggest(name, names + categories)
    return f"unknown outcome {name!r} (malisim outcomes lists them){hint}"


# --- lenses ---------------------------------------------------------------------------------------
LENSES = ("lens_bamako", "lens_western", "lens_patron")
SUCCESS = 0.5  # a lens score above one half counts as success by that lens (scores are 0-1)


def lens_disagreement(runs: pd.DataFrame) -> float:
    """Share of runs that succeed by the Bamako lens and fail by the Western one, or vice versa."""
    bamako = runs["lens_bamako"] > SUCCESS
    western = runs["lens_western"] > SUCCESS
    return float((bamako != western).mean())
