"""The criteria: each pattern of the record as a statistical test on a scenario's ensemble.

The record is the project's own file of documented facts, ``sim/data/record.csv`` (one row a
dated, sourced value; ``sim/data/SOURCES.md`` says where it comes from). The criteria read the
record's values, dates and sources from it, so that each number of the record is written once;
the passing ranges are the criteria's own (wide on purpose: docs/CALIBRATION.md). Nothing in
the model reads this module or the record.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.scenario import Scenario
from sim.tables import Results
from sim.validate.measures import (
    abuse_recruitment_ratio,
    median_centre_share,
    median_days_to_kidal,
    median_days_to_lose_all,
    median_deaths,
    median_fighting_at_capture,
    median_killed_by,
    median_losses_with_desertion,
    median_on,
    median_regions_share_of_deaths,
    median_strength_on,
    median_yearly_events,
    share_centre_rising,
    share_events_rising,
    share_kidal_taken,
    share_losses_near,
    share_mass_attack,
    share_massacre,
    share_north_lost_together,
    share_not_held_at_end,
    share_outnumbers,
    share_retaken_within,
    share_strength_at_least,
    share_timeline_kept,
    share_towns_never_taken,
    share_withdrew,
)
from sim.validate.statistics import Sample, passes

RECORD_FILE = Path(__file__).resolve().parents[1] / "data" / "record.csv"
"""The project's record of facts: ``fact, key, what, date, end, value, unit, stated, source,
use`` (``use``: ``input`` for what the scenarios take as given, ``calibration`` for what the
parameters were tuned against, ``test`` for what was kept out of the tuning)."""


def load_record(path: Path = RECORD_FILE) -> pd.DataFrame:
    """The record of facts, indexed by ``key``, with ``date`` and ``end`` as dates."""
    record = pd.read_csv(
        path, dtype={"stated": str}, keep_default_na=False, na_values={"value": ""}
    )
    for column in ("date", "end"):
        record[column] = [dt.date.fromisoformat(d) if d else None for d in record[column]]
    return record.set_index("key")


RECORD = load_record()
"""The record of facts (``RECORD_FILE``), read once."""


def stated(key: str) -> str:
    """A fact as its source states it: a number, a range, or words."""
    return str(RECORD.at[key, "stated"])


def stated_high(key: str) -> float:
    """The high end of a fact stated as a range ("12 to 34"): its last number."""
    numbers = re.findall(r"\d[\d,]*", stated(key).split("(")[0])
    return float(numbers[-1].replace(",", ""))


def recorded(key: str) -> float:
    """A fact's number (NaN where the source gives a range or words)."""
    return float(RECORD.at[key, "value"])


def recorded_day(key: str, column: str = "date") -> dt.date:
    """The day of a fact (``column="end"``: the last day of its period)."""
    return RECORD.at[key, column]


def iso(key: str, column: str = "date") -> str:
    """The day of a fact in ISO form, as the measures take their dates."""
    return recorded_day(key, column).isoformat()


def days_between(first: str | dt.date, last: str | dt.date) -> int:
    """Days from one fact (a key, or a date) to another."""
    a, b = (recorded_day(k) if isinstance(k, str) else k for k in (first, last))
    return (b - a).days


@dataclass(frozen=True)
class Criterion:
    """One statistical test of a documented pattern on one scenario's ensemble.

    Attributes:
        id: the criterion's id, e.g. ``C1a`` (the fact id plus a letter).
        fact: the id of the pattern in the record (``RECORD_FILE``'s ``fact``).
        scenario: the scenario of the library whose ensemble is tested.
        pattern: the documented pattern, in a line.
        criterion: the test in words, as the report shows it.
        measure: the per-run values behind the ensemble's statistic (a ``Sample``), from its
            tables.
        low, high: the statistic passes when ``low <= value <= high`` (either may be None).
        unit: how to print the value: ``share``, ``days``, ``men``, ``events``, ``fraction`` (a
            median of shares) or ``ratio``.
        record: the keys of the record's rows the criterion tests the ensemble against.

    """

    id: str
    fact: str
    scenario: str
    pattern: str
    criterion: str
    measure: Callable[[Results, Scenario], Sample]
    low: float | None = None
    high: float | None = None
    unit: str = "share"
    record: tuple[str, ...] = ()

    def passes(self, value: float) -> bool:
        """Whether the ensemble's statistic meets the criterion (NaN and never do not)."""
        return passes(value, self.low, self.high)

    @property
    def use(self) -> str:
        """How the model used the facts the criterion tests.

        ``calibration`` if it was tuned against any of them, else ``test`` (held-out facts).
        """
        uses = set(RECORD.loc[list(self.record), "use"])
        return "calibration" if "calibration" in uses else "test"


