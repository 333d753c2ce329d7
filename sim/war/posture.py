"""A unit's posture: what it is doing today."""

from __future__ import annotations

from enum import StrEnum


class Posture(StrEnum):
    """What a unit is doing."""

    GARRISON = "garrison"
    """Holding a town; costs nothing on a quiet day."""
    PATROL = "patrol"
    """In the countryside: an insurgent band in its hinterland, a partner's patrols near base."""
    OFFENSIVE = "offensive"
    """A column moving on an objective town, which it attacks on arrival."""
    RETREAT = "retreat"
    """Falling back to a friendly town or across the border."""
    SPREAD = "spread"
    """An insurgent band walking to new country to work it (``sim.war.insurgency.disperse``)."""


MOVING = (Posture.OFFENSIVE, Posture.RETREAT, Posture.SPREAD)
