"""Who fights whom: the stance between sides and the rules of the foreign forces' kinds.

The scenario sets the stance between the separatists and the jihadists and between the state
and the separatists (allied, truce, hostile); ``relations`` events change it on their dates
(allies in early 2012, rivals by mid-2012, tactically together again in 2024). Peacekeepers fight
only those who attack them: the jihadists.
"""

from __future__ import annotations

from sim.scenario import STANCE_FIELDS, Scenario


class Relations:
    """The stance between sides, and whether two actors fight each other today.

    Args:
        config: the run's scenario (its foreign forces' kinds are read here).
        side_of: actor id -> side.

    """

    def __init__(self, config: Scenario, side_of: dict[str, str]):
        self.config = config
        self.side_of = side_of
        self.stance: dict[frozenset, str] = {
            pair: getattr(config.relations, field) for pair, field in STANCE_FIELDS.items()
        }
        # Asked thousands of times a day; the answers change only with a relations or set event.
        self.actors_known: dict[tuple[str, str], bool] = {}
        self.sides_known: dict[tuple[str, str], bool] = {}
        self.allies_known: dict[tuple[str, str], bool] = {}

    def set_stance(self, between: list[str], stance: str) -> None:
        """A change of alliance (a ``relations`` event)."""
        self.stance[frozenset(between)] = stance
        self.forget()

    def forget(self) -> None:
        """Drop the day's answers: a parameter they depend on may have changed."""
        self.actors_known.clear()
        self.sides_known.clear()
        self.allies_known.clear()

    def hostile(self, a: str, b: str) -> bool:
        """Whether two actors fight each other today."""
        known = self.actors_known.get((a, b))
        if known is None:
            known = self.actors_known[(a, b)] = self.actors_at_war(a, b)
        return known

    def actors_at_war(self, a: str, b: str) -> bool:
        """Whether two actors fight each other, by their sides' stance and the forces' kinds."""
        sa, sb = self.side_of.get(a, a), self.side_of.get(b, b)
        if sa == sb:
            return False
        pair = frozenset((sa, sb))
        if pair in self.stance and self.stance[pair] != "hostile":
            return False
        foreign = self.config.foreign
        for actor, other in ((a, sb), (b, sa)):
            if actor in foreign and foreign[actor].kind == "peacekeeping":
                return other == "jihadists"
        return True

    def sides_hostile(self, sa: str, sb: str) -> bool:
        """Whether two sides fight each other today."""
        if sa == sb:
            return False
        known = self.sides_known.get((sa, sb))
        if known is None:
            known = self.sides_known[(sa, sb)] = (
                self.stance.get(frozenset((sa, sb)), "hostile") == "hostile"
            )
        return known

    def allied(self, sa: str, sb: str) -> bool:
        """Whether two sides fight together (their presence adds up)."""
        if sa == sb:
            return True
        known = self.allies_known.get((sa, sb))
        if known is None:
            known = self.allies_known[(sa, sb)] = self.stance.get(frozenset((sa, sb))) == "allied"
        return known
