"""The insurgents' war economy: taxes and tolls in, pay out, recruits drawn by money (issue 14).

``sim.war.economy``: a side with an economy earns from the people and the roads it governs and
pays its men; a full purse draws the recruits who come for the pay (``pay_share`` of them), an
empty one turns them away and sends that share of the unpaid home. These tests check each
sign, that a side without an economy recruits as before, that who goes home does not depend on
how men are grouped, and, on an ensemble, that a richer insurgency grows more.
"""

from __future__ import annotations

import numpy as np
from small_scenario import small_dict

from sim import MaliConflictModel
from sim.scenario import scenario_from_dict
from sim.war import economy


def taxed_model(tax: float = 2.0, traffic: float = 50.0, split: int = 1) -> MaliConflictModel:
    """The small scenario, its jihadists with an economy, over six months at 0.5 degree."""
    data = small_dict()
    data["scenario"].update(resolution=0.5, end="2024-03-31", unit_split=split)
    data["factions"]["jihadists"].update(tax_per_1000=tax, traffic_per_100km=traffic)
    return MaliConflictModel(scenario_from_dict(data), rng=5)


def test_income_grows_with_the_people_and_the_roads_governed():
    model = taxed_model()
    governed = model.governance["jihadists"]
    governed[:] = 0.0
    assert economy.income(model, "jihadists") == 0.0
    cells = np.argwhere(model.in_mali & (model.geo.population > 0) & ~model.geo.road)[:20]
    governed[tuple(cells.T)] = 0.5
    some = economy.income(model, "jihadists")
    people = float((governed * model.geo.population).sum())
    assert some == 2.0 * people / 1000.0 > 0  # no road governed: taxes alone
    governed[tuple(cells.T)] = 1.0
    assert economy.income(model, "jihadists") == 2 * some
    road = np.argwhere(model.in_mali & model.geo.road)[:5]
    governed[tuple(road.T)] = 1.0
    with_roads = economy.income(model, "jihadists")
    tolls = 50.0 * len(road) * model.cell_km / 100.0
    taxes = 2.0 * float((governed * model.geo.population).sum()) / 1000.0
    assert with_roads == taxes + tolls and tolls > 0


def test_a_full_purse_draws_recruits_and_an_empty_one_turns_them_away():
    model = taxed_model()
    economy.pay(model)  # the first day: a purse of pay_reserve_days for its men
    purses = model.purses
    men = model.strength("jihadists")
    reserve = men * model.config.insurgency.pay_reserve_days
    share = model.config.insurgency.pay_share
    assert 0 < share < 1
    purses.purse["jihadists"] = reserve
    assert purses.pay_factor(model, "jihadists") == 1.0
    purses.purse["jihadists"] = 0.0  # those who come for the pay stay away
    assert purses.pay_factor(model, "jihadists") == 1.0 - share
    purses.purse["jihadists"] = 3 * reserve
    assert purses.pay_factor(model, "jihadists") == 1.0 - share + share * 1.5
    model.config.insurgency.pay_share = 1.0
    assert purses.pay_factor(model, "jihadists") == 1.5
    # A side without an economy recruits as if paid.
    assert purses.pay_factor(model, "separatists") == 1.0
    poor = taxed_model(tax=0.0, traffic=0.0)
    economy.pay(poor)
    assert poor.purses.purse["jihadists"] is None
    assert poor.purses.pay_factor(poor, "jihadists") == 1.0


def test_a_side_starts_with_the_purse_its_scenario_states():
    # factions.<id>.purse_days: money in hand at the start (the ransoms AQIM held in 2012),
    # else pay_reserve_days, where money neither draws nor turns away.
    def first_day(purse_days):
        model = taxed_model()
        model.governance["jihadists"][:] = 0.0  # no income: the purse is what it started with
        model.config.factions["jihadists"].purse_days = purse_days
        economy.pay(model)
        men = model.strength("jihadists")
        return model.purses.purse["jihadists"] / men, model.purses.pay_factor(model, "jihadists")

    reserve = taxed_model().config.insurgency.pay_reserve_days
    days, factor = first_day(None)
    assert days == reserve - 1 and factor < 1.0  # a day's pay gone
    full, drawn = first_day(365.0)
    assert full == 364.0 and drawn > 1.0 > factor
    assert first_day(0.0)[0] == 0.0


def test_the_purse_fills_with_income_above_the_bill_and_is_capped_at_a_years_pay():
    model = taxed_model()
    model.governance["jihadists"][model.in_mali] = 1.0  # the whole country pays
    economy.pay(model)
    start = model.purses.purse["jihadists"]
    economy.pay(model)
    assert model.purses.purse["jihadists"] > start
    for _ in range(400):
        economy.pay(model)
    assert model.purses.purse["jihadists"] == model.strength("jihadists") * 365.0


def broke_model(days: int, split: int = 1, seed: int | None = None):
    """A side with no income and an empty purse, paid (not) for ``days``; its men at the start."""
    model = taxed_model(split=split)
    if seed is not None:
        model.rng = np.random.default_rng(seed)
    model.governance["jihadists"][:] = 0.0
    economy.pay(model)
    model.purses.purse["jihadists"] = 0.0
    men = model.strength("jihadists")
    for _ in range(days):
        economy.pay(model)
    return model, men


def test_unpaid_men_go_home_and_paid_men_stay():
    broke, men = broke_model(30)
    gone = broke.ledger["jihadists"]["departures"]
    cfg = broke.config.insurgency
    expected = men * (1 - (1 - cfg.pay_share / cfg.unpaid_leave_days) ** 30)
    assert abs(gone - expected) < 4 * np.sqrt(expected)  # a binomial's spread
    assert broke.strength("jihadists") == men - gone
    rich = taxed_model()
    economy.pay(rich)
    for _ in range(30):
        economy.pay(rich)
    assert rich.ledger["jihadists"]["departures"] == 0


def test_who_goes_home_does_not_depend_on_how_men_are_grouped():
    def share_gone(split: int) -> float:
        shares = []
        for seed in range(8):
            model, men = broke_model(60, split=split, seed=seed)
            shares.append(model.ledger["jihadists"]["departures"] / men)
        return float(np.mean(shares))

    one, two = share_gone(1), share_gone(2)
    assert abs(one - two) < 0.1 * one


def test_on_an_ensemble_a_richer_insurgency_grows_more():
    from sim.ensemble import run_ensemble

    def strength_at_end(tax: float) -> float:
        data = small_dict()
        data["scenario"].update(resolution=0.5, end="2024-09-30")
        data["events"] = []
        data["factions"]["jihadists"].update(tax_per_1000=tax, traffic_per_100km=0.0)
        runs = run_ensemble(scenario_from_dict(data), runs=6, seed=1).runs
        return float(runs["strength_end_jihadists"].median())

    assert strength_at_end(20.0) > 1.1 * strength_at_end(0.2)
