"""The documentation names every scenario field the schema accepts."""

import re
from pathlib import Path

from sim.scenario import SECTIONS

ROOT = Path(__file__).resolve().parent.parent


def test_every_scenario_field_is_documented():
    text = (ROOT / "docs" / "SCENARIOS.md").read_text()
    for model in SECTIONS.values():
        for field in model.model_fields:
            missing = f"{model.__name__}.{field} is missing from docs/SCENARIOS.md"
            assert f"| `{field}` |" in text, missing


# The schedule of one day, in the ODD's order: (module of sim.war, function). ``plan`` runs
# every ``plan_interval_days`` and ``decide`` every ``decision_interval_days``; the day checked
# below runs both.
SCHEDULE = (
    ("calendar", "apply_scheduled_events"),
    ("operations", "plan"),
    ("campaigns", "Campaigns.prepare"),
    ("movement", "march"),
    ("presence", "Presence.refresh"),
    ("towns", "abandon_indefensible_towns"),
    ("battles", "fight_battles"),
    ("irregular", "strike_columns"),
    ("assaults", "assault_posts"),
    ("harassment", "harass_posts"),
    ("civilians", "commit_abuses"),
    ("militias", "organise"),
    ("militias", "strike"),
    ("civilians", "update_population"),
    ("officials", "serve"),
    ("insurgency", "govern"),
    ("economy", "pay"),
    ("recruitment", "recruit"),
    ("patrons", "decide"),
    ("regime", "update_popularity"),
    ("morale", "recover_morale"),
    ("record", "record_day"),
)


def test_a_day_runs_the_processes_of_the_schedule_in_the_odd_s_order(monkeypatch):
    import importlib

    from conftest import MECHANISMS

    from sim import MaliConflictModel, load_scenario

    called = []
    for module_name, function in SCHEDULE:
        module = importlib.import_module(f"sim.war.{module_name}")
        owner, name = module, function
        if "." in function:
            cls, name = function.split(".")
            owner = getattr(module, cls)
        real = getattr(owner, name)

        def spy(*args, _real=real, _label=f"{module_name}.{function}", **kwargs):
            called.append(_label)
            return _real(*args, **kwargs)

        monkeypatch.setattr(owner, name, spy)
    scenario = load_scenario(MECHANISMS, ["politics.decision_interval_days=1"])
    model = MaliConflictModel(scenario, rng=1)
    called.clear()  # set-up refreshes presence too
    model.step()
    assert called == [f"{m}.{f}" for m, f in SCHEDULE]


def test_the_odd_names_each_process_of_the_schedule_and_its_module_in_order():
    odd = (ROOT / "docs" / "ODD.md").read_text()
    schedule = odd[odd.index("## 3. Process overview") : odd.index("## 4. Design concepts")]
    at = -1
    for module, function in SCHEDULE:
        name = f"`{module}.{function}`"
        assert name in schedule, f"docs/ODD.md's schedule does not name {name}"
        assert schedule.index(name) > at, f"docs/ODD.md names {name} out of the schedule's order"
        at = schedule.index(name)
        assert (ROOT / "sim" / "war" / f"{module}.py").exists()


def _names(text: str) -> set[str]:
    return {name.strip() for name in re.split(r",|\band\b", text) if name.strip()}


def test_the_docs_list_exactly_the_towns_the_runs_table_records():
    import csv

    from sim.analysis.outcomes import reported_towns

    reported = set(reported_towns())
    with (ROOT / "sim" / "data" / "towns.csv").open(encoding="utf-8") as handle:
        capitals = {r["id"] for r in csv.DictReader(handle) if r["kind"] == "regional_capital"}
    outputs = (ROOT / "docs" / "OUTPUTS.md").read_text()
    listed = re.search(r"`holder_<town>` for ([a-z, ]+):", " ".join(outputs.split()))
    assert _names(listed.group(1)) == reported, "docs/OUTPUTS.md"
    analysis = " ".join((ROOT / "docs" / "ANALYSIS.md").read_text().split())
    listed = re.search(
        r"\(`holder_<town>`: ([a-z, ]+); of the regional capitals, not ([a-z, ]+),", analysis
    )
    assert _names(listed.group(1)) == reported, "docs/ANALYSIS.md, map_control"
    assert _names(listed.group(2)) == capitals - reported, "docs/ANALYSIS.md, map_control"
