"""Every number in a scenario file says where it comes from, or that it is a guess.

A value line with a number (a count, a rate, a date of a force, a table of men) carries a comment
on the same line, or sits right under a comment that covers it (a block on the garrisons above a
``deploy`` table). Dated events carry their sources in their own ``source`` or comments and are
not checked here; sweep files are designs, not facts.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml")) + sorted(
    (ROOT / "scenarios" / "what_if").glob("*.toml")
)
NUMBER_LINE = re.compile(
    r"^\s*[\w\"\.\-]+\s*=\s*(\{[^}]*\d[^}]*\}|\[[^\]]*\d[^\]]*\]|[-+]?\d[\d_.eE:+-]*)\s*(#.*)?$"
)
SCENARIO_DATES = re.compile(r"^\s*(start|end)\s*=")


def unsourced(text: str) -> list[tuple[int, str]]:
    """Lines with a number and no comment on or right above them (outside events)."""
    lines = text.splitlines()
    out, section = [], ""
    for i, line in enumerate(lines):
        if line.startswith("["):
            section = line.strip()
        match = NUMBER_LINE.match(line)
        if not match or section == "[[events]]" or SCENARIO_DATES.match(line):
            continue
        if match.group(2) or (i > 0 and lines[i - 1].lstrip().startswith("#")):
            continue
        out.append((i + 1, line.strip()))
    return out


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_number_in_a_scenario_names_its_source_or_says_guess(path):
    missing = unsourced(path.read_text())
    assert not missing, f"{path.name}: numbers with no source or GUESS: {missing}"


def test_the_check_finds_a_bare_number():
    text = "[factions.state]\n# garrisons: GUESS\ndeploy = { gao = 1 }\nceiling = 45000\n"
    assert unsourced(text) == [(4, "ceiling = 45000")]
    assert unsourced("[scenario]\nresolution = 0.25   # degrees\n") == []
