"""The scenario file's schema: one pydantic model a section, checked at the boundary.

A scenario is a TOML file with fixed sections (``[scenario]``, ``[factions.<id>]``,
``[foreign.<id>]``, ``[politics]``, ``[population]``, ``[combat]``, ``[[events]]``; see
``docs/SCENARIOS.md``). It is checked once, in the manner of scikit-learn: every problem
becomes one line that names the file, the field, the value and what was expected, and everything
inside the model trusts what it is given.

Numbers that carry meaning have their unit in the field's description. Defaults are the
calibrated values of ``docs/CALIBRATION.md``; each scenario file may override any of them and
says where its own numbers come from.
"""

from __future__ import annotations

import datetime as dt
import re
import typing
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from sim.geography import DEFAULT_SANCTUARIES, REFUGES, SANCTUARY_NEIGHBOURS, TERRAIN
from sim.scenario.country import Communities, Insurgency, Population
from sim.scenario.strict import Share, StrictModel

FactionId = Literal["state", "separatists", "jihadists"]
FACTIONS: tuple[str, ...] = typing.get_args(FactionId)
"""The three domestic factions, by id. Foreign forces are keyed by their own ids."""
CommunityId = Literal["herders", "nomads", "farmers"]
COMMUNITIES: tuple[str, ...] = typing.get_args(CommunityId)
"""The communities a faction's ``recruits_from`` weighs (``sim.communities``)."""


class ScenarioSettings(StrictModel):
    """The ``[scenario]`` section: name, period and grid."""

    name: str = Field(
        pattern=r"^[a-z0-9][a-z0-9_\-]{0,63}$", description="Slug; names results/<name>/"
    )
    title: str = ""
    description: str = ""
    start: dt.date
    end: dt.date
    resolution: float = Field(0.25, ge=0.1, le=2.0, description="Grid cell size, degrees")
    sanctuary_km: float = Field(
        150.0, ge=0.0, le=600.0, description="Depth of cross-border sanctuary, km"
    )
    sanctuaries: list[Literal[SANCTUARY_NEIGHBOURS]] = Field(
        default_factory=lambda: list(DEFAULT_SANCTUARIES),
        description="The neighbours across whose border insurgents find a sanctuary (a set "
        "event may change them on a date)",
    )
    refuges: list[Literal[REFUGES]] = Field(
        default_factory=lambda: list(REFUGES),
        description="The refuges inside Mali of sim/data/refuges.csv that shelter insurgents "
        "(forests, flooded pastures, a massif; a set event may change them on a date)",
    )
    plan_interval_days: int = Field(7, ge=1, le=90, description="Days between factions' plans")
    unit_split: int = Field(
        1,
        ge=1,
        le=8,
        description="Every unit created (at the start, by arrival, reinforcement or recruitment) "
        "is created as this many equal units: the same men in more units (1: as doctrine says)",
    )

    @field_validator("sanctuaries", "refuges")
    @classmethod
    def _each_once(cls, names: list[str]) -> list[str]:
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"named more than once: {', '.join(twice)}")
        return sorted(names)  # one spelling of each set, in the runs table too

    @model_validator(mode="after")
    def _end_after_start(self) -> ScenarioSettings:
        if self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        if (self.end - self.start).days > 366 * 20:
            raise ValueError("a scenario may cover at most 20 years")
        return self


REMOVED_FACTION_FIELDS = {
    "zones": "an insurgent raids where its networks are (insurgency.raid_network)",
}
"""Doctrine fields that mechanisms replaced, with what replaced them (for the error)."""


