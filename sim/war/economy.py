"""The insurgents' war economy: what they raise, what they pay, what money does to their numbers.

An insurgent side with an economy (``factions.<id>.tax_per_1000`` or ``traffic_per_100km``
above zero) keeps a purse, counted in days of a fighter's pay:

- its income each day is ``tax_per_1000`` days of pay per 1,000 people it governs (the
  governance layer times the population, summed over the grid: zakat on herds, levies on
  markets, payment for protection) plus ``traffic_per_100km`` per 100 km of main road it
  governs (tolls on trucks and buses, a share of the trafficking along the roads);
- its bill each day is a day's pay for each of its men in the field;
- money is one motive among several (ISS, *Mali's young 'jihadists': fuelled by faith or
  circumstance?*, Policy Brief 89, 2016: protection of oneself, one's family and one's herds
  weighs as much as pay), so only ``insurgency.pay_share`` of the recruits come for the pay:
  a full purse draws them and an empty one turns them away, the day's expected recruits
  (``sim.war.recruitment``) being multiplied by ``1 - s + s x 2 f``, where ``s`` is the
  pay share and ``f = purse / (purse + men x insurgency.pay_reserve_days)``; a side starts
  with ``factions.<id>.purse_days`` of pay for each man (unset: ``pay_reserve_days``, where
  the multiplier is one); beyond a year's
  pay in hand the surplus is spent on arms, fuel and vehicles, so ``f`` is at most
  365 / (365 + pay_reserve_days);
- with an empty purse, the pay share of the men the day's income does not pay goes home over
  ``insurgency.unpaid_leave_days`` (each man his own draw, so how men are grouped into units
  does not matter).

The signs the ODD states and the tests check: more people and roads governed, more income and
more recruits; more men in the field, a heavier bill, and with no income a shrinking band.

Ransoms (the kidnappings of Westerners that financed AQIM before 2013) are not modelled as a
flow: the model has no hostages. What they had paid in by 2012 is a stock a scenario may
state: the purse a side starts with (``purse_days``). Since model 0.61.0 ``mali_2012``, the arc
and ``serval_2013`` start the jihadists' purse full, a year's pay for each man (docs/CALIBRATION.md
"Model 0.61.0"); the later period files start at ``pay_reserve_days``. Towns a side holds pay
nothing beyond the governance around them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.war.insurgency import INSURGENTS

if TYPE_CHECKING:
    from sim.model import MaliConflictModel


def has_economy(model: MaliConflictModel, side: str) -> bool:
    """Whether a side raises money (any of its rates above zero)."""
    doctrine = model.config.factions[side]
    return doctrine.tax_per_1000 > 0 or doctrine.traffic_per_100km > 0


def income(model: MaliConflictModel, side: str) -> float:
    """A day's income, in days of a fighter's pay: taxes on governed people, tolls on roads."""
    doctrine = model.config.factions[side]
    governed = model.governance[side]
    people = float((governed * model.geo.population).sum())
    road_km = float((governed * model.geo.road).sum()) * model.cell_km
    return doctrine.tax_per_1000 * people / 1000.0 + doctrine.traffic_per_100km * road_km / 100.0


class Purses:
    """Each insurgent side's purse: days of a fighter's pay in hand (None until its first day)."""

    def __init__(self):
        self.purse: dict[str, float | None] = dict.fromkeys(INSURGENTS)

    def days_in_hand(self, model: MaliConflictModel, side: str) -> float:
        """Days of pay in the purse for the men the side has (0 without an economy or men)."""
        purse, men = self.purse[side], model.strength(side)
        return float(purse) / men if purse is not None and men > 0 else 0.0

    def pay_factor(self, model: MaliConflictModel, side: str) -> float:
        """The multiplier of a side's recruits: ``1 - s + s x 2 purse / (purse + men x reserve)``.

        ``s`` is ``insurgency.pay_share``, the share of recruits who come for the pay; 1 for a
        side without an economy.
        """
        purse = self.purse[side]
        if purse is None or not has_economy(model, side):
            return 1.0
        cfg = model.config.insurgency
        reserve = model.strength(side) * cfg.pay_reserve_days
        drawn = 2.0 * purse / (purse + reserve) if purse + reserve > 0 else 1.0
        return 1.0 - cfg.pay_share + cfg.pay_share * drawn


def pay(model: MaliConflictModel) -> None:
    """A day of the war economy: income in, pay out, and unpaid men go home."""
    purses = model.purses
    cfg = model.config.insurgency
    for side in INSURGENTS:
        if not has_economy(model, side):
            continue
        men = model.strength(side)
        if purses.purse[side] is None:
            start = model.config.factions[side].purse_days
            purses.purse[side] = men * (cfg.pay_reserve_days if start is None else start)
        cash = purses.purse[side] + income(model, side)
        paid = min(cash, float(men))
        # Beyond a year's pay in hand the money goes on arms, fuel and vehicles.
        purses.purse[side] = min(cash - paid, men * 365.0)
        unpaid = 1.0 - paid / men if men > 0 else 0.0
        if unpaid > 0:
            send_home(model, side, cfg.pay_share * unpaid / cfg.unpaid_leave_days)


def send_home(model: MaliConflictModel, side: str, chance: float) -> None:
    """Each man of a side goes home today with ``chance`` (one binomial draw per unit)."""
    for unit in model.units_of(side):
        gone = int(model.rng.binomial(unit.strength, min(chance, 1.0)))
        if gone > 0:
            unit.go_home(gone)
