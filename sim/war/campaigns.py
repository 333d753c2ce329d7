"""Campaigns: the state's ordered offensives invest their objective, prepare, then assault.

An offensive order of the state's side (a scenario event) opens a campaign against a town. Its
columns march until they are ``combat.reach_km`` from the town; while the town's defenders are
still in it, they wait in the last town on their way within reach (``towns.staging``: Anefis,
for Kidal) or, where there is none, camp at reach, the last whole cell within it
(``Unit.standing``: a camp in the open is a post the insurgents may mass against,
``sim.war.assaults.camps``), and prepare the assault: supply brought
up a line that grows with the distance from the nearest state garrison
(``presence.support_km``), reconnaissance, drones and artillery on the town, the waiting of an
army that would rather get a town for nothing. Each day a campaign whose columns standing there
have the odds it demands against the town's defence (the side's ``attack_ratio`` x ``(1 - risk
/ 2)``, risk that of its riskiest partner: a reckless lead storms at worse odds) goes in with
chance ``1 / (1 + days)``, where ``days = combat.preparation_days x (1 - readiness) x (1 -
exp(-support_km / combat.support_scale_km))`` at the town. Readiness is the risk tolerance of
the riskiest foreign force in the order that is present (a partner that accepts risk leads the
assault: Wagner with the army in 2023-2024) or, in an order of the army alone, its aggression.
Meanwhile the defenders choose each day whether to leave (``towns.leaves``): a cautious
campaign gets its town later and more often empty, a reckless one sooner and through a fight.
The day a town falls is the campaign's outcome, not a date of the scenario: Kidal, November
2023, fell six weeks after the order, two after the UN left its camp.

Insurgents who stand for a town far from support meet the assault on its way
(``met_on_the_way``). A campaign that has lost a third of the most men it had is called off and
its columns fall back (``CALL_OFF_LOSS``); so is one that has stood twice ``preparation_days``
without going in. Insurgents live off the country and need no supply line: their ordered
columns go straight in, as the MNLA's did in 2012. A town with nobody in it holds no column
back, nor does a campaign already launched. The UN's camp holds the state's columns back
whatever their readiness (``Unit.held_back``, ``towns.stage``), and while it is there no
assault is prepared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sim.geography import cells_apart
from sim.scenario import FACTIONS
from sim.war import irregular, patrons, towns
from sim.war.posture import Posture

if TYPE_CHECKING:
    from sim.agents import Unit
    from sim.model import MaliConflictModel


CALL_OFF_LOSS = 1 / 3
"""Share of its men a campaign loses before it is called off (the survivors of the Tinzaouatene
column fell back, July 2024); the same share that breaks a column caught in an ambush."""


@dataclass
class Campaign:
    """One side's ordered offensive against one town.

    Attributes:
        side: the ordering side.
        town: the objective's id.
        actors: the order's actor and its allies (readiness is read from them each day).
        launched: whether the assault has been ordered (the columns go in).
        peak: the most men its columns have had.
        stood: days its columns have stood before the town without going in.
        line: the towns its columns took on the way (``towns.hold_the_line``).

    """

    side: str
    town: str
    actors: tuple[str, ...]
    launched: bool = False
    peak: int = 0
    stood: int = 0
    line: set[str] = field(default_factory=set)


class Campaigns:
    """The open campaigns, by (side, town): the state of the ``campaigns`` process."""

    def __init__(self):
        self.open: dict[tuple[str, str], Campaign] = {}

    def order(self, model: MaliConflictModel, actor: str, target: str, allies: list[str]) -> None:
        """Open (or renew) a campaign for an offensive order."""
        side = model.side_of[actor]
        if side != "state":
            return  # insurgents live off the country: their columns go straight in
        self.open[(side, target)] = Campaign(side, target, (actor, *allies))

    def holds_back(self, model: MaliConflictModel, unit: Unit, x: int, y: int) -> bool:
        """Whether a column must stop short of (x, y): its campaign is preparing the assault."""
        campaign = self.open.get((unit.side, unit.objective or ""))
        if campaign is None or campaign.launched:
            return False
        town = model.towns[campaign.town]
        # They stand at reach (where the defenders feel them) and go no closer. (Model 0.60.0
        # tried the edge of reach, outside it, the same km at any cell size: the defenders no
        # longer felt a camp in the open, and the Tinzaouatene column was seldom caught.)
        return cells_apart((x, y), town.xy) < model.reach_cells and towns.defended(
            model, town, unit
        )

    def prepare(self, model: MaliConflictModel) -> None:
        """Each campaign closes, waits, or goes in (in the order the orders were given)."""
        for key, campaign in list(self.open.items()):
            town = model.towns[campaign.town]
            columns = [
                u
                for actor in model.actors
                if model.side_of[actor] == campaign.side
                for u in model.units_of(actor)
                if u.posture == Posture.OFFENSIVE and u.objective == campaign.town
            ]
            if not columns or not model.relations.sides_hostile(campaign.side, town.holder):
                del self.open[key]  # taken, lost, or no longer at war with its holder
                continue
            men = sum(u.strength for u in columns)
            campaign.peak = max(campaign.peak, men)
            if men < (1.0 - CALL_OFF_LOSS) * campaign.peak:
                # Bled by a third: the order is called off and the columns fall back.
                for unit in columns:
                    unit.retreat()
                del self.open[key]
                continue
            if campaign.launched:
                continue
            if towns.protected(model, town.x, town.y):
                continue  # no assault is prepared on a town while the UN is in it
            close = [u for u in columns if towns.before(model, u, town)]
            if not close or not towns.defended(model, town, close[0]):
                continue
            defence = max(towns.defence_power(model, town, against=close[0].actor), 1.0)
            odds = sum(u.power() for u in close) / defence
            combat = model.config.combat
            campaign.stood += 1
            if campaign.stood > 2 * combat.preparation_days:
                # It never got the odds: the order lapses and the columns go home.
                for unit in columns:
                    unit.retreat()
                del self.open[key]
                continue
            # A partner that accepts risk storms at worse odds (Tinzaouatene, July 2024).
            ratio = model.config.factions[campaign.side].attack_ratio * (
                1.0 - 0.5 * partner_risk(model, campaign)
            )
            supply = irregular.remoteness(model, *town.xy)  # the army's own line
            days = combat.preparation_days * (1.0 - readiness(model, campaign)) * supply
            if odds >= ratio and model.rng.random() < 1.0 / (1.0 + days):
                campaign.launched = True
                met_on_the_way(model, town, close)


def met_on_the_way(model: MaliConflictModel, town: towns.Town, columns: list[Unit]) -> None:
    """Insurgents who stand for a town far from the state's support meet its assault on the way.

    The columns that go in together are ambushed before the town, as one body and once, with
    chance ``remoteness`` there (0 beside a state garrison, toward 1 far from any): the holder
    knows where the assault comes from and fights forward, on its own ground, with its allies
    around (the FAMa-Wagner column was caught in the dunes short of Tinzaouatene, 25-27 July
    2024). A catastrophe then follows the usual rule (``irregular.catastrophe_chance``):
    distance, massed ambushers, protection. Until model 0.45.0 each column was met on its own,
    so the same men in more columns drew more ambushes (``irregular.ambush_together``).
    """
    holder = town.holder  # an insurgent side: campaigns are the state's, against its enemies
    x, y = town.xy
    chance = float(irregular.remoteness(model, x, y))
    present = float(model.presence.reach[holder][x, y])
    if model.rng.random() < chance:
        irregular.ambush_together(model, holder, columns, present, town.xy)


def partner_risks(model: MaliConflictModel, campaign: Campaign) -> list[float]:
    """The risk tolerance of each foreign force of the order that is present."""
    foreign, present = model.config.foreign, model.patrons.present
    return [patrons.risk(model, a) for a in campaign.actors if a in foreign and present[a]]


def partner_risk(model: MaliConflictModel, campaign: Campaign) -> float:
    """The risk tolerance of the riskiest foreign force of the order present (0 if none)."""
    return max(partner_risks(model, campaign), default=0.0)


def readiness(model: MaliConflictModel, campaign: Campaign) -> float:
    """How soon a campaign storms: its riskiest partner's risk, else the army's aggression."""
    risks = partner_risks(model, campaign)
    if risks:
        return max(risks)
    actor = campaign.actors[0]
    return model.config.factions[actor].aggression if actor in FACTIONS else 0.0