FIRST_ATTACK_2012 = iso("first_attack_2012")
SERVAL_2013 = iso("serval_arrives_2013")
KIDAL_OFFENSIVE_2023 = iso("kidal_offensive_2023")
KIDAL_ORDER_2023 = "2023-10-02"
"""The day ``kidal_2023`` orders the offensive on Kidal (the record's offensive begins on the
1st; the scenario's order comes the next day)."""

P_C1 = "Spring 2012, no patron, a coup: the state loses Kidal, Gao and Timbuktu within days"
P_C2 = (
    "2013: a low-risk Western force arrives; Gao and Timbuktu are retaken within "
    f"{days_between('serval_arrives_2013', 'timbuktu_retaken_2013')} days"
)
P_C3 = (
    f"2013-2022: the low-risk patron loses ~{recorded('french_deaths_per_year'):.0f} soldiers a "
    f"year and stays {days_between('serval_arrives_2013', 'france_leaves_2022') // 365} years"
)
P_C4 = (
    "Autumn 2023: state + contractor take Kidal "
    f"~{round(days_between('kidal_offensive_2023', 'kidal_taken_2023') / 7)} weeks after the "
    "offensive, little fighting"
)
P_C5 = "Abuses by the state and its partner feed jihadist recruitment in the centre"
P_C6 = (
    "Foreign forces come and go on the record's dates (France "
    f"{recorded_day('france_leaves_2022').year}, UN {recorded_day('un_leaves_2023').year}, "
    f"Wagner {recorded_day('wagner_leaves_2025').year})"
)

P_C7 = (
    "2019: jihadists mass against isolated army posts (Dioura, Boulkessi and Mondoro, "
    "Indelimane, Tabankort), killing 20-50 soldiers at a time"
)
P_C9 = (
    "July 2024: a state + Wagner column pushed to the Algerian border is destroyed near "
    "Tinzaouatene; the town is not taken"
)
TINZAOUATENE_ORDER_2024 = "2024-07-20"
"""The day ``north_2024`` orders the column north (the record's column leaves on the 19th)."""
P_C10 = (
    "2015-2020: the violence rises to hundreds of events a year and moves from the north into "
    "the centre (Mopti, Segou)"
)
P_C11 = (
    f"2013-2022: MINUSMA, the deadliest UN mission, loses more than "
    f"{recorded('minusma_hostile_deaths_2013_2022'):.0f} in hostile acts"
)
P_C12 = "The jihadists number in the thousands (JNIM and Islamic State Sahel, Sahel-wide)"
P_C13 = (
    "2012-2025: the insurgents never take Bamako or a regional capital of the centre and south; "
    "they raid the capital (Kati 2022, Bamako 2024) and blockade towns"
)
CAPITALS_NEVER_TAKEN = ("bamako", "kayes", "koulikoro", "sikasso", "segou", "mopti")
"""Bamako and the regional capitals of the centre and south, which no insurgent side took."""
P_C8 = (
    "2018-2019: self-defence militias of the centre kill hundreds of herders, whole villages at "
    "a time (Ogossagou, March 2019)"
)

