"""Engagements: set battles, ambushes and IED strikes, with fat-tailed losses.

Set battles follow Lanchester's square law for aimed fire over one day: each side's losses
are proportional to the other side's effective strength times its firepower. The expected loss is
then multiplied by mean-one log-normal noise, so most clashes are small and a few are very large,
as in ACLED's record of the Sahel (a handful of engagements carry most of the deaths).

Ambushes and IEDs are the insurgent's initiative against a column on the move. An ambush usually
costs a column a few men; with a small probability it catches the column in the open and costs a
large share of it (Tinzaouatene, July 2024). These are pure functions of their inputs and a numpy
``Generator``, so they can be tested on their own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Losses:
    """Deaths on each side of an engagement."""

    attacker: int
    defender: int


def stochastic_round(value: float, rng: np.random.Generator) -> int:
    """Round to a neighbouring integer with probability given by the fraction (unbiased)."""
    base = int(value)
    return base + (1 if rng.random() < value - base else 0)


def fat_tailed(expected: float, sigma: float, rng: np.random.Generator) -> float:
    """A mean-preserving log-normal draw around ``expected`` with log-spread ``sigma``."""
    if expected <= 0.0:
        return 0.0
    return expected * rng.lognormal(-0.5 * sigma * sigma, sigma)


def battle(
    attacker_power: float,
    defender_power: float,
    attacker_strength: int,
    defender_strength: int,
    attacker_firepower: float,
    defender_firepower: float,
    defence_multiplier: float,
    sigma: float,
    rng: np.random.Generator,
) -> Losses:
    """One day of a set battle (Lanchester square law, aimed fire) with fat-tailed losses.

    Args:
        attacker_power: attacker's effective strength (men x morale x air support).
        defender_power: defender's effective strength.
        attacker_strength: attacker's men, the cap on its losses.
        defender_strength: defender's men.
        attacker_firepower: enemies killed per effective fighter-day.
        defender_firepower: the same for the defender.
        defence_multiplier: terrain and fortification advantage of the defender (>= 1).
        sigma: log-normal spread of losses.
        rng: random source.

    """
    expected_defender = attacker_firepower * attacker_power / defence_multiplier
    expected_attacker = return_fire(defender_firepower, defender_power, defence_multiplier)
    defender_loss = min(
        defender_strength, stochastic_round(fat_tailed(expected_defender, sigma, rng), rng)
    )
    attacker_loss = min(
        attacker_strength, stochastic_round(fat_tailed(expected_attacker, sigma, rng), rng)
    )
    return Losses(attacker=attacker_loss, defender=defender_loss)


def return_fire(firepower: float, power: float, defence_multiplier: float) -> float:
    """Expected deaths a defender's fire inflicts on its attackers in a day's fight.

    Firepower x effective strength, raised by the square root of its terrain and fortification
    (the defender fires from cover).
    """
    return firepower * power * defence_multiplier**0.5


def share_lost(mean: float, concentration: float, rng: np.random.Generator) -> float:
    """A Beta-distributed share of men lost around ``mean`` (higher concentration: tighter)."""
    return rng.beta(max(mean * concentration, 1e-3), max((1.0 - mean) * concentration, 1e-3))


def ambush(
    column_strength: int,
    ambusher_strength: int,
    catastrophe_chance: float,
    catastrophe_share: float,
    ordinary_share: float,
    rng: np.random.Generator,
) -> Losses:
    """An ambush on a column: usually a few dead, rarely a column caught and destroyed.

    The share of the column lost is Beta-distributed around ``ordinary_share``, or, with
    ``catastrophe_chance``, around ``catastrophe_share``. The ambushers, who choose the ground,
    lose a small share of their own men.
    """
    caught = rng.random() < catastrophe_chance
    mean = catastrophe_share if caught else ordinary_share
    # An ordinary ambush is tight around its mean (a Beta of concentration 3 put one ordinary
    # ambush in a hundred above half the column: disasters at the gates of Gao); the disasters
    # come from the catastrophe's chance, which says where they happen.
    share = share_lost(mean, 6.0 if caught else 20.0, rng)
    # The men an ambush can hit are bounded by who sprang it: a band of 50 cannot kill 500.
    reach = min(column_strength, max(10, 3 * ambusher_strength))
    defender_loss = min(column_strength, int(rng.binomial(reach, share)))
    attacker_loss = min(ambusher_strength, int(rng.binomial(ambusher_strength, 0.02)))
    return Losses(attacker=attacker_loss, defender=defender_loss)


def assault(
    garrison: int,
    attackers: int,
    overrun_chance: float,
    overrun_share: float,
    repulse_share: float,
    return_fire: float,
    rng: np.random.Generator,
) -> Losses:
    """A massed assault on a post: usually repulsed with a few dead, sometimes overrun.

    The share of the garrison lost is Beta-distributed around ``repulse_share``, or, with
    ``overrun_chance``, around ``overrun_share`` (a camp overrun loses a large share of its
    men in hours), with the concentrations of ``ambush``. The attackers lose what the garrison's
    fire can kill (``return_fire``, the expected deaths of a day's fight), half as many when the
    post is overrun and its fire collapses.
    """
    overrun = rng.random() < overrun_chance
    mean = overrun_share if overrun else repulse_share
    defender_loss = int(rng.binomial(garrison, share_lost(mean, 6.0 if overrun else 20.0, rng)))
    attacker_loss = min(attackers, int(rng.poisson(return_fire * (0.5 if overrun else 1.0))))
    return Losses(attacker=attacker_loss, defender=defender_loss)


def thin(hit: int, protection: float, rng: np.random.Generator) -> int:
    """The dead among ``hit`` men each spared with chance ``protection`` (armour and care).

    One binomial draw, none when nothing is hit or nothing protects: the rule by which a
    mine strike's and a set battle's dead are thinned (``ied_strike``,
    ``sim.war.casualties.spare_armoured``).
    """
    if hit <= 0 or protection <= 0:
        return hit
    return int(rng.binomial(hit, 1.0 - min(protection, 1.0)))


def ied_strike(
    column_strength: int, deaths_mean: float, protection: float, rng: np.random.Generator
) -> int:
    """Deaths from a roadside bomb: a geometric tail, thinned by protection.

    The strike would kill at least one man of an unprotected vehicle, ``deaths_mean`` on
    average; each of them survives with chance ``protection`` (armour and route clearance,
    MRAPs): a well-protected force's strikes often kill no one. (Before model 0.25.0 a strike
    killed at least one man whatever the armour, so a Western force lost a man a strike.)

    Args:
        column_strength: men exposed.
        deaths_mean: mean deaths of a strike against an unprotected vehicle (at least one).
        protection: 0-1, armour and route clearance, the chance each man is spared.
        rng: random source.

    """
    hit = int(rng.geometric(1.0 / max(1.0, deaths_mean)))
    return min(column_strength, thin(hit, protection, rng))
