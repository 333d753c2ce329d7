"""The scenario file's sections on the country's people (gathered by ``sim.scenario.schema``).

``[population]``, ``[insurgency]`` and ``[communities]``, split from the schema's module.

Grievance, legitimacy and recruitment on the cell layers (``sim.society``); the insurgency in
the countryside (``sim.war.insurgency``); the herder/farmer seam, its communal tension and its
militias (``sim.war.militias``).
"""

from __future__ import annotations

from pydantic import Field

from sim.scenario.strict import Share, StrictModel


class Population(StrictModel):
    """Grievance, legitimacy and recruitment on the cell layers (``[population]``)."""

    grievance_per_death: float = Field(
        0.02,
        ge=0,
        le=10,
        description="Grievance added in a cell per civilian killed by state or ally",
    )
    grievance_decay_days: float = Field(
        365.0, gt=0, le=100_000, description="e-folding time of grievance, days"
    )
    grievance_spread: float = Field(
        0.05, ge=0, le=0.25, description="Share of grievance that diffuses to neighbours a day"
    )
    legitimacy_start: Share = Field(
        0.5, description="State legitimacy at the start (south higher, north lower)"
    )
    legitimacy_rate: float = Field(
        0.002, ge=0, le=1, description="Daily pull of legitimacy toward the controller"
    )
    collateral_rate: float = Field(
        0.002,
        ge=0,
        le=1,
        description="Civilians killed per fighter killed, per 1,000 people in the cell",
    )
    jihadist_abuse_propensity: Share = Field(
        0.02, description="Daily chance per jihadist unit of violence against civilians"
    )
    recruitment_grievance_weight: float = Field(
        4.0, ge=0, le=100, description="How much grievance multiplies jihadist recruitment"
    )
    recruitment_under_state: Share = Field(
        0.5,
        description=(
            "Share of a cell's would-be recruits who still reach the insurgents where the state "
            "controls the cell (they walk out to join; a massacre in a state-held village feeds "
            "the insurgency too)"
        ),
    )
    local_area_km2: float = Field(
        734.0,
        gt=0,
        le=100_000,
        description=(
            "Area around an engagement whose people it exposes, km2 (a 0.25-degree cell, the "
            "resolution the other civilian parameters were set at)"
        ),
    )