CENTRE_SHARE_2018 = recorded("centre_share_islamist_events_2018")
MILITIA_KILLED = (
    recorded("fulani_killed_2018_2019") / 3,
    recorded("fulani_killed_2018_2019") * 3,
)
"""The militias' dead of 2018 to May 2019 in Mopti: a third to three times MINUSMA's count."""
STRENGTH_2022 = (
    recorded("jnim_strength_2022") + recorded("isgs_strength_2022"),
    stated_high("jnim_strength_2022") + stated_high("isgs_strength_2022"),
)
"""The jihadists' numbers in 2022, low and high: JNIM's and Islamic State Sahel's ranges added
(the record's ``stated``), both counted across the Sahel, of which Mali is a part. A criterion
passes from a third of the low sum (Mali's part of a Sahel-wide count) to the high sum."""

STRENGTH_2024 = (
    round(recorded("jnim_strength_2024") / 3, -2),
    stated_high("jnim_strength_2024") + stated_high("isgs_strength_2022"),
)
"""The jihadists' numbers in mid-2024 for a criterion: a third of JNIM's low (Sahel-wide) to
JNIM's high plus Islamic State Sahel's high of 2022 (no later count of it was found)."""

EVENTS_2017_2019 = {
    "measure": median_yearly_events((2017, 2018, 2019)),
    "low": 200,
    "high": 1500,
    "unit": "events",
    "record": ("acled_violent_events_2017",),
}
"""C10a's test, which C10h repeats on the whole arc."""

CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "C1a",
        "C1",
        "mali_2012",
        P_C1,
        "share of runs: Kidal, Gao, Timbuktu all lost by 2012-05-15, within 6 weeks of each other"
        " >= 0.6",
        share_north_lost_together(FIRST_ATTACK_2012, "2012-05-15", 42),
        low=0.6,
        record=("kidal_lost_2012", "gao_lost_2012", "timbuktu_lost_2012"),
    ),
    Criterion(
        "C1b",
        "C1",
        "mali_2012",
        P_C1,
        f"median days from the first attack ({FIRST_ATTACK_2012}) to the last of the three lost:"
        f" 50-110 (record {days_between('first_attack_2012', 'timbuktu_lost_2012')})",
        median_days_to_lose_all(FIRST_ATTACK_2012),
        low=50,
        high=110,
        unit="days",
        record=("first_attack_2012", "timbuktu_lost_2012"),
    ),
    Criterion(
        "C1c",
        "C1",
        "mali_2012",
        P_C1,
        f"median state forces killed or deserted {FIRST_ATTACK_2012} to "
        f"{iso('state_losses_2012', 'end')[5:]}: 300-2,500 (record "
        f"{stated('state_losses_2012')} killed, captured or deserted)",
        median_losses_with_desertion(FIRST_ATTACK_2012, iso("state_losses_2012", "end")),
        low=300,
        high=2500,
        unit="men",
        record=("state_losses_2012",),
    ),
    Criterion(
        "C1d",
        "C1",
        "mali_2012",
        P_C1,
        "share of runs in which the jihadists outnumber the separatists on 2012-12-31 >= 0.6"
        f" (record: MUJAO drove the MNLA from Menaka, its last town, on "
        f"{iso('menaka_taken_from_mnla_2012')}; the jihadists ~"
        f"{recorded('jihadists_january_2013'):,.0f} by January 2013)",
        share_outnumbers("jihadists", "separatists", "2012-12-31"),
        low=0.6,
        record=("menaka_taken_from_mnla_2012", "jihadists_january_2013"),
    ),
    Criterion(
        "C2a",
        "C2",
        "serval_2013",
        P_C2,
        f"share of runs: the state side retakes Gao and Timbuktu within 28 days of {SERVAL_2013}"
        " >= 0.6",
        share_retaken_within(("gao", "timbuktu"), SERVAL_2013, 28),
        low=0.6,
        record=("gao_retaken_2013", "timbuktu_retaken_2013"),
    ),
    Criterion(
        "C2b",
        "C2",
        "serval_2013",
        P_C2,
        f"median French deaths {SERVAL_2013} to {iso('french_deaths_serval', 'end')}: 3-30 "
        f"(record {stated('french_deaths_serval')})",
        median_deaths("deaths_foreign_france", SERVAL_2013, iso("french_deaths_serval", "end")),
        low=3,
        high=30,
        unit="men",
        record=("french_deaths_serval",),
    ),
    Criterion(
        "C3a",
        "C3",
        "barkhane_2014",
        P_C3,
        f"median French deaths a year {iso('barkhane_begins_2014')[:7]} to "
        f"{iso('france_leaves_2022')[:7]}: 2-15 (record ~{recorded('french_deaths_per_year'):.0f})",
        median_deaths(
            "deaths_foreign_france",
            iso("barkhane_begins_2014"),
            iso("france_leaves_2022"),
            per_year=True,
        ),
        low=2,
        high=15,
        unit="men",
        record=("french_deaths_per_year",),
    ),
    Criterion(
        "C3b",
        "C3",
        "barkhane_2014",
        P_C3,
        "share of runs in which France leaves early by its own decision <= 0.2",
        share_withdrew("france"),
        high=0.2,
        record=("france_stays_2013_2022",),
    ),
    Criterion(
        "C4a",
        "C4",
        "kidal_2023",
        P_C4,
        "share of runs: the state takes Kidal by 2024-03-31 >= 0.6",
        share_kidal_taken(KIDAL_OFFENSIVE_2023, "2024-03-31"),
        low=0.6,
        record=("kidal_taken_2023",),
    ),
    Criterion(
        "C4b",
        "C4",
        "kidal_2023",
        P_C4,
        f"median days from the offensive order ({KIDAL_ORDER_2023}) to Kidal: 28-70 (record "
        f"{days_between(dt.date.fromisoformat(KIDAL_ORDER_2023), 'kidal_taken_2023')})",
        median_days_to_kidal(KIDAL_ORDER_2023),
        low=28,
        high=70,
        unit="days",
        record=("kidal_taken_2023",),
    ),
    Criterion(
        "C4c",
        "C4",
        "kidal_2023",
        P_C4,
        "median battle deaths in Kidal (within 25 km) in the 14 days before its capture <= 50",
        median_fighting_at_capture("kidal", KIDAL_OFFENSIVE_2023),
        high=50,
        unit="men",
        record=("kidal_fighting_2023",),
    ),
    Criterion(
        "C4d",
        "C4",
        "kidal_2023",
        P_C4,
        "share of runs in which Wagner leaves by its own decision <= 0.2 (it stayed)",
        share_withdrew("wagner"),
        high=0.2,
        record=("wagner_stays_2023",),
    ),
    Criterion(
        "C5a",
        "C5",
        "centre_2022",
        P_C5,
        "median jihadist recruits in the centre, with abuses / without (same seeds) >= 1.1",
        abuse_recruitment_ratio,
        low=1.1,
        unit="ratio",
        record=("abuses_feed_recruitment",),
    ),
    Criterion(
        "C6a",
        "C6",
        "history_2012_2025",
        P_C6,
        "share of runs: no force leaves early by its own decision, Africa Corps there at the end"
        " >= 0.6",
        share_timeline_kept(("france", "un", "wagner", "africa_corps"), ("africa_corps",)),
        low=0.6,
        record=("no_early_departure", "africa_corps_stays_2025"),
    ),
    Criterion(
        "C1h",
        "C1",
        "history_2012_2025",
        P_C1,
        "(whole arc) share of runs: the three capitals lost by 2012-05-15 within 6 weeks >= 0.6",
        share_north_lost_together(FIRST_ATTACK_2012, "2012-05-15", 42),
        low=0.6,
        record=("kidal_lost_2012", "gao_lost_2012", "timbuktu_lost_2012"),
    ),
    Criterion(
        "C2h",
        "C2",
        "history_2012_2025",
        P_C2,
        "(whole arc) share of runs: Gao and Timbuktu retaken within 28 days of "
        f"{SERVAL_2013} >= 0.6",
        share_retaken_within(("gao", "timbuktu"), SERVAL_2013, 28),
        low=0.6,
        record=("gao_retaken_2013", "timbuktu_retaken_2013"),
    ),
    Criterion(
        "C3h",
        "C3",
        "history_2012_2025",
        P_C3,
        f"(whole arc) median French deaths a year {SERVAL_2013} to {iso('france_leaves_2022')}: "
        f"2-15 (record ~{recorded('french_deaths_per_year'):.0f})",
        median_deaths(
            "deaths_foreign_france", SERVAL_2013, iso("france_leaves_2022"), per_year=True
        ),
        low=2,
        high=15,
        unit="men",
        record=("french_deaths_per_year",),
    ),
    Criterion(
        "C4h",
        "C4",
        "history_2012_2025",
        P_C4,
        f"(whole arc) share of runs: the state takes Kidal between {KIDAL_OFFENSIVE_2023} and "
        "2024-03-31 >= 0.6",
        share_kidal_taken(KIDAL_OFFENSIVE_2023, "2024-03-31"),
        low=0.6,
        record=("kidal_taken_2023",),
    ),
    Criterion(
        "C7a",
        "C7",
        "barkhane_2014",
        P_C7,
        "share of runs with an engagement in 2019 that kills 20 or more state soldiers >= 0.6 "
        f"(record: Dioura {stated('dioura_2019')}, Boulkessi and Mondoro "
        f"{stated('boulkessi_mondoro_2019')}, Indelimane {stated('indelimane_2019')}, Tabankort "
        f"{stated('tabankort_2019')})",
        share_mass_attack("deaths_state", "2019-01-01", "2019-12-31", 20),
        low=0.6,
        record=("dioura_2019", "boulkessi_mondoro_2019", "indelimane_2019", "tabankort_2019"),
    ),
    Criterion(
        "C7b",
        "C7",
        "barkhane_2014",
        P_C7,
        f"median state soldiers killed {iso('state_deaths_q4_2019')} to "
        f"{iso('state_deaths_q4_2019', 'end')}: 60-600 (record: {stated('state_deaths_q4_2019')})",
        median_deaths(
            "deaths_state", iso("state_deaths_q4_2019"), iso("state_deaths_q4_2019", "end")
        ),
        low=60,
        high=600,
        unit="men",
        record=("state_deaths_q4_2019",),
    ),
    Criterion(
        "C9a",
        "C9",
        "north_2024",
        P_C9,
        "share of runs in which the state does not hold Tinzaouatene at the end (2024-12-31) "
        f">= 0.5 (record: {stated('tinzaouatene_not_taken_2024')})",
        share_not_held_at_end("tinzaouatene"),
        low=0.5,
        record=("tinzaouatene_not_taken_2024",),
    ),
    Criterion(
        "C9b",
        "C9",
        "north_2024",
        P_C9,
        f"share of runs in which Wagner loses {recorded('tinzaouatene_russians_killed_2024'):.0f} "
        f"men or more within 150 km of Tinzaouatene, {TINZAOUATENE_ORDER_2024} to 2024-09-30 "
        f">= 0.25 (record: {stated('tinzaouatene_russians_killed_2024')} on 25-27 July)",
        share_losses_near(
            "deaths_foreign_wagner",
            "tinzaouatene",
            TINZAOUATENE_ORDER_2024,
            "2024-09-30",
            recorded("tinzaouatene_russians_killed_2024"),
            150.0,
        ),
        low=0.25,
        record=("tinzaouatene_russians_killed_2024",),
    ),
    Criterion(
        "C10a",
        "C10",
        "barkhane_2014",
        P_C10,
        "median violent events a year 2017-2019 (battles, ambushes, IEDs, abuses): 200-1,500 "
        f"(record: ACLED 2017, {recorded('acled_violent_events_2017'):.0f} violent of 474)",
        **EVENTS_2017_2019,
    ),
    Criterion(
        "C10b",
        "C10",
        "barkhane_2014",
        P_C10,
        "share of runs: violent events in 2019 at least 1.5 times those of 2016 >= 0.6 (record: "
        "UCDP battle deaths 96 to 603)",
        share_events_rising(2016, 2019, 1.5),
        low=0.6,
        record=("violence_rises_2016_2019",),
    ),
    Criterion(
        "C10c",
        "C10",
        "barkhane_2014",
        P_C10,
        "share of runs: the centre's share of the violent events higher in 2019 than in 2015 "
        ">= 0.6",
        share_centre_rising(2015, 2019),
        low=0.6,
        record=("centre_islamist_events_2018", "centre_share_islamist_events_2018"),
    ),
    Criterion(
        "C10d",
        "C10",
        "barkhane_2014",
        P_C10,
        "median centre's share of the violent events in 2019: 0.40-0.85 (record: "
        f"~{CENTRE_SHARE_2018:.2f} of Islamist events 2018; Mopti >85% of deadly attacks on "
        "civilians late 2019, >60% of deaths 2020)",
        median_centre_share(2019),
        low=0.4,
        high=0.85,
        unit="fraction",
        record=(
            "centre_share_islamist_events_2018",
            "centre_share_deadly_civilian_attacks_q4_2019",
            "mopti_share_fatalities_2020",
        ),
    ),
    Criterion(
        "C11a",
        "C11",
        "barkhane_2014",
        P_C11,
        f"median UN (MINUSMA) deaths {iso('barkhane_begins_2014')} to "
        f"{iso('france_leaves_2022')}: 90-400 (record: more than "
        f"{recorded('minusma_hostile_deaths_2013_2022'):.0f} killed in hostile acts, 2013 to "
        f"{iso('minusma_hostile_deaths_2013_2022', 'end')[:7]})",
        median_deaths("deaths_foreign_un", iso("barkhane_begins_2014"), iso("france_leaves_2022")),
        low=90,
        high=400,
        unit="men",
        record=("minusma_hostile_deaths_2013_2022",),
    ),
    Criterion(
        "C12a",
        "C12",
        "barkhane_2014",
        P_C12,
        f"median jihadist fighters on {iso('france_leaves_2022')}: "
        f"{STRENGTH_2022[0] / 3:,.0f}-{STRENGTH_2022[1]:,.0f} (record 2022, Sahel-wide: JNIM "
        f"{stated('jnim_strength_2022').split(' (')[0]}, IS Sahel {stated('isgs_strength_2022')})",
        median_strength_on("jihadists", iso("france_leaves_2022")),
        low=STRENGTH_2022[0] / 3,
        high=STRENGTH_2022[1],
        unit="men",
        record=("jnim_strength_2022", "isgs_strength_2022"),
    ),
    Criterion(
        "C8a",
        "C8",
        "barkhane_2014",
        P_C8,
        "share of runs in which militias kill 100 or more civilians in one attack in the Mopti "
        f"region, {iso('fulani_killed_2018_2019')} to {iso('fulani_killed_2018_2019', 'end')} "
        f">= 0.5 (record: Ogossagou, {iso('ogossagou_2019')}, {stated('ogossagou_2019')})",
        share_massacre(
            "militias",
            ("mopti",),
            iso("fulani_killed_2018_2019"),
            iso("fulani_killed_2018_2019", "end"),
            100,
        ),
        low=0.5,
        record=("ogossagou_2019",),
    ),
    Criterion(
        "C8b",
        "C8",
        "barkhane_2014",
        P_C8,
        f"median civilians killed by militias in the Mopti region {iso('fulani_killed_2018_2019')}"
        f" to {iso('fulani_killed_2018_2019', 'end')}: "
        f"{MILITIA_KILLED[0]:,.0f}-{MILITIA_KILLED[1]:,.0f} (record: "
        f"{stated('fulani_killed_2018_2019')} Fulani killed in Dogon attacks, MINUSMA)",
        median_killed_by(
            "militias",
            ("mopti",),
            iso("fulani_killed_2018_2019"),
            iso("fulani_killed_2018_2019", "end"),
        ),
        low=MILITIA_KILLED[0],
        high=MILITIA_KILLED[1],
        unit="people",
        record=("fulani_killed_2018_2019",),
    ),
    Criterion(
        "C10h",
        "C10",
        "history_2012_2025",
        P_C10,
        "(whole arc) median violent events a year 2017-2019: 200-1,500",
        **EVENTS_2017_2019,
    ),
    Criterion(
        "C10i",
        "C10",
        "history_2012_2025",
        P_C10,
        "(whole arc) median Mopti region's share of the deaths in violent events of 2020: "
        f"0.30-0.90 (record: more than {recorded('mopti_share_fatalities_2020'):.0%}, ACLED)",
        median_regions_share_of_deaths(("mopti",), 2020),
        low=0.3,
        high=0.9,
        unit="fraction",
        record=("mopti_share_fatalities_2020",),
    ),
    Criterion(
        "C10j",
        "C10",
        "history_2012_2025",
        P_C10,
        "(whole arc) median share of the centre's state officials at their posts (weighted by "
        f"rural people) on {iso('mopti_subprefects_present_2016')}: 0.40-0.90 (record: "
        f"{stated('mopti_subprefects_present_2016')}, UN Secretary-General)",
        median_on("officials_centre", iso("mopti_subprefects_present_2016")),
        low=0.4,
        high=0.9,
        unit="fraction",
        record=("mopti_subprefects_present_2016",),
    ),
    Criterion(
        "C10k",
        "C10",
        "history_2012_2025",
        P_C10,
        "(whole arc) median share of the centre's state officials at their posts (weighted by "
        f"rural people) on {iso('centre_subprefects_present_2022')}: 0.05-0.40 (record: "
        f"{stated('centre_subprefects_present_2022')}, UN Secretary-General)",
        median_on("officials_centre", iso("centre_subprefects_present_2022")),
        low=0.05,
        high=0.4,
        unit="fraction",
        record=("centre_subprefects_present_2022",),
    ),
    Criterion(
        "C11h",
        "C11",
        "history_2012_2025",
        P_C11,
        f"(whole arc) median UN (MINUSMA) deaths {iso('minusma_hostile_deaths_2013_2022')} to "
        f"{iso('minusma_hostile_deaths_2013_2022', 'end')}: 90-400",
        median_deaths(
            "deaths_foreign_un",
            iso("minusma_hostile_deaths_2013_2022"),
            iso("minusma_hostile_deaths_2013_2022", "end"),
        ),
        low=90,
        high=400,
        unit="men",
        record=("minusma_hostile_deaths_2013_2022",),
    ),
    Criterion(
        "C12h",
        "C12",
        "history_2012_2025",
        P_C12,
        f"(whole arc) median jihadist fighters on 2024-06-30: {STRENGTH_2024[0]:,.0f}-"
        f"{STRENGTH_2024[1]:,.0f} (record: JNIM {stated('jnim_strength_2024')} in 2024, UN "
        "Monitoring Team, Sahel-wide; IS Sahel up to "
        f"{stated_high('isgs_strength_2022'):,.0f} in 2022)",
        median_strength_on("jihadists", "2024-06-30"),
        low=STRENGTH_2024[0],
        high=STRENGTH_2024[1],
        unit="men",
        record=("jnim_strength_2024", "isgs_strength_2022"),
    ),
    Criterion(
        "C12i",
        "C12",
        "history_2012_2025",
        P_C12,
        "(whole arc) share of runs in which the jihadists still number 200 or more on "
        f"2024-06-30 >= 0.9 (record: JNIM {stated('jnim_strength_2024')} in 2024, UN Monitoring "
        "Team; never put out)",
        share_strength_at_least("jihadists", "2024-06-30", 200),
        low=0.9,
        record=("jnim_strength_2024",),
    ),
    Criterion(
        "C13h",
        "C13",
        "history_2012_2025",
        P_C13,
        "(whole arc) share of runs in which no insurgent side ever takes Bamako, Kayes, "
        "Koulikoro, Sikasso, Segou or Mopti >= 0.9 (record: none was taken)",
        share_towns_never_taken(CAPITALS_NEVER_TAKEN),
        low=0.9,
        record=(
            "capitals_never_taken_2012_2025",
            "kati_attacked_2022",
            "bamako_attacked_2024",
            "kayes_nioro_blockade_2025",
        ),
    ),
)
"""Every criterion of ``malisim validate``, in the order of the report."""
