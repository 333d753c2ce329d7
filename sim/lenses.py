"""The three lenses of success: what Western capitals, Bamako and a patron value, as formulas.

A lens scores a run from 0 (failure) to 1 (success) as the weighted mean of its terms'
satisfactions. Each term reads columns of the runs table only, so stored results can be scored
again with other weights (``malisim lenses``), and is a good (satisfaction ``min(1, value /
scale)``) or a harm (satisfaction ``0.5 ** (value / scale)``: the scale is the value that halves
it). What each term reads is defined here (:data:`TERMS`); its weight and scale come from a lens
file (``lenses/default.toml``, the model's own, whose numbers docs/ODD.md argues).

The patron's lens judges each foreign force by its own patron (``lens_patron_foreign_<id>``);
``lens_patron`` is that of the force with the most man-days in the run.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
import pandas as pd
from pydantic import Field, ValidationError

from sim.scenario import ScenarioError, read_toml
from sim.scenario.strict import StrictModel, validation_problems

DEFAULT_LENS_FILE = Path(__file__).resolve().parent.parent / "lenses" / "default.toml"
"""The model's own lens file: the runs table's lens columns are scored with it."""

LENSES = ("western", "bamako", "patron")
"""The judges, in the order the tables and the lens file give them."""

MIN_YEARS = 1 / 12
"""Rates per year are taken over at least a month: the first days of a run (the web app scores
each day) would otherwise turn one death into hundreds a year."""


# --- the terms ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Term:
    """One thing a judge values, read from the runs table.

    Attributes:
        lens: ``western``, ``bamako`` or ``patron``.
        name: its name in a lens file.
        sense: ``good`` (more is better) or ``harm`` (less is better).
        meaning: what the value is, with its unit.
        reads: the runs-table columns it reads (``<id>``: each foreign force).
        by: ``forces`` when the file weighs each force by id, ``kinds`` by its kind, else "".
        value: the term's value per run: ``value(runs, forces, weights, fid)`` (``fid``: the
            force judged, for a patron's term; ``weights``: the file's ``forces`` or ``kinds``).

    """

    lens: str
    name: str
    sense: Literal["good", "harm"]
    meaning: str
    reads: tuple[str, ...]
    value: Callable[..., pd.Series]
    by: Literal["", "forces", "kinds"] = ""


def _column(name: str) -> Callable[..., pd.Series]:
    return lambda runs, forces, weights, fid: runs[name].astype(float)


def _force_column(pattern: str) -> Callable[..., pd.Series]:
    return lambda runs, forces, weights, fid: runs[pattern.format(id=fid)].astype(float)


def _per_year(runs: pd.DataFrame, values: pd.Series) -> pd.Series:
    return values / runs["period_years"].astype(float).clip(lower=MIN_YEARS)


def _civilians_by_state_side(runs, forces, weights, fid) -> pd.Series:
    total = runs["civilians_killed_by_state"].astype(float)
    for force in forces:
        total = total + runs[f"civilians_killed_by_{force}"].astype(float).fillna(0.0)
    return _per_year(runs, total)


def _weighted_over_forces(pattern: str, per_year: bool) -> Callable[..., pd.Series]:
    def value(runs, forces, weights, fid) -> pd.Series:
        total = pd.Series(0.0, index=runs.index)
        for force in forces:
            if weights.get(force, 0.0):
                column = runs[pattern.format(id=force)].astype(float).fillna(0.0)
                total = total + weights[force] * column
        return _per_year(runs, total) if per_year else total

    return value


def _cost_of_dead(runs, forces, weights, fid) -> pd.Series:
    per_death = runs[f"foreign.{fid}.kind"].map(weights).astype(float).fillna(0.0)
    return _per_year(runs, per_death * runs[f"deaths_foreign_{fid}"].astype(float))


def _withdrew(runs, forces, weights, fid) -> pd.Series:
    return runs[f"withdrew_foreign_{fid}"].fillna(False).astype(float)


def _stayed_through_disaster(runs, forces, weights, fid) -> pd.Series:
    # The same disaster the patron's decision and the outcome mass_casualty_defeat mean.
    worst = runs[f"max_engagement_deaths_foreign_{fid}"].astype(float)
    disaster = worst >= runs["politics.mass_casualty_threshold"].astype(float)
    return (disaster & ~runs[f"withdrew_foreign_{fid}"].fillna(False).astype(bool)).astype(float)


TERMS: tuple[Term, ...] = (
    # Western capitals
    Term(
        "western",
        "jihadist_centre",
        "harm",
        "share of the centre's population under jihadist control at the end",
        ("pop_share_jihadists_centre",),
        _column("pop_share_jihadists_centre"),
    ),
    Term(
        "western",
        "jihadist_country",
        "harm",
        "share of the country's population under jihadist control at the end",
        ("pop_share_jihadists",),
        _column("pop_share_jihadists"),
    ),
    Term(
        "western",
        "civilians_by_state_side",
        "harm",
        "civilians killed by the state and the foreign forces, a year",
        ("civilians_killed_by_state", "civilians_killed_by_<id>", "period_years"),
        _civilians_by_state_side,
    ),
    Term(
        "western",
        "abuses",
        "harm",
        "acts of violence against civilians by the state's side, a year",
        ("abuse_events", "period_years"),
        lambda runs, forces, weights, fid: _per_year(runs, runs["abuse_events"].astype(float)),
    ),
    Term(
        "western",
        "state_legitimacy",
        "good",
        "the state's legitimacy among the people at the end (population-weighted, 0-1)",
        ("state_legitimacy_end",),
        _column("state_legitimacy_end"),
    ),
    Term(
        "western",
        "coups",
        "harm",
        "coups in Bamako during the period",
        ("coups",),
        _column("coups"),
    ),
    Term(
        "western",
        "own_dead",
        "harm",
        "their own soldiers killed a year: each force's dead times its weight",
        ("deaths_foreign_<id>", "period_years"),
        _weighted_over_forces("deaths_foreign_{id}", per_year=True),
        by="forces",
    ),
    Term(
        "western",
        "rival_presence",
        "harm",
        "share of the period a rival's force is in Mali, times its weight",
        ("present_share_foreign_<id>",),
        _weighted_over_forces("present_share_foreign_{id}", per_year=False),
        by="forces",
    ),
    # Bamako
    Term(
        "bamako",
        "regime_popularity",
        "good",
        "the regime's popularity at the end (0-1)",
        ("regime_popularity_end",),
        _column("regime_popularity_end"),
    ),
    Term(
        "bamako",
        "coups",
        "harm",
        "coups during the period (the sitting regime fell)",
        ("coups",),
        _column("coups"),
    ),
    Term(
        "bamako",
        "population",
        "good",
        "share of the population under the state at the end",
        ("pop_share_state",),
        _column("pop_share_state"),
    ),
    Term(
        "bamako",
        "territory",
        "good",
        "share of the territory under the state at the end",
        ("area_share_state",),
        _column("area_share_state"),
    ),
    Term(
        "bamako",
        "symbolic_towns",
        "good",
        "share of the strategic value of the regional capitals and Kidal the state holds",
        ("town_value_share_state",),
        _column("town_value_share_state"),
    ),
    Term(
        "bamako",
        "sovereignty",
        "harm",
        "share of the period foreign forces are in Mali, each times its weight",
        ("present_share_foreign_<id>",),
        _weighted_over_forces("present_share_foreign_{id}", per_year=False),
        by="forces",
    ),
    # the patron of each foreign force
    Term(
        "patron",
        "client_survival",
        "good",
        "the client regime's popularity at the end (0-1)",
        ("regime_popularity_end",),
        _column("regime_popularity_end"),
    ),
    Term(
        "patron",
        "client_ground",
        "good",
        "share of the territory under the client at the end",
        ("area_share_state",),
        _column("area_share_state"),
    ),
    Term(
        "patron",
        "presence",
        "good",
        "share of the period its force is in Mali",
        ("present_share_foreign_<id>",),
        _force_column("present_share_foreign_{id}"),
    ),
    Term(
        "patron",
        "leverage",
        "good",
        "the client's mean dependence on its force (share of the state side's men) while there",
        ("dependence_mean_foreign_<id>",),
        _force_column("dependence_mean_foreign_{id}"),
    ),
    Term(
        "patron",
        "cost_of_dead",
        "harm",
        "its force's dead a year, times the political cost of a death of the force's kind",
        ("deaths_foreign_<id>", "foreign.<id>.kind", "period_years"),
        _cost_of_dead,
        by="kinds",
    ),
    Term(
        "patron",
        "withdrawal",
        "harm",
        "1 if its patron withdrew the force by its own decision, else 0",
        ("withdrew_foreign_<id>",),
        _withdrew,
    ),
    Term(
        "patron",
        "resolve",
        "good",
        "1 if the force took a mass-casualty loss and its patron kept it there, else 0",
        (
            "max_engagement_deaths_foreign_<id>",
            "politics.mass_casualty_threshold",
            "withdrew_foreign_<id>",
        ),
        _stayed_through_disaster,
    ),
)
"""Every term a lens file may weigh, by lens."""

TERMS_BY_LENS: dict[str, dict[str, Term]] = {
    lens: {t.name: t for t in TERMS if t.lens == lens} for lens in LENSES
}


def satisfaction(sense: str, value: pd.Series, scale: float) -> pd.Series:
    """A term's satisfaction, 0-1: ``min(1, value / scale)`` or ``0.5 ** (value / scale)``.

    The first for a good, the second for a harm; a negative value counts as none.
    """
    value = value.clip(lower=0.0)
    if sense == "good":
        return (value / scale).clip(upper=1.0)
    return np.power(0.5, value / scale)


# --- the lens file --------------------------------------------------------------------------------
Weight = Annotated[float, Field(ge=0, le=1e6)]
"""A weight in a lens file's ``forces`` or ``kinds`` table."""