class Insurgency(StrictModel):
    """The insurgency in the countryside (``[insurgency]``): governance, spread, detection."""

    governance_growth_days: float = Field(
        120.0,
        gt=0,
        le=10_000,
        description=(
            "Days for insurgents who hold the upper hand around a cell to govern it (courts, "
            "protection, taxes on herds and markets)"
        ),
    )
    governance_decay_days: float = Field(
        90.0, gt=0, le=10_000, description="Days for the state's presence to undo that governance"
    )
    governance_spread_km2: float = Field(
        7.0,
        ge=0,
        le=1000,
        description=(
            "How fast governance spreads to neighbouring country, as a diffusion coefficient in "
            "km2 a day (7: a front some 100 km further in a year), times (0.5 + grievance): "
            "along the seams, faster where people are aggrieved; the same at any resolution"
        ),
    )
    governance_men: float = Field(
        300.0,
        ge=0,
        le=100_000,
        description="A fully governed cell's weight in control, in fighter-equivalents",
    )
    starting_governance: Share = Field(
        0.3,
        description=(
            "Governance at the start where the faction's men are within reach (its sourced "
            "starting presence)"
        ),
    )
    network_men: float = Field(
        300.0,
        gt=0,
        le=100_000,
        description=(
            "Men within reach that make a cell a recruiting ground as much as full governance "
            "does: recruits come where the insurgents' networks are, not from a fixed zone"
        ),
    )
    pay_reserve_days: float = Field(
        60.0,
        gt=0,
        le=3650,
        description=(
            "Days of pay for all its men an insurgent side with an economy starts with, and the "
            "purse at which its recruits are neither drawn nor turned away by money "
            "(sim.war.economy: f = purse / (purse + men x this), recruits x (1 - pay_share + "
            "pay_share x 2 f))"
        ),
    )
    pay_share: Share = Field(
        0.5,
        description=(
            "Share of an insurgent side's recruits who come for the pay (sim.war.economy): "
            "they are drawn by a full purse and turned away by an empty one, and as a share of "
            "the unpaid they go home; the rest come and stay for protection, grievance or faith"
        ),
    )
    unpaid_leave_days: float = Field(
        120.0,
        gt=0,
        le=3650,
        description=(
            "With an empty purse, the days over which the men its income does not pay go home"
        ),
    )
    raid_network: Share = Field(
        0.1,
        description=(
            "Least network (governance plus men within reach over network_men, up to one) an "
            "insurgent side needs at a town to raid it unordered (it strikes where it has "
            "informants, guides and local fighters), and least governance within reach_km of a "
            "town to occupy one it wins (a band passing through rules nothing)"
        ),
    )
    hold_km: float = Field(
        300.0,
        gt=0,
        le=2000,
        description=(
            "Scale of the country (km, a Gaussian's sigma) whose fighting power an insurgent "
            "side weighs before it occupies a town it wins unordered: it occupies only where the "
            "hostile power there (the state's side times its air cover over the town) is at "
            "most its abandon_ratio times its own and its allies'; otherwise it raids and melts "
            "back (irregular war against a far stronger state, conventional war near parity)"
        ),
    )
    rested_morale: Share = Field(
        0.9,
        description=(
            "Share of its doctrine's morale at which a band resting in the sanctuary beyond "
            "the border, or in a refuge inside it, comes back to work the country "
            "(sim.war.insurgency.come_back); 1: only when fully rested"
        ),
    )
    officials_flight_days: float = Field(
        180.0,
        gt=0,
        le=10_000,
        description=(
            "Days in which the state's local officials (sub-prefects, mayors, teachers, chiefs "
            "who work with the state) flee a cell under the full threat of an armed group not "
            "allied to the state (sim.war.officials). GUESS (90-365): in the Mopti region the "
            "sub-prefects left the flooded zone within weeks of threats in June 2019 (Notre "
            "Nation, 2019-06-24); set before any ensemble, not fitted"
        ),
    )
    officials_return_days: float = Field(
        730.0,
        gt=0,
        le=10_000,
        description=(
            "Days in which fled officials come back to a cell no insurgent threatens. GUESS "
            "(365-1,460): a return takes years of appointments and pay (the Prime Minister's "
            "promise of a return to the centre, Studio Tamani, 2018-04-24; 189 sub-prefects "
            "appointed, many of them soldiers, Mali Tribune, 2022-06-29); set before any "
            "ensemble, not fitted"
        ),
    )
    garrison_reach_share: Share = Field(
        1.0,
        description=(
            "Share of a garrison's men that contest the countryside within reach_km of its "
            "town (its patrols out of the camp), against the insurgents' governance and in "
            "the state's legitimacy; the rest count on the town's cell only. Columns and "
            "bands count in full; a partner's garrison as the army's (its patrols count apart)"
        ),
    )
    guards_per_1000: float = Field(
        1.0,
        ge=0,
        le=50,
        description=(
            "Police, gendarmes and guards a town the state's side holds keeps per 1,000 of its "
            "people, counted in the power an insurgent weighs before occupying a town nearby "
            "(hold_km); they do not fight columns. 1.0: the IISS's 4,800 paramilitary "
            "(Military Balance 2009: gendarmerie 1,800, Republican Guard 2,000, police 1,000) "
            "over the 4.7 million people of the towns table"
        ),
    )
    occupiers_per_1000: float = Field(
        10.0,
        ge=0,
        le=100,
        description=(
            "Fighters an insurgent side needs within reach of a town, per 1,000 of its people, to "
            "occupy it unordered (to police and rule it); with fewer it raids and melts back. "
            "GUESS (5-20): a few hundred held Timbuktu (~55,000 people) in 2012 (ICG Africa "
            "Report 189); no insurgent ever had the ~18,000 that Bamako would take"
        ),
    )
    rule_affinity: Share = Field(
        0.0,
        description=(
            "Least share of a town's people an insurgent side or an ally must draw on (its "
            "communities' shares weighted by recruits_from, sim.communities.affinity) to occupy "
            "it unordered: among strangers it raids and melts back. 0: any town (the behaviour "
            "before model 0.49.0)"
        ),
    )
    recruitment_in_held_towns: float = Field(
        0.0,
        ge=0,
        le=100,
        description=(
            "How many times a town's people weigh in an insurgent side's recruitment while it"
            " holds the town (its pay, its mosques and schools, its youth in reach: the"
            " jihadists of 2012 in Gao and Timbuktu); 0: a held town counts as its cell. 5 in"
            " every library scenario since model 0.61.0, where it replaced the arc's switch of"
            ' the jihadists\' recruitment on 2013-01-10 (docs/CALIBRATION.md, "Model 0.61.0");'
            ' 5.6 since 0.65.0, with their recruit_rate cut to 0.0020 ("Model 0.65.0")'
        ),
    )
    air_deterrence: Share = Field(
        0.55,
        description=(
            "How much hostile air cover over a target keeps an insurgent's bands from massing "
            "against it: each free band joins a raid, and an ordered offensive takes a share of "
            "its men, with chance aggression x (1 - this x the air against it there, 0-1); "
            "0: air power only weighs in the odds. GUESS (model 0.32.0)"
        ),
    )
    mines_air: Share = Field(
        0.0,
        description=(
            "The hostile air over a column at which an insurgent side mines its road at its full "
            "ied_rate; under less, in proportion (min(1, air / this)): a band that cannot mass "
            "against a column under aircraft lays mines for it, one that can keeps to ambushes and "
            "assaults (at their own rates). 0: mines whatever the air (before model 0.48.0)"
        ),
    )
    refuge_cover: Share = Field(
        0.8,
        description=(
            "Share of a raiding partner's chance of finding a dispersed band that a refuge's "
            "cover takes away (sim/data/refuges.csv: forests, flooded pastures, a massif). GUESS "
            "(0.5-0.95: under the Wagadou forest's trees satellites and drones cannot spot a "
            "band, Sahel Blog, 2020); set before any ensemble, not fitted"
        ),
    )
    detection: Share = Field(
        0.5,
        description=(
            "Chance a raiding partner finds a dispersed band, where the state's legitimacy is "
            "full and before air surveillance (half that where it is none)"
        ),
    )


