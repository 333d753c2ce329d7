"""The regime in Bamako: its popularity, moved by the day's news.

Security and symbolic victories raise the regime's popularity; lost towns and mass-casualty
defeats lower it; it relaxes toward its baseline (``sim.politics.popularity_step``).
"""

from __future__ import annotations

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

    def town_taken(self, value: float) -> None:
        """The state took a town: good news in proportion to its value."""
        self.news += self.config.politics.capture_boost * value

    def town_lost(self, value: float) -> None:
        """The state lost a town."""
        self.news -= self.config.politics.loss_penalty * value

    def defeat(self) -> None:
        """A mass-casualty defeat of the state's side."""
        self.news -= self.config.politics.defeat_penalty


def update_popularity(model: MaliConflictModel) -> None:
    """The regime's popularity relaxes to its baseline and moves with the day's news."""
    pol = model.config.politics
    regime = model.regime
    regime.popularity = politics.popularity_step(
        regime.popularity, pol.popularity_baseline, pol.popularity_relaxation_days, regime.news
    )
    regime.news = 0.0
