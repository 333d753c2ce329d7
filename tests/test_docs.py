"""The documentation names every scenario field the schema accepts."""

from pathlib import Path

from sim.scenario import SECTIONS

ROOT = Path(__file__).resolve().parent.parent


def test_every_scenario_field_is_documented():
    text = (ROOT / "docs" / "SCENARIOS.md").read_text()
    for model in SECTIONS.values():
        for field in model.model_fields:
            missing = f"{model.__name__}.{field} is missing from docs/SCENARIOS.md"
            assert f"| `{field}` |" in text, missing


def test_the_odd_names_the_processes_of_the_schedule():
    odd = (ROOT / "docs" / "ODD.md").read_text()
    source = (ROOT / "sim" / "model.py").read_text()
    step = source[source.index("def step(self)") : source.index("def run(self)")]
    for line in step.splitlines():
        line = line.strip()
        if line.startswith("self.") and line.endswith("()"):
            name = line[5:-2]
            assert name in odd, f"{name} runs every day but docs/ODD.md does not describe it"