class Communities(StrictModel):
    """The herder/farmer seam and its self-defence militias (``[communities]``)."""

    militia_growth: Share = Field(
        0.0,
        description=(
            "Share of the way to fully armed that a village of the seam (half herders, half "
            "farmers) goes in a week, under full jihadist threat and full communal tension and "
            "with no state garrison near (0: no militias form)"
        ),
    )
    militia_decay_days: float = Field(
        730.0,
        gt=0,
        le=100_000,
        description="e-folding time of a militia once the threat is gone or the state back, days",
    )
    threat_men: float = Field(
        500.0,
        gt=0,
        le=100_000,
        description="Jihadists within reach of a cell that make the threat there full",
    )
    militia_abuse_rate: float = Field(
        0.0,
        ge=0,
        le=10_000,
        description=(
            "Killings of herders by militias a year per 10,000 km2 of fully armed seam under "
            "full communal tension (at any resolution)"
        ),
    )
    reprisal_rate: float = Field(
        0.0,
        ge=0,
        le=10_000,
        description=(
            "Jihadist attacks on militia villages a year per 10,000 km2 of fully armed country "
            "under full threat"
        ),
    )
    tension_dead: float = Field(
        10.0,
        gt=0,
        le=100_000,
        description=(
            "Villagers killed by the other community (jihadists or militias) within a cell's "
            "local area (population.local_area_km2) that make its communal tension full, on a "
            "full seam"
        ),
    )
    tension_decay_days: float = Field(
        365.0,
        gt=0,
        le=100_000,
        description="e-folding time of communal tension with no new killing, days",
    )
    starting_tension: Share = Field(
        0.0,
        description=(
            "Communal tension at the start on the seam where jihadists are within reach (0 "
            "before the cycle of killings began; a scenario that opens in its midst says so)"
        ),
    )