class LensTerm(StrictModel):
    """One term of a lens in a lens file: how much it weighs and its scale."""

    weight: float = Field(ge=0, le=1e6, description="Its weight among the lens's terms")
    scale: float = Field(gt=0, le=1e12, description="Full (good) or half (harm) satisfaction")
    forces: dict[str, Weight] | None = Field(None, description="Weight of each force, by id")
    kinds: dict[Literal["contractor", "expeditionary", "peacekeeping"], Weight] | None = Field(
        None, description="Weight of a force's dead, by its kind"
    )


class LensHeader(StrictModel):
    """The ``[lenses]`` table of a lens file."""

    description: str = ""


class LensFile(StrictModel):
    """A whole lens file: a header and, for each judge, its terms by name."""

    lenses: LensHeader
    western: dict[str, LensTerm]
    bamako: dict[str, LensTerm]
    patron: dict[str, LensTerm]

    def terms(self, lens: str) -> dict[str, LensTerm]:
        """The file's terms of a lens, by name."""
        return getattr(self, lens)


def lens_file_problems(lenses: LensFile) -> list[tuple[str, str]]:
    """What a schema cannot see: unknown terms, per-force weights missing or misplaced."""
    problems = []
    for lens in LENSES:
        known = TERMS_BY_LENS[lens]
        given = lenses.terms(lens)
        for name, entry in given.items():
            where = f"{lens}.{name}"
            term = known.get(name)
            if term is None:
                problems.append((where, f"unknown term; expected one of {', '.join(known)}"))
                continue
            for table in ("forces", "kinds"):
                weights = getattr(entry, table)
                if term.by == table and weights is None:
                    problems.append((f"{where}.{table}", f"required for this term ({table})"))
                elif term.by != table and weights is not None:
                    problems.append((f"{where}.{table}", "this term takes no per-force weights"))
        if given and not any(entry.weight > 0 for entry in given.values()):
            problems.append((lens, "every weight is 0: the lens would judge nothing"))
        elif not given:
            problems.append((lens, "no terms: the lens would judge nothing"))
    return problems