class Faction(StrictModel):
    """A domestic faction's forces and doctrine (``[factions.<id>]``)."""

    deploy: dict[str, Annotated[int, Field(ge=0, le=200_000)]] = Field(
        default_factory=dict, description="Fighters at each town (town id -> men) at the start"
    )
    bands: dict[str, Annotated[int, Field(ge=0, le=200_000)]] = Field(
        default_factory=dict,
        description="Fighters in the countryside around a town, not holding it (town id -> men)",
    )
    holds: list[str] = Field(
        default_factory=list, description="Towns held at the start without a garrison"
    )
    reserve: int = Field(
        0, ge=0, le=500_000, description="Fighters held back, sent as reinforcements"
    )
    ceiling: int = Field(
        100_000, ge=1, le=1_000_000, description="Most fighters the faction can field"
    )
    unit_size: int = Field(200, ge=10, le=5000, description="Men in a column, band or cell")
    garrison_size: int = Field(
        100, ge=0, le=5000, description="Men it leaves to hold a town; the rest may go raiding"
    )
    morale: Share = Field(0.6, description="Cohesion: how much loss a unit takes before it breaks")
    firepower: float = Field(
        0.02, gt=0, le=1.0, description="Lanchester kill rate, enemies per fighter-day"
    )
    raid_range_km: float = Field(
        300.0, gt=0, le=3000, description="How far its free units go, unordered, to attack, km"
    )
    offensive_range_km: float = Field(
        600.0, gt=0, le=3000, description="How far it draws units from for an ordered offensive, km"
    )
    aggression: Share = Field(0.5, description="Propensity to attack when odds allow")
    attack_ratio: float = Field(
        1.5, gt=0, le=20, description="Least local force ratio at which it attacks"
    )
    abandon_ratio: float = Field(
        2.0, gt=0, le=50, description="Leaves a town when threat/own exceeds this"
    )
    recruit_rate: float = Field(
        0.0,
        ge=0,
        le=1.0,
        description=(
            "Recruits per 1,000 reachable people per day (its recruitable people, recruits_from)"
        ),
    )
    recruits_from: dict[CommunityId, Share] = Field(
        default_factory=dict,
        description=(
            "How readily each community joins it, 0-1 (herders: the Fulbe; nomads: the Tuareg "
            "and Arabs of the north; farmers: everyone else; sim.communities): its recruitable "
            "people are the people weighted by these; all three or none (everyone alike)"
        ),
    )
    town_rule: Share = Field(
        1.0,
        description=(
            "How far an insurgent side rules the towns it holds as a government (courts, "
            "police, pay, schools), 0-1: a held town's people weigh "
            "insurgency.recruitment_in_held_towns x this in its recruitment (sim.war.recruitment)."
            " 1: the jihadists of 2012, who ran Gao's and Timbuktu's courts and paid their "
            "recruits; 0: a side that holds towns by arms alone"
        ),
    )
    reinforce_rate: float = Field(
        0.0, ge=0, le=1.0, description="Share of reserve sent each month to a threatened town"
    )
    abuse_propensity: Share = Field(
        0.0, description="Chance per operation-day in a village of violence against civilians"
    )
    ambush_rate: float = Field(
        0.0, ge=0, le=1.0, description="Ambushes per day per unit of presence on a road"
    )
    ied_rate: float = Field(
        0.0, ge=0, le=1.0, description="IED strikes per day per unit of presence on a road"
    )
    harass_rate: float = Field(
        0.0,
        ge=0,
        le=365,
        description=(
            "Harassments (fire from a distance) a year on each post of the state's side with 200 "
            "of its men within reach, up to three times that with more (sim.war.harassment)"
        ),
    )
    tax_per_1000: float = Field(
        0.0,
        ge=0,
        le=100,
        description=(
            "An insurgent's income, in days of a fighter's pay a day, per 1,000 people it "
            "governs (zakat on herds, levies on markets, protection; sim.war.economy); 0 with "
            "traffic_per_100km 0: no economy, recruits as if paid"
        ),
    )
    traffic_per_100km: float = Field(
        0.0,
        ge=0,
        le=1000,
        description=(
            "An insurgent's income, in days of a fighter's pay a day, per 100 km of main road it "
            "governs (tolls, a share of the trafficking along the roads; sim.war.economy)"
        ),
    )
    purse_days: float | None = Field(
        None,
        ge=0,
        le=365,
        description=(
            "Days of a fighter's pay in hand for each of its men at the start "
            "(sim.war.economy; at most a year's, the purse's cap); unset: "
            "insurgency.pay_reserve_days"
        ),
    )
    assault_rate: float = Field(
        0.0,
        ge=0,
        le=50,
        description=(
            "Massed assaults a year per thousand of its fighters on posts of the state's side "
            "its bands outnumber attack_ratio to one, lonely posts likeliest (sim.war.assaults)"
        ),
    )
    air_support: Share = Field(
        0.0,
        description=(
            "The state's own aircraft and drones over its air bases, 0-1 (as a foreign force's "
            "air_support; insurgents have none)"
        ),
    )
    air_bases: list[str] = Field(
        default_factory=list,
        description="Towns its aircraft and drones fly from, while it holds them (the state only)",
    )
    uses_sanctuary: bool = Field(False, description="May cross borders into the sanctuary")
    spread_km: float = Field(
        0.0,
        ge=0,
        le=1000,
        description=(
            "How far a band of two units or more sends one unit's men, each plan, to work "
            "country its side does not yet govern (people, grievance, away from the state; "
            "sim.war.insurgency.disperse); 0: its bands stay where they are"
        ),
    )
    holds_towns: bool = Field(
        True,
        description=(
            "Occupies towns it takes (an insurgent: only in country it governs, and only where "
            "it is not overmatched, insurgency.hold_km); if false it raids garrisons and melts "
            "back"
        ),
    )

    @field_validator("recruits_from")
    @classmethod
    def _all_communities_or_none(cls, value: dict[str, float]) -> dict[str, float]:
        missing = [c for c in COMMUNITIES if c not in value]
        if value and missing:
            raise ValueError(f"give all three communities or none; missing {', '.join(missing)}")
        return value

    @model_validator(mode="before")
    @classmethod
    def _no_removed_fields(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for name, instead in REMOVED_FACTION_FIELDS.items():
                if name in data:
                    raise ValueError(
                        f"`{name}` was removed in model 0.8.0: {instead} (docs/ODD.md); "
                        "delete the line"
                    )
        return data


class ForeignForce(StrictModel):
    """A foreign force invited by the state (``[foreign.<id>]``)."""

    kind: Literal["contractor", "expeditionary", "peacekeeping"]
    arrive: dt.date | None = Field(
        None, description="Arrival date; none means present at the start"
    )
    depart: dt.date | None = Field(None, description="Scheduled departure date")
    strength: int = Field(ge=0, le=100_000, description="Men on arrival")
    ceiling: int = Field(ge=0, le=200_000, description="Most men the patron will send")
    commitment: Share = Field(
        description="0: leaves at the first cost; 1: doubles down after losses"
    )
    risk_tolerance: Share = Field(
        description="0: advises from the air; 1: leads assaults far from base"
    )
    air_support: Share = Field(
        0.0, description="Air power and surveillance, multiplies effective strength"
    )
    abuse_propensity: Share = Field(
        0.0, description="Chance per operation-day in a village of violence against civilians"
    )
    firepower: float = Field(
        0.03, gt=0, le=1.0, description="Lanchester kill rate, enemies per fighter-day"
    )
    unit_size: int = Field(250, ge=10, le=5000, description="Men in a column")
    speed_road_km: float | None = Field(
        None,
        gt=0,
        le=500,
        description=(
            "The force's own column speed on a road, km a day (armour and its own logistics); "
            "unset: combat.speed_road_km, as everyone's"
        ),
    )
    halt_days_after_capture: int | None = Field(
        None,
        ge=0,
        le=120,
        description=(
            "Days the force's columns consolidate in a town taken on their way; unset: "
            "combat.halt_days_after_capture"
        ),
    )
    bases: list[str] = Field(min_length=1, description="Towns where the force is based")
    concessions: Share = Field(
        0.0,
        description=(
            "What the patron gains from the client beyond its survival (mining concessions, "
            "bases), 0-1: a stake that keeps it there"
        ),
    )

    @model_validator(mode="after")
    def _consistent(self) -> ForeignForce:
        if self.ceiling < self.strength:
            raise ValueError(
                f"ceiling ({self.ceiling}) must be at least strength ({self.strength})"
            )
        if self.arrive and self.depart and self.depart <= self.arrive:
            raise ValueError(f"depart ({self.depart}) must be after arrive ({self.arrive})")
        return self


class Politics(StrictModel):
    """The regime's popularity and the patrons' decision rule (``[politics]``)."""

    popularity_start: Share = Field(
        0.5, description="Regime popularity in Bamako at the start, 0-1"
    )
    popularity_baseline: Share = Field(0.5, description="Level popularity relaxes to without news")
    popularity_relaxation_days: float = Field(
        180.0, gt=0, le=10_000, description="e-folding time, days"
    )
    capture_boost: float = Field(
        0.02,
        ge=0,
        le=1,
        description="Popularity per strategic-value point of a town the state takes",
    )
    loss_penalty: float = Field(
        0.02,
        ge=0,
        le=1,
        description="Popularity lost per strategic-value point of a town the state loses",
    )
    defeat_penalty: float = Field(
        0.04, ge=0, le=1, description="Popularity lost to a mass-casualty defeat"
    )
    mass_casualty_threshold: int = Field(
        50,
        ge=1,
        le=10_000,
        description="A force's own deaths in one engagement that make it a mass-casualty defeat",
    )
    coup_morale: Share = Field(
        0.35, description="Multiplier on state units' morale the day of a coup"
    )
    coup_desertion: Share = Field(
        0.5,
        description="Share of the state's men in the north who desert the day of a coup in a"
        " beaten army (times how beaten it is: `defeats_to_break`)",
    )
    defeats_to_break: float = Field(
        6.0,
        gt=0,
        le=1000,
        description="Strategic value of the towns the state lost lately (`defeat_memory_days`)"
        " at which its army is beaten: its morale does not recover, and a coup makes"
        " `coup_desertion` of its northern men desert (in part, if less)",
    )
    defeat_memory_days: float = Field(
        180.0, gt=0, le=10_000, description="e-folding time of the army's memory of lost towns"
    )
    capital_guard: int = Field(
        1500,
        ge=0,
        le=100_000,
        description="Men of the state's army who never leave the capital (the regime's guard:"
        " the presidential guard, the gendarmerie's mobile units, the Kati camp): its garrison"
        " there sends no more than its surplus over this on raids and offensives",
    )
    beaten_caution: Share = Field(
        0.0,
        description="How much a beaten army holds back from attacking: the state's boldness is"
        " its aggression x (1 - beaten_caution x how beaten it is x (1 - friendly air over the"
        " target)); a partner's air cover gives a beaten army the heart to attack. Since model"
        " 0.52.0 its reserve too: a month's reinforcements are cut by the same factor at the"
        " town they would go to. 1 in every library scenario since model 0.47.0"
        ' (docs/CALIBRATION.md, "Model 0.47.0", "Model 0.52.0")',
    )
    morale_recovery_days: float = Field(
        60.0, gt=0, le=10_000, description="e-folding time of morale back to doctrine"
    )
    decision_interval_days: int = Field(
        30, ge=1, le=365, description="Days between a patron's reviews"
    )
    loss_sensitivity: float = Field(
        8.0, ge=0, le=1000, description="Pressure per unit of share lost in the last review window"
    )
    shock_sensitivity: float = Field(
        1.0, ge=0, le=100, description="Pressure added by a mass-casualty defeat"
    )
    memory_days: int = Field(
        90, ge=7, le=3650, description="Window of recent losses a patron weighs"
    )
    reinforce_share: float = Field(
        0.25, ge=0, le=1, description="Share of ceiling sent when reinforcing"
    )
    drawdown_share: float = Field(
        0.2, ge=0, le=1, description="Share of strength sent home when drawing down"
    )
    home_cost: dict[Literal["contractor", "expeditionary", "peacekeeping"], float] = Field(
        default_factory=lambda: {"contractor": 0.2, "expeditionary": 1.0, "peacekeeping": 0.5},
        description=(
            "Political cost at home of a force's dead, by kind, relative to an army's (a "
            "contractor's dead are deniable)"
        ),
    )
    review_drift: Share = Field(
        0.3,
        description=(
            "Chance scale of a quiet review's change: reinforce a client in need, trim a "
            "presence it no longer needs"
        ),
    )
    adaptation_days: int = Field(
        120, ge=0, le=3650, description="Days a force fights more cautiously after a disaster"
    )
    adaptation_cut: Share = Field(
        0.5, description="Multiplier on a force's risk tolerance while it adapts"
    )


class Combat(StrictModel):
    """Engagement mechanics (``[combat]``): Lanchester attrition with fat-tailed noise."""

    loss_sigma: float = Field(
        0.9, ge=0, le=3, description="Log-normal spread of losses in a battle"
    )
    hazard_men: int = Field(
        250,
        ge=1,
        le=10_000,
        description=(
            "Men of the column the daily ambush, IED and abuse chances are stated for: a unit's "
            "chance scales with its men, so splitting the same men changes nothing"
        ),
    )
    ambush_catastrophe: Share = Field(
        0.08, description="Chance an ambush catches a column in the open"
    )
    ambush_catastrophe_share: Share = Field(0.35, description="Mean share of a caught column lost")
    ambush_share: Share = Field(
        0.04, description="Mean share of the column lost in an ordinary ambush"
    )
    ied_deaths_mean: float = Field(
        2.0,
        ge=0,
        le=100,
        description=(
            "Mean deaths of an IED strike on an unprotected vehicle (at least one); each man"
            " survives with the chance of his unit's protection (sim.combat.ied_strike)"
        ),
    )
    harass_deaths_mean: float = Field(
        0.5, ge=0, le=100, description="Mean deaths of a harassment of an unprotected post"
    )
    air_multiplier: float = Field(
        3.0, ge=1, le=20, description="Effective-strength multiplier of full air support"
    )
    terrain_defence: dict[str, Annotated[float, Field(ge=0.5, le=5)]] = Field(
        default_factory=lambda: {
            "desert": 1.0,
            "massif": 1.8,
            "sahel": 1.1,
            "delta": 1.4,
            "savanna": 1.1,
        },
        description="Defender's multiplier by terrain",
    )
    town_defence: float = Field(1.5, ge=1, le=10, description="Defender's multiplier inside a town")
    speed_road_km: float = Field(60.0, gt=0, le=500, description="Column speed on a road, km a day")
    speed_offroad_km: float = Field(30.0, gt=0, le=500, description="Speed off road, km a day")
    contact_km: float = Field(
        28.0,
        ge=0,
        le=500,
        description=(
            "Width of country a unit on its way elsewhere (falling back, or walking to new "
            "country) sweeps, seeing and seen: in a cell it meets the enemy there on a day with "
            "chance contact_km x its day's march / the cell's area, up to one (sim.war.battles)"
        ),
    )
    exposure_range_km: float = Field(
        150.0,
        gt=0,
        le=2000,
        description="Range a zero-risk force operates from base; risk 1 adds 4x",
    )
    reach_km: float = Field(
        95.0,
        gt=0,
        le=1000,
        description=(
            "Distance over which a unit's presence is felt (ambush, threat), km: men are "
            "counted over a square of side twice this around a cell (seven 0.25-degree cells), "
            "and a cell is within reach when its centre is no farther than this from the "
            "unit's along either axis"
        ),
    )
    preparation_days: float = Field(
        40.0,
        ge=0,
        le=365,
        description=(
            "Mean days an ordered offensive of no readiness prepares its assault on a defended "
            "town, once in reach with the odds (risk tolerance or aggression shortens it)"
        ),
    )
    abandon_days: float = Field(
        10.0,
        ge=0,
        le=365,
        description=(
            "Days over which an overmatched garrison watching columns stand before it decides "
            "to leave: its daily chance is 1 - exp(-(overmatch - 1) / abandon_days); 0 leaves "
            "at once"
        ),
    )
    halt_days_after_capture: int = Field(
        14, ge=0, le=120, description="Days a column consolidates in a town it took"
    )
    patrol_exposure_state: Share = Field(
        0.3, description="Share of a state garrison out on patrol on a day"
    )
    patrol_men: int = Field(
        100,
        ge=1,
        le=10_000,
        description=(
            "Men of one patrol or escorted convoy a garrison sends out, whom an ambush on the"
            " garrison catches (GUESS: a platoon of 30-40 to a company of 100-150); until model"
            " 0.46.0 it was the force's unit_size, so how a force was cut into units set the"
            " losses of every ambush on its garrisons"
        ),
    )
    air_radius_km: float = Field(
        250.0,
        ge=0,
        le=2000,
        description="Reach of air support from a foreign force's units and the state's air bases",
    )
    town_influence_km: float = Field(
        60.0,
        gt=0,
        le=1000,
        description="e-folding distance of a town holder's hold on the countryside",
    )
    town_influence_men: float = Field(
        300.0,
        ge=0,
        le=100_000,
        description="A held town's weight in control, in fighter-equivalents",
    )
    raid_interval_days: int = Field(
        14, ge=1, le=365, description="Days between a foreign force's raids on insurgents"
    )
    support_scale_km: float = Field(
        100.0,
        gt=0,
        le=2000,
        description=(
            "e-folding distance from the nearest friendly garrison over which a caught "
            "column's chance of a catastrophe rises to its full value"
        ),
    )
    escort_protection: Share = Field(
        0.3,
        description=(
            "Protection a partner at full risk tolerance gives the state's units within its "
            "operating range (escorts, quick reaction)"
        ),
    )

    @field_validator("terrain_defence")
    @classmethod
    def _known_terrain(cls, table: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(table) - set(TERRAIN))
        if unknown:
            raise ValueError(f"unknown terrain {unknown}; expected some of {list(TERRAIN)}")
        return table


Stance = Literal["allied", "truce", "hostile"]

STANCE_FIELDS = {
    frozenset(("separatists", "jihadists")): "separatists_jihadists",
    frozenset(("state", "separatists")): "state_separatists",
}
"""The pairs of sides that have a stance, each with its ``[relations]`` field."""


class Relations(StrictModel):
    """Who fights whom at the start (``[relations]``); ``relations`` events change it."""

    separatists_jihadists: Stance = Field(
        "hostile", description="Allied in early 2012 and again in 2024"
    )
    state_separatists: Stance = Field(
        "hostile", description="A truce under the 2015 Algiers accord"
    )


EventType = Literal["coup", "offensive", "relations", "arrive", "depart", "set", "reorganise"]


class Event(StrictModel):
    """A dated event (``[[events]]``)."""

    date: dt.date
    type: EventType
    actor: str | None = Field(None, description="Faction or foreign force id")
    target: str | None = Field(
        None,
        description=(
            "Town id: an offensive's objective; for a depart event, the one base the force"
            " closes (it stays in the others)"
        ),
    )
    allies: list[str] = Field(
        default_factory=list,
        description="Actors joining an offensive: foreign forces, or an allied faction",
    )
    between: list[FactionId] = Field(
        default_factory=list, description="For a relations event: the two factions"
    )
    stance: Stance | None = Field(None, description="For a relations event: their new stance")
    parameter: str | None = Field(None, description="For a set event: dotted name")
    value: float | int | bool | str | list[str] | None = Field(
        None,
        description=(
            "For a set event: the new value; for an "
            "arrive event, the men; for an offensive, the most men its columns commit (each unit "
            "the same share of what it can spare; none: all it can spare); for a reorganise "
            "event, the foreign force its men become"
        ),
    )
    note: str = ""

    @model_validator(mode="after")
    def _fields_for_type(self) -> Event:
        need = {
            "offensive": ("actor", "target"),
            "coup": (),
            "relations": ("stance",),
            "arrive": ("actor",),
            "depart": ("actor",),
            "set": ("parameter", "value"),
            "reorganise": ("actor", "value"),
        }[self.type]
        missing = [name for name in need if getattr(self, name) is None]
        if missing:
            raise ValueError(f"a {self.type} event needs {', '.join(missing)}")
        number = isinstance(self.value, int | float) and not isinstance(self.value, bool)
        if self.type == "coup" and self.value is not None and not (number and 0 <= self.value <= 1):
            raise ValueError(
                f"a coup's value is the junta's popularity, expected 0-1 (got {self.value!r})"
            )
        whole = isinstance(self.value, int) and not isinstance(self.value, bool)
        for kind in ("arrive", "offensive"):
            if self.type == kind and self.value is not None and not (whole and self.value >= 0):
                raise ValueError(
                    f"an {kind} event's value is men, expected a whole number >= 0 "
                    f"(got {self.value!r})"
                )
        if self.type == "reorganise" and not isinstance(self.value, str):
            raise ValueError(
                f"a reorganise event's value is the id of the force its men become "
                f"(got {self.value!r})"
            )
        if self.type == "relations" and frozenset(self.between) not in STANCE_FIELDS:
            raise ValueError(
                "a relations event is between separatists and jihadists, or state and separatists"
            )
        return self


class Scenario(StrictModel):
    """A whole scenario file, validated."""

    scenario: ScenarioSettings
    factions: dict[FactionId, Faction]
    foreign: dict[str, ForeignForce] = Field(default_factory=dict)
    relations: Relations = Field(default_factory=Relations)
    politics: Politics = Field(default_factory=Politics)
    population: Population = Field(default_factory=Population)
    insurgency: Insurgency = Field(default_factory=Insurgency)
    communities: Communities = Field(default_factory=Communities)
    combat: Combat = Field(default_factory=Combat)
    events: list[Event] = Field(default_factory=list)

    @field_validator("foreign")
    @classmethod
    def _foreign_ids(cls, foreign: dict[str, ForeignForce]) -> dict[str, ForeignForce]:
        for key in foreign:
            if not re.fullmatch(r"[a-z][a-z0-9_]{0,31}", key) or key in FACTIONS:
                raise ValueError(
                    f"foreign force id {key!r} must be a lowercase slug, not a faction id"
                )
        return foreign

    @field_validator("factions")
    @classmethod
    def _all_factions(cls, factions: dict[str, Faction]) -> dict[str, Faction]:
        missing = [f for f in FACTIONS if f not in factions]
        if missing:
            raise ValueError(f"missing faction section(s): {', '.join(missing)}")
        return factions

    @property
    def name(self) -> str:
        """The scenario's name (a slug)."""
        return self.scenario.name

    @property
    def actors(self) -> list[str]:
        """Every armed actor's id: the three factions, then the foreign forces."""
        return [*FACTIONS, *self.foreign]


SECTIONS = {
    "[scenario]": ScenarioSettings,
    "[factions.<state|separatists|jihadists>]": Faction,
    "[foreign.<id>]": ForeignForce,
    "[relations]": Relations,
    "[politics]": Politics,
    "[population]": Population,
    "[insurgency]": Insurgency,
    "[communities]": Communities,
    "[combat]": Combat,
    "[[events]]": Event,
}
"""Each section of a scenario file and the schema that validates it (for the reference docs)."""

PLAIN_SECTIONS = {
    "relations": Relations,
    "politics": Politics,
    "population": Population,
    "insurgency": Insurgency,
    "communities": Communities,
    "combat": Combat,
}
"""The sections that are one table each (no ids), in the order a scenario file writes them."""
