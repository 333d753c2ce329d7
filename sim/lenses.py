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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

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
class Columns:
    """The runs-table columns a term reads, as float arrays: of a table, or of one row.

    The model scores its own row (a dict) and ``malisim lenses`` a stored table with the same
    arithmetic on arrays, element by element, so that both give the same numbers to the bit.
    """

    def __init__(self, data: pd.DataFrame | Mapping[str, Any]):
        self.frame = data if isinstance(data, pd.DataFrame) else None
        self.row = None if self.frame is not None else data
        self.names = list(data.columns if self.frame is not None else data)
        self.size = len(data) if self.frame is not None else 1

    def numbers(self, name: str) -> np.ndarray:
        """A column as floats (true/false as 1/0, missing as NaN)."""
        if self.frame is not None:
            return self.frame[name].to_numpy(dtype=float, na_value=np.nan)
        value = self.row[name]
        return np.array([np.nan if value is None else float(value)])

    def mapped(self, name: str, table: Mapping[str, float]) -> np.ndarray:
        """A column of names (a force's kind) mapped to numbers by ``table`` (else NaN)."""
        if self.frame is not None:
            return self.frame[name].map(table).to_numpy(dtype=float, na_value=np.nan)
        return np.array([table.get(self.row[name], np.nan)])

    def zeros(self) -> np.ndarray:
        """An array of zeros, one a run."""
        return np.zeros(self.size)


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
        value: the term's value per run: ``value(columns, forces, weights, fid)`` (``fid``: the
            force judged, for a patron's term; ``weights``: the file's ``forces`` or ``kinds``).

    """

    lens: str
    name: str
    sense: Literal["good", "harm"]
    meaning: str
    reads: tuple[str, ...]
    value: Callable[..., np.ndarray]
    by: Literal["", "forces", "kinds"] = ""


def _column(name: str) -> Callable[..., np.ndarray]:
    return lambda cols, forces, weights, fid: cols.numbers(name)


def _force_column(pattern: str) -> Callable[..., np.ndarray]:
    return lambda cols, forces, weights, fid: cols.numbers(pattern.format(id=fid))


def _per_year(cols: Columns, values: np.ndarray) -> np.ndarray:
    return values / np.maximum(cols.numbers("period_years"), MIN_YEARS)


def _civilians_by_state_side(cols, forces, weights, fid) -> np.ndarray:
    total = cols.numbers("civilians_killed_by_state")
    for force in forces:
        total = total + np.nan_to_num(cols.numbers(f"civilians_killed_by_{force}"))
    return _per_year(cols, total)


def _weighted_over_forces(pattern: str, per_year: bool) -> Callable[..., np.ndarray]:
    def value(cols, forces, weights, fid) -> np.ndarray:
        total = cols.zeros()
        for force in forces:
            if weights.get(force, 0.0):
                column = np.nan_to_num(cols.numbers(pattern.format(id=force)))
                total = total + weights[force] * column
        return _per_year(cols, total) if per_year else total

    return value


def _cost_of_dead(cols, forces, weights, fid) -> np.ndarray:
    per_death = np.nan_to_num(cols.mapped(f"foreign.{fid}.kind", weights))
    return _per_year(cols, per_death * cols.numbers(f"deaths_foreign_{fid}"))


def _withdrew(cols, forces, weights, fid) -> np.ndarray:
    return np.nan_to_num(cols.numbers(f"withdrew_foreign_{fid}"))


def _stayed_through_disaster(cols, forces, weights, fid) -> np.ndarray:
    # The same disaster the patron's decision and the outcome mass_casualty_defeat mean.
    worst = cols.numbers(f"max_engagement_deaths_foreign_{fid}")
    disaster = worst >= cols.numbers("politics.mass_casualty_threshold")
    return (disaster & (_withdrew(cols, forces, weights, fid) == 0)).astype(float)


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
        lambda cols, forces, weights, fid: _per_year(cols, cols.numbers("abuse_events")),
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


def satisfaction(sense: str, value: np.ndarray, scale: float) -> np.ndarray:
    """A term's satisfaction, 0-1: ``min(1, value / scale)`` or ``0.5 ** (value / scale)``.

    The first for a good, the second for a harm; a negative value counts as none. The power
    is Python's, one value at a time: numpy's vectorised power may round the last bit
    differently for an array than for one value, and a row must score as its table does.
    """
    value = np.maximum(value, 0.0)
    if sense == "good":
        return np.minimum(value / scale, 1.0)
    return np.array([0.5 ** (v / scale) for v in value.tolist()])


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
def foreign_ids(columns: list[str]) -> list[str]:
    """The foreign forces of a runs table, in its column order."""
    prefix = "present_share_foreign_"
    return [c.removeprefix(prefix) for c in columns if c.startswith(prefix)]


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
    cols: Columns, lenses: LensFile, lens: str, forces: list[str], fid: str | None
) -> np.ndarray:
    total = cols.zeros()
    weights = 0.0
    for name, entry in lenses.terms(lens).items():
        if entry.weight <= 0:
            continue
        term = TERMS_BY_LENS[lens][name]
        table = getattr(entry, term.by) if term.by else {}
        value = term.value(cols, forces, table, fid)
        total = total + entry.weight * satisfaction(term.sense, value, entry.scale)
        weights += entry.weight
    return total / weights


def lens_scores(
    runs: pd.DataFrame | Mapping[str, Any], lenses: LensFile | None = None
) -> dict[str, np.ndarray]:
    """Each run's lens scores, by column name, as arrays (one value for a row).

    The columns are ``lens_western``, ``lens_bamako``, ``lens_patron`` and
    ``lens_patron_foreign_<id>`` for each foreign force (NaN where it was never present).
    ``lens_patron`` is the patron's lens of the force with the most man-days (its share of the
    period present times the most men it had); NaN without a foreign force.

    Raises:
        KeyError: a column a weighed term reads is not in ``runs`` (``needed_columns``).

    """
    lenses = lenses or default_lenses()
    cols = Columns(runs)
    forces = foreign_ids(cols.names)
    missing = [c for c in needed_columns(lenses, forces) if c not in cols.names]
    if missing:
        raise KeyError(f"the runs table lacks {', '.join(missing)}")
    out = {
        "lens_western": _lens_score(cols, lenses, "western", forces, None),
        "lens_bamako": _lens_score(cols, lenses, "bamako", forces, None),
        "lens_patron": np.full(cols.size, np.nan),
    }
    best = np.full(cols.size, -1.0)
    for fid in forces:
        present = np.nan_to_num(cols.numbers(f"present_share_foreign_{fid}"))
        score = np.where(present > 0, _lens_score(cols, lenses, "patron", forces, fid), np.nan)
        out[f"lens_patron_foreign_{fid}"] = score
        man_days = present * np.maximum(cols.numbers(f"peak_strength_foreign_{fid}"), 1.0)
        main = (man_days > best) & (present > 0)
        out["lens_patron"] = np.where(main, score, out["lens_patron"])
        best = np.where(main, man_days, best)
    return out


def score_lenses(runs: pd.DataFrame, lenses: LensFile | None = None) -> pd.DataFrame:
    """Each run's lens scores (``lens_scores``) as a table with the runs' index.

    Scored with a lens file (default: the model's own); the same arithmetic scores a run's row
    as the model writes it, so the model's default file reproduces a runs table's columns.
    """
    return pd.DataFrame(lens_scores(runs, lenses), index=runs.index)


def score_row(row: Mapping[str, Any], lenses: LensFile | None = None) -> dict[str, float]:
    """One run's lens scores from its runs-table row (a dict), as numbers."""
    return {name: float(values[0]) for name, values in lens_scores(row, lenses).items()}