def load_lens_file(path: str | Path) -> LensFile:
    """Read and check a lens file.

    Raises:
        ScenarioError: one ``FILE: field: message`` line per problem.

    """
    data = read_toml(path)
    try:
        lenses = LensFile.model_validate(data)
    except ValidationError as exc:
        problems = validation_problems(exc, reference="docs/ODD.md, the three lenses")
    else:
        problems = lens_file_problems(lenses)
    if problems:
        raise ScenarioError([f"{path}: {field}: {msg}" for field, msg in problems])
    return lenses


@functools.cache
def default_lenses() -> LensFile:
    """The model's own lens file, read once a process."""
    return load_lens_file(DEFAULT_LENS_FILE)


# --- scores ---------------------------------------------------------------------------------------
def foreign_ids(runs: pd.DataFrame) -> list[str]:
    """The foreign forces of a runs table, in its column order."""
    prefix = "present_share_foreign_"
    return [c.removeprefix(prefix) for c in runs.columns if c.startswith(prefix)]


def needed_columns(lenses: LensFile, forces: list[str]) -> list[str]:
    """The runs-table columns the terms a lens file weighs read, for these forces."""
    # The patron's lens is that of the force with the most man-days.
    needed = [f"{c}_foreign_{f}" for f in forces for c in ("present_share", "peak_strength")]
    for lens in LENSES:
        for name, entry in lenses.terms(lens).items():
            if entry.weight <= 0:
                continue
            for pattern in TERMS_BY_LENS[lens][name].reads:
                for column in [pattern.replace("<id>", f) for f in forces] or [pattern]:
                    if "<id>" not in column and column not in needed:
                        needed.append(column)
    return needed


