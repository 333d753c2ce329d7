"""The regime in Bamako: its popularity, moved by the day's news, and the army's defeats.

Security and symbolic victories raise the regime's popularity; lost towns and mass-casualty
defeats lower it; it relaxes toward its baseline (``sim.politics.popularity_step``).

The regime also remembers the towns the army lost lately (``defeats``: their strategic value,
fading over ``politics.defeat_memory_days``). An army that keeps losing towns is beaten
(``Regime.beaten``): its morale does not come back while it is (``sim.war.morale``), and a
coup that comes then (the mutiny of March 2012 came after the fall of Menaka, Aguelhok and
Tessalit) makes its men in the north walk away (``sim.war.calendar.coup``). A coup in an army
that is holding its towns (2020, 2021) shakes its morale for a while and no more.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim import politics

if TYPE_CHECKING:
    from sim.model import MaliConflictModel
    from sim.scenario import Scenario


class Regime:
    """The regime's popularity and the day's news that moves it.

    Args:
        config: the run's scenario (its ``politics`` section is read when news arrives).

    """

    def __init__(self, config: Scenario):
        self.config = config
        self.popularity = config.politics.popularity_start
        self.news = 0.0
        self.defeats = 0.0

    def town_taken(self, value: float) -> None:
        """The state took a town: good news in proportion to its value."""
        self.news += self.config.politics.capture_boost * value

    def town_lost(self, value: float) -> None:
        """The state lost a town: bad news, and a defeat the army remembers."""
        self.news -= self.config.politics.loss_penalty * value
        self.defeats += value

    def beaten(self) -> float:
        """How beaten the army is, 0 to 1: the towns lost lately over ``defeats_to_break``."""
        return min(1.0, self.defeats / self.config.politics.defeats_to_break)

    def defeat(self) -> None:
        """A mass-casualty defeat of the state's side."""
        self.news -= self.config.politics.defeat_penalty


def resolve(model: MaliConflictModel, xy: tuple[int, int]) -> float:
    """The share of its will a beaten army keeps at a cell: ``1 - c x beaten x (1 - cover)``.

    ``c`` is ``politics.beaten_caution``, ``beaten`` how beaten the army is (``Regime.beaten``)
    and ``cover`` the air cover at war with an insurgent over the cell (a partner's aircraft or
    the state's own: ``Presence.air_cover``). It scales how readily the state's units join an
    attack on the cell (``sim.war.insurgency.boldness``, model 0.47.0) and how many of a
    month's reinforcements it sends to a town there (``sim.war.recruitment.reinforce_state``,
    model 0.52.0): a beaten army holds back, unless aircraft cover it.
    """
    caution = model.config.politics.beaten_caution * model.regime.beaten()
    cover = float(model.presence.air_cover[xy])
    return 1.0 - caution * (1.0 - cover)


def update_popularity(model: MaliConflictModel) -> None:
    """The regime's popularity relaxes to its baseline and moves with the day's news.

    The memory of lost towns fades by a day's share.
    """
    pol = model.config.politics
    regime = model.regime
    regime.popularity = politics.popularity_step(
        regime.popularity, pol.popularity_baseline, pol.popularity_relaxation_days, regime.news
    )
    regime.news = 0.0
    regime.defeats *= math.exp(-1.0 / pol.defeat_memory_days)