def _lens_score(
    runs: pd.DataFrame, lenses: LensFile, lens: str, forces: list[str], fid: str | None
) -> pd.Series:
    total = pd.Series(0.0, index=runs.index)
    weights = 0.0
    for name, entry in lenses.terms(lens).items():
        if entry.weight <= 0:
            continue
        term = TERMS_BY_LENS[lens][name]
        table = getattr(entry, term.by) if term.by else {}
        value = term.value(runs, forces, table, fid)
        total = total + entry.weight * satisfaction(term.sense, value, entry.scale)
        weights += entry.weight
    return total / weights


def score_lenses(runs: pd.DataFrame, lenses: LensFile | None = None) -> pd.DataFrame:
    """Each run's lens scores, scored with a lens file (default: the model's own).

    The columns are ``lens_western``, ``lens_bamako``, ``lens_patron`` and
    ``lens_patron_foreign_<id>`` for each foreign force (NaN where it was never present).
    ``lens_patron`` is the patron's lens of the force with the most man-days (its share of the
    period present times the most men it had); NaN without a foreign force. The same
    function scores a run's row as the model writes it and a stored table (``malisim lenses``).

    Raises:
        KeyError: a column a weighed term reads is not in ``runs`` (``needed_columns``).

    """
    lenses = lenses or default_lenses()
    forces = foreign_ids(runs)
    missing = [c for c in needed_columns(lenses, forces) if c not in runs.columns]
    if missing:
        raise KeyError(f"the runs table lacks {', '.join(missing)}")
    out = pd.DataFrame(index=runs.index)
    out["lens_western"] = _lens_score(runs, lenses, "western", forces, None)
    out["lens_bamako"] = _lens_score(runs, lenses, "bamako", forces, None)
    out["lens_patron"] = np.nan
    best = pd.Series(-1.0, index=runs.index)
    for fid in forces:
        present = runs[f"present_share_foreign_{fid}"].astype(float).fillna(0.0)
        score = _lens_score(runs, lenses, "patron", forces, fid).where(present > 0)
        out[f"lens_patron_foreign_{fid}"] = score
        man_days = present * runs[f"peak_strength_foreign_{fid}"].astype(float).clip(lower=1.0)
        main = (man_days > best) & (present > 0)
        out.loc[main, "lens_patron"] = score[main]
        best = best.where(~main, man_days)
    return out
