"""Every mistake a person can make in a scenario file or on the command line is refused clearly.

The corpus below is the small valid scenario of ``small_scenario.py`` with one thing (or, in the
last cases, several things) wrong. Each case goes through the real ``malisim`` command line and
must end with exit status 2, one ``error:`` line per problem that names the file and the field
and says what was expected, no traceback, and nothing written to the output folder. The whole
file corpus also goes through a real subprocess (``malisim check``), and a handful of ``run``
cases too, to prove that no traceback reaches a user's terminal.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from small_scenario import SMALL_TOML
from typer.testing import CliRunner

from sim.cli import app

MALISIM = str(Path(sys.executable).parent / "malisim")


def edit(old: str, new: str) -> str:
    """The small scenario with ``old`` replaced by ``new`` (``old`` must be there)."""
    assert old in SMALL_TOML, f"corpus out of date: {old!r} not in the small scenario"
    return SMALL_TOML.replace(old, new, 1)


def add(text: str) -> str:
    """The small scenario with ``text`` appended."""
    return SMALL_TOML + "\n" + text + "\n"


@dataclass
class Case:
    """A broken input.

    Attributes:
        id: the test id.
        content: the file's text or bytes; None means the path does not exist; "DIR" a folder.
        fields: the field each problem line must name, one per expected line; an empty list
            means one line about the file itself (unreadable, not TOML).
        says: words that say what was expected (or where), somewhere in the message.
        args: extra command-line arguments.
    """

    id: str
    content: str | bytes | None
    fields: list[str]
    says: str
    args: list[str] = field(default_factory=list)


CORPUS: list[Case] = [
    # --- the file itself: missing, a folder, empty, binary, not TOML -------------------------
    Case("missing path", None, [], "no such file"),
    Case("a directory", "DIR", [], "is a directory, expected a .toml file"),
    Case("empty file", "", [], "empty"),
    Case("only blanks and comments", "   \n\n", [], "empty"),
    Case("binary file", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00", [], "not a UTF-8 text file"),
    Case("NUL bytes in text", SMALL_TOML.replace("\n", "\n\x00", 1), [], "NUL"),
    Case("latin-1, not UTF-8", "# Ségou\n".encode("latin-1") + SMALL_TOML.encode(), [], "UTF-8"),
    Case("unclosed table header", edit("[scenario]", "[scenario"), [], "line 1"),
    Case("unterminated string", edit('name = "small"', 'name = "small'), [], "line 2"),
    Case("missing value", edit("resolution = 2.0", "resolution ="), [], "line 5"),
    Case("JSON instead of TOML", '{"scenario": {"name": "x"}}', [], "line 1"),
    Case("duplicate key", edit('name = "small"', 'name = "small"\nname = "big"'), [], "line 3"),
    Case("duplicate table", add('[scenario]\nname = "again"'), [], "line"),
    Case("impossible date", edit("end = 2023-10-31", "end = 2023-02-30"), [], "line 4"),
    # --- schema: wrong types, unknown or missing names ------------------------------------
    Case(
        "missing [scenario]",
        edit('[scenario]\nname = "small"', "[scenario_]\nname = 1"),
        ["scenario_", "scenario"],
        "required field is missing",
    ),
    Case("missing name", edit('name = "small"\n', ""), ["scenario.name"], "required"),
    Case(
        "missing faction",
        edit("[factions.jihadists]", "[factions.jihadist]"),
        ["factions.jihadist"],
        "'state', 'separatists' or 'jihadists'",
    ),
    Case(
        "misspelled key",
        edit("aggression = 0.7", "agression = 0.7"),
        ["factions.state.agression"],
        "unknown field",
    ),
    Case(
        "misspelled section", add("[politcs]\npopularity_start = 0.5"), ["politcs"], "unknown field"
    ),
    Case("unknown section", add("[weather]\nrain = 1"), ["weather"], "unknown field"),
    Case(
        "number as text",
        edit("resolution = 2.0", 'resolution = "fine"'),
        ["scenario.resolution"],
        "valid number",
    ),
    Case(
        "strength as text",
        edit("strength = 800", 'strength = "many"'),
        ["foreign.wagner.strength"],
        "valid integer",
    ),
    Case(
        "fractional men",
        edit("reserve = 500", "reserve = 500.5"),
        ["factions.state.reserve"],
        "valid integer",
    ),
    Case(
        "true for a number",
        edit("reserve = 500", "reserve = true"),
        ["factions.state.reserve"],
        "expected a number",
    ),
    Case(
        "number for true/false",
        edit("holds_towns = false", "holds_towns = 3"),
        ["factions.jihadists.holds_towns"],
        "valid boolean",
    ),
    Case("table where a list goes", edit("[[events]]", "[events]"), ["events"], "valid list"),
    Case(
        "text where a table goes",
        edit("deploy = { kidal = 800 }", 'deploy = "kidal"'),
        ["factions.separatists.deploy"],
        "valid dictionary",
    ),
    Case(
        "date as text",
        edit("end = 2023-10-31", 'end = "yesterday"'),
        ["scenario.end"],
        "valid date",
    ),
    # --- ranges: probabilities, NaN, infinity, negative and absurd numbers ----------------
    Case(
        "probability above 1",
        edit("commitment = 0.6", "commitment = 1.5"),
        ["foreign.wagner.commitment"],
        "less than or equal to 1",
    ),
    Case(
        "probability below 0",
        edit("risk_tolerance = 0.8", "risk_tolerance = -0.1"),
        ["foreign.wagner.risk_tolerance"],
        "greater than or equal to 0",
    ),
    Case(
        "morale above 1",
        edit("aggression = 0.7", "aggression = 0.7\nmorale = 2"),
        ["factions.state.morale"],
        "less than or equal to 1",
    ),
    Case(
        "NaN",
        edit("reinforce_rate = 0.2", "reinforce_rate = nan"),
        ["factions.state.reinforce_rate"],
        "finite number",
    ),
    Case("infinity", add("[combat]\nloss_sigma = inf"), ["combat.loss_sigma"], "finite number"),
    Case(
        "negative infinity",
        add("[politics]\nmemory_days = -inf"),
        ["politics.memory_days"],
        "finite number",
    ),
    Case(
        "negative strength",
        edit("strength = 800", "strength = -5"),
        ["foreign.wagner.strength"],
        "greater than or equal to 0",
    ),
    Case(
        "negative garrison",
        edit("deploy = { kidal = 800 }", "deploy = { kidal = -800 }"),
        ["factions.separatists.deploy.kidal"],
        "greater than or equal to 0",
    ),
    Case(
        "absurd number of men",
        edit("reserve = 500", "reserve = 99999999999999999999999"),
        ["factions.state.reserve"],
        "less than or equal to 500000",
    ),
    Case(
        "a sanctuary beyond a border Mali does not share",
        edit("resolution = 2.0", 'resolution = 2.0\nsanctuaries = ["algeria", "chad"]'),
        ["scenario.sanctuaries.1"],
        "'chad'",
    ),
    Case(
        "a sanctuary named twice",
        edit("resolution = 2.0", 'resolution = 2.0\nsanctuaries = ["niger", "niger"]'),
        ["scenario.sanctuaries"],
        "named more than once",
    ),
    Case(
        "a refuge the data do not place",
        edit("resolution = 2.0", 'resolution = 2.0\nrefuges = ["wagadou", "sambisa"]'),
        ["scenario.refuges.1"],
        "'sambisa'",
    ),
    Case(
        "zero resolution",
        edit("resolution = 2.0", "resolution = 0"),
        ["scenario.resolution"],
        "greater than or equal to 0.1",
    ),
    Case(
        "absurd resolution",
        edit("resolution = 2.0", "resolution = 1000"),
        ["scenario.resolution"],
        "less than or equal to 2",
    ),
    Case(
        "negative resolution",
        edit("resolution = 2.0", "resolution = -0.5"),
        ["scenario.resolution"],
        "greater than or equal to 0.1",
    ),
    Case(
        "ceiling below strength",
        edit("ceiling = 1500", "ceiling = 100"),
        ["foreign.wagner"],
        "must be at least strength",
    ),
    Case(
        "unknown terrain",
        add("[combat]\nterrain_defence = { lava = 2.0 }"),
        ["combat.terrain_defence"],
        "expected some of",
    ),
    # --- dates --------------------------------------------------------------------------
    Case(
        "end before start",
        edit("end = 2023-10-31", "end = 2023-09-01"),
        ["scenario"],
        "must be after start",
    ),
    Case(
        "end on start",
        edit("end = 2023-10-31", "end = 2023-10-01"),
        ["scenario"],
        "must be after start",
    ),
    Case(
        "a century", edit("end = 2023-10-31", "end = 2123-10-31"), ["scenario"], "at most 20 years"
    ),
    Case(
        "departs before arriving",
        edit("bases = [", "arrive = 2023-10-10\ndepart = 2023-10-05\nbases = ["),
        ["foreign.wagner"],
        "must be after arrive",
    ),
    Case(
        "arrives after the end",
        edit("bases = [", "arrive = 2024-05-01\nbases = ["),
        ["foreign.wagner.arrive"],
        "is outside 2023-10-01..2023-10-31",
    ),
    Case(
        "event after the end",
        edit("date = 2023-10-02", "date = 2025-01-01"),
        ["events.0.date"],
        "is outside",
    ),
    # --- names that do not exist: towns, forces, zones, kinds, event types -----------------
    Case(
        "unknown town in deploy",
        edit("deploy = { kidal = 800 }", "deploy = { kidall = 800 }"),
        ["factions.separatists.deploy.kidall"],
        "unknown town",
    ),
    Case(
        "unknown base",
        edit('bases = ["gao", "sevare"]', 'bases = ["gao", "paris"]'),
        ["foreign.wagner.bases.1"],
        "unknown town",
    ),
    Case(
        "a base closed that the force does not have",
        add('[[events]]\ndate = 2023-10-10\ntype = "depart"\nactor = "wagner"\ntarget = "kidal"'),
        ["events.1.target"],
        "not one of wagner's bases",
    ),
    Case(
        "unknown offensive target",
        edit('target = "kidal"', 'target = "atlantis"'),
        ["events.0.target"],
        "unknown town",
    ),
    Case(
        "unknown ally",
        edit('allies = ["wagner"]', 'allies = ["france"]'),
        ["events.0.allies"],
        "unknown actor 'france'",
    ),
    Case(
        "unknown event actor",
        edit('actor = "state"', 'actor = "mnla"'),
        ["events.0.actor"],
        "expected one of",
    ),
    Case(
        "unknown event type",
        edit('type = "offensive"', 'type = "invasion"'),
        ["events.0.type"],
        "'coup', 'offensive'",
    ),
    Case(
        "offensive without a target", edit('target = "kidal"\n', ""), ["events.0"], "needs target"
    ),
    Case(
        "a removed field: zones",
        edit("recruit_rate = 0.002\n", 'recruit_rate = 0.002\nzones = ["north"]\n'),
        ["factions.separatists"],
        "removed in model 0.8.0",
    ),
    Case(
        "aircraft for an insurgent",
        edit("recruit_rate = 0.001\n", "recruit_rate = 0.001\nair_support = 0.3\n"),
        ["factions.jihadists.air_support"],
        "only the state has aircraft",
    ),
    Case(
        "the state's air support with no air base",
        edit("aggression = 0.7\n", "aggression = 0.7\nair_support = 0.3\n"),
        ["factions.state.air_support"],
        "needs air_bases",
    ),
    Case(
        "an air base that is not a town",
        edit("aggression = 0.7\n", 'aggression = 0.7\nair_support = 0.3\nair_bases = ["mu"]\n'),
        ["factions.state.air_bases.0"],
        "unknown town",
    ),
    Case(
        "unknown kind of force",
        edit('kind = "contractor"', 'kind = "mercenary"'),
        ["foreign.wagner.kind"],
        "'contractor', 'expeditionary' or 'peacekeeping'",
    ),
    Case(
        "foreign force named like a faction",
        edit("[foreign.wagner]", "[foreign.state]").replace('["wagner"]', "[]"),
        ["foreign"],
        "not a faction id",
    ),
    Case(
        "set event with a bad value",
        add(
            '[[events]]\ndate = 2023-10-05\ntype = "set"\n'
            'parameter = "foreign.wagner.commitment"\nvalue = "abc"'
        ),
        ["events.1.value"],
        "valid number",
    ),
    Case(
        "set event out of range",
        add(
            '[[events]]\ndate = 2023-10-05\ntype = "set"\n'
            'parameter = "foreign.wagner.commitment"\nvalue = 5'
        ),
        ["events.1.value"],
        "less than or equal to 1",
    ),
    Case(
        "set event: a list for a number",
        add(
            '[[events]]\ndate = 2023-10-05\ntype = "set"\n'
            'parameter = "foreign.wagner.commitment"\nvalue = ["north"]'
        ),
        ["events.1.value"],
        "valid number",
    ),
    Case(
        "set event on the removed zones",
        add(
            '[[events]]\ndate = 2023-10-05\ntype = "set"\n'
            'parameter = "factions.jihadists.zones"\nvalue = ["north", "mars"]'
        ),
        ["events.1.parameter"],
        "unknown parameter",
    ),
    Case(
        "set event on an unknown parameter",
        add('[[events]]\ndate = 2023-10-05\ntype = "set"\nparameter = "wagner.mood"\nvalue = 1'),
        ["events.1.parameter"],
        "unknown parameter",
    ),
    Case(
        "coup with a word for popularity",
        add('[[events]]\ndate = 2023-10-05\ntype = "coup"\nvalue = "high"'),
        ["events.1"],
        "expected 0-1",
    ),
    Case(
        "negative arrival",
        add('[[events]]\ndate = 2023-10-05\ntype = "arrive"\nactor = "wagner"\nvalue = -50'),
        ["events.1"],
        "whole number >= 0",
    ),
    Case(
        "reorganisation into an unknown force",
        add(
            '[[events]]\ndate = 2023-10-05\ntype = "reorganise"\nactor = "wagner"\nvalue = "corps"'
        ),
        ["events.1.value"],
        "unknown foreign force",
    ),
    Case(
        "reorganisation without the force it becomes",
        add('[[events]]\ndate = 2023-10-05\ntype = "reorganise"\nactor = "wagner"'),
        ["events.1"],
        "needs value",
    ),
    Case(
        "offensive with a word for its men",
        add(
            '[[events]]\ndate = 2023-10-05\ntype = "offensive"\nactor = "state"\n'
            'target = "kidal"\nvalue = "many"'
        ),
        ["events.1"],
        "whole number >= 0",
    ),
    Case(
        "name that climbs out of results/",
        edit('name = "small"', 'name = "../../etc"'),
        ["scenario.name"],
        "should match pattern",
    ),
    Case(
        "name with a slash",
        edit('name = "small"', 'name = "a/b"'),
        ["scenario.name"],
        "should match pattern",
    ),
    # --- several problems at once: one line each -----------------------------------------
    Case(
        "two problems",
        edit("commitment = 0.6", "commitment = 1.6").replace(
            "risk_tolerance = 0.8", "risk_tolerance = -1"
        ),
        ["foreign.wagner.commitment", "foreign.wagner.risk_tolerance"],
        "less than or equal",
    ),
    # --- the command line: --set, --runs, --workers, --seed ---------------------------------
    Case(
        "--set unknown name",
        SMALL_TOML,
        ["foreign.wagner.comitment"],
        "unknown parameter",
        ["--set", "foreign.wagner.comitment=0.3"],
    ),
    Case(
        "--set unknown force",
        SMALL_TOML,
        ["foreign.france.commitment"],
        "unknown parameter",
        ["--set", "foreign.france.commitment=0.3"],
    ),
    Case(
        "--set a whole section",
        SMALL_TOML,
        ["foreign.wagner"],
        "unknown parameter",
        ["--set", "foreign.wagner=1"],
    ),
    Case(
        "--set a word for a number",
        SMALL_TOML,
        ["foreign.wagner.commitment"],
        "valid number",
        ["--set", "foreign.wagner.commitment=high"],
    ),
    Case(
        "--set out of range",
        SMALL_TOML,
        ["foreign.wagner.commitment"],
        "less than or equal to 1",
        ["--set", "foreign.wagner.commitment=2"],
    ),
    Case(
        "--set NaN",
        SMALL_TOML,
        ["foreign.wagner.commitment"],
        "finite number",
        ["--set", "foreign.wagner.commitment=nan"],
    ),
    Case(
        "--set without =",
        SMALL_TOML,
        ["--set"],
        "expected NAME=VALUE",
        ["--set", "foreign.wagner.commitment"],
    ),
    Case(
        "--set a town that does not exist",
        SMALL_TOML,
        ["factions.state.deploy.atlantis"],
        "unknown town",
        ["--set", "factions.state.deploy.atlantis=100"],
    ),
    Case("--runs 0", SMALL_TOML, ["--runs"], "expected a whole number >= 1", ["--runs", "0"]),
    Case(
        "--runs negative", SMALL_TOML, ["--runs"], "expected a whole number >= 1", ["--runs", "-3"]
    ),
    Case(
        "--workers 0", SMALL_TOML, ["--workers"], "expected a whole number >= 1", ["--workers", "0"]
    ),
    Case(
        "--seed negative", SMALL_TOML, ["--seed"], "expected a whole number >= 0", ["--seed", "-1"]
    ),
    Case(
        "--runs 0 and a bad file",
        edit("commitment = 0.6", "commitment = 7"),
        ["--runs", "foreign.wagner.commitment"],
        "less than or equal to 1",
        ["--runs", "0"],
    ),
]

FILE_CASES = [c for c in CORPUS if not c.args]


def materialise(case: Case, folder: Path) -> Path:
    """Write a case's input file under ``folder`` and return its path."""
    path = folder / (case.id.replace(" ", "_").replace("/", "_").strip("-") + ".toml")
    if case.content is None:
        return path
    if case.content == "DIR":
        path.mkdir()
    elif isinstance(case.content, bytes):
        path.write_bytes(case.content)
    else:
        path.write_text(case.content, encoding="utf-8")
    return path


def assert_refused(case: Case, path: Path, status: int, stdout: str, stderr: str) -> None:
    """The contract for bad input: status 2, one line per problem, file and field named."""
    assert status == 2, f"{case.id}: exit {status}\n{stdout}\n{stderr}"
    assert "Traceback" not in stderr + stdout
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert all(line.startswith("error: ") for line in lines), stderr
    expected = case.fields or [None]
    assert len(lines) == len(expected), f"{case.id}: one line per problem expected:\n{stderr}"
    for field_name in case.fields:
        assert any(
            line.startswith(f"error: {field_name}:") or f"{path}: {field_name}:" in line
            for line in lines
        ), (field_name, stderr)
    file_lines = [line for line in lines if not line.startswith("error: --")]
    assert all(line.startswith(f"error: {path}: ") for line in file_lines), stderr
    assert case.says in stderr, f"{case.id}: expected {case.says!r} in\n{stderr}"


def test_the_corpus_is_large_and_every_case_is_distinct():
    assert len(CORPUS) >= 40
    assert len({c.id for c in CORPUS}) == len(CORPUS)
    assert len({(repr(c.content), tuple(c.args)) for c in CORPUS}) == len(CORPUS)


def test_the_small_scenario_itself_runs(tmp_path):
    path = tmp_path / "small.toml"
    path.write_text(SMALL_TOML)
    result = CliRunner().invoke(
        app, ["run", str(path), "--runs", "1", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "o" / "manifest.json").exists()


@pytest.mark.parametrize("case", CORPUS, ids=[c.id for c in CORPUS])
def test_malisim_run_refuses_bad_input_and_writes_nothing(case, tmp_path):
    path = materialise(case, tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["run", str(path), "--runs", "1", "--out", str(out), *case.args]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert_refused(case, path, result.exit_code, result.stdout, result.stderr)
    assert not out.exists(), "nothing may be written for bad input"


def test_malisim_check_in_a_real_process_lists_every_problem_of_every_file(tmp_path):
    paths = [materialise(case, tmp_path) for case in FILE_CASES]
    proc = subprocess.run(
        [MALISIM, "check", *map(str, paths)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        env={**os.environ, "COLUMNS": "300"},
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.stdout.strip() == "", "no file of the corpus may pass the check"
    lines = proc.stderr.splitlines()
    for case, path in zip(FILE_CASES, paths, strict=True):
        mine = "\n".join(line for line in lines if line.startswith(f"error: {path}: "))
        assert_refused(case, path, 2, "", mine)
    assert sorted(os.listdir(tmp_path)) == sorted(p.name for p in paths if p.exists())


REAL_PROCESS = ["binary file", "NaN", "--set unknown name", "--runs 0"]


@pytest.mark.parametrize("case_id", REAL_PROCESS)
def test_malisim_run_in_a_real_process_shows_no_traceback(case_id, tmp_path):
    case = next(c for c in CORPUS if c.id == case_id)
    path = materialise(case, tmp_path)
    proc = subprocess.run(
        [MALISIM, "run", str(path), "--runs", "1", *case.args],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # the default output folder, results/<name>/, would land here
        timeout=120,
        env={**os.environ, "COLUMNS": "300"},
    )
    assert_refused(case, path, proc.returncode, proc.stdout, proc.stderr)
    assert not (tmp_path / "results").exists()


def test_a_non_number_for_runs_is_a_usage_error_without_traceback(tmp_path):
    path = tmp_path / "small.toml"
    path.write_text(SMALL_TOML)
    result = CliRunner().invoke(
        app, ["run", str(path), "--runs", "many", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert "--runs" in result.stderr and "integer" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "o").exists()


# --- broken sweep files (``malisim sweep``): the sweep file, or the base scenario it names --------

GOOD_SWEEP = """\
[sweep]
name = "cxr"
base = "base.toml"
design = "grid"
replicates = 2
seed = 1

[parameters]
"foreign.wagner.commitment" = [0.2, 0.8]
"foreign.wagner.risk_tolerance" = { min = 0.1, max = 0.9, levels = 2 }
"""


def sweep_edit(old: str, new: str) -> str:
    """The good sweep with ``old`` replaced by ``new``."""
    assert old in GOOD_SWEEP, f"corpus out of date: {old!r} not in the sweep"
    return GOOD_SWEEP.replace(old, new, 1)


@dataclass
class SweepCase:
    """A broken sweep: its text, its base scenario's text, and (file, field) of each problem.

    ``file`` is ``sweep``, ``base`` (the base scenario) or a literal file name; ``lines`` is
    the exact number of error lines when a problem repeats over design points.
    """

    id: str
    text: str
    problems: list[tuple[str, str]]
    says: str
    base: str = SMALL_TOML
    lines: int | None = None


SWEEP_CORPUS = [
    SweepCase(
        "sweep: syntax error",
        sweep_edit("[parameters]", "[parameters"),
        [("sweep", "TOML syntax error")],
        "line 8",
    ),
    SweepCase(
        "sweep: no [parameters]",
        GOOD_SWEEP.split("[parameters]")[0],
        [("sweep", "parameters")],
        "required field is missing",
    ),
    SweepCase(
        "sweep: misspelled [sweep]",
        sweep_edit("[sweep]", "[swep]"),
        [("sweep", "sweep"), ("sweep", "swep")],
        "unknown field",
    ),
    SweepCase(
        "sweep: misspelled key",
        sweep_edit("replicates", "replicate"),
        [("sweep", "sweep.replicates"), ("sweep", "sweep.replicate")],
        "unknown field",
    ),
    SweepCase(
        "sweep: base does not exist",
        sweep_edit("base.toml", "nowhere.toml"),
        [("sweep", "sweep.base"), ("nowhere.toml", "no such file")],
        "not usable",
    ),
    SweepCase(
        "sweep: base is broken",
        GOOD_SWEEP,
        [("sweep", "sweep.base"), ("base", "foreign.wagner.commitment")],
        "finite number",
        base=SMALL_TOML.replace("commitment = 0.6", "commitment = nan"),
    ),
    SweepCase(
        "sweep: unknown parameter",
        sweep_edit('"foreign.wagner.commitment"', '"foreign.wagner.comitment"'),
        [("sweep", 'parameters."foreign.wagner.comitment"')],
        "unknown parameter",
    ),
    SweepCase(
        "sweep: value out of range",
        sweep_edit("[0.2, 0.8]", "[0.2, 1.5]"),
        [("sweep", "foreign.wagner.commitment"), ("sweep", "parameters")],
        "less than or equal to 1",
        lines=3,
    ),
    SweepCase(
        "sweep: NaN in a list",
        sweep_edit("[0.2, 0.8]", "[0.2, nan]"),
        [("sweep", "foreign.wagner.commitment"), ("sweep", "parameters")],
        "finite number",
        lines=3,
    ),
    SweepCase(
        "sweep: min above max",
        sweep_edit("min = 0.1, max = 0.9", "min = 0.9, max = 0.1"),
        [("sweep", 'parameters."foreign.wagner.risk_tolerance"')],
        "must be greater than min",
    ),
    SweepCase(
        "sweep: zero replicates",
        sweep_edit("replicates = 2", "replicates = 0"),
        [("sweep", "sweep.replicates")],
        "greater than or equal to 1",
    ),
    SweepCase(
        "sweep: unknown design",
        sweep_edit('"grid"', '"random"'),
        [("sweep", "sweep.design")],
        "'grid', 'lhs' or 'sobol'",
    ),
    SweepCase(
        "sweep: lhs without samples",
        sweep_edit('"grid"', '"lhs"'),
        [("sweep", "sweep.samples")],
        "needs samples",
    ),
    SweepCase(
        "sweep: a billion points",
        sweep_edit("levels = 2", "levels = 10000").replace(
            "[0.2, 0.8]", "{ min = 0.0, max = 1.0, levels = 10000 }"
        ),
        [("sweep", "parameters")],
        "at most 100000",
    ),
    SweepCase(
        "sweep: name climbs out of results/",
        sweep_edit('"cxr"', '"../cxr"'),
        [("sweep", "sweep.name")],
        "should match pattern",
    ),
    SweepCase(
        "sweep: empty list of values",
        sweep_edit("[0.2, 0.8]", "[]"),
        [("sweep", 'parameters."foreign.wagner.commitment"')],
        "at least one value",
    ),
]


def test_the_sweep_corpus_is_distinct_and_the_whole_corpus_has_over_90_cases():
    assert len(CORPUS) + len(SWEEP_CORPUS) > 90
    assert len({c.id for c in SWEEP_CORPUS}) == len(SWEEP_CORPUS)
    assert len({(c.text, c.base) for c in SWEEP_CORPUS}) == len(SWEEP_CORPUS)


@pytest.mark.parametrize("case", SWEEP_CORPUS, ids=[c.id for c in SWEEP_CORPUS])
def test_malisim_sweep_refuses_broken_sweeps_and_writes_nothing(case, tmp_path):
    base = tmp_path / "base.toml"
    base.write_text(case.base)
    path = tmp_path / "sweep.toml"
    path.write_text(case.text)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["sweep", str(path), "--out", str(out)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert all(line.startswith("error: ") for line in lines), result.stderr
    assert len(lines) == (case.lines or len(case.problems)), result.stderr
    files = {"sweep": str(path), "base": str(base)}
    for file, field_name in case.problems:
        name = files.get(file, str(tmp_path / file))
        assert any(line.startswith(f"error: {name}: {field_name}") for line in lines), (
            file,
            field_name,
            result.stderr,
        )
    assert all(line.startswith(f"error: {tmp_path}/") for line in lines)  # each names a file
    assert case.says in result.stderr
    assert not out.exists()


# --- broken lens files (``malisim lenses --weights``, ``malisim check``) ------------------------

GOOD_LENSES = """\
[lenses]
description = "a small good lens file"

[western.jihadist_centre]
weight = 3
scale = 0.2

[western.own_dead]
weight = 1
scale = 10
forces = { france = 1.0 }

[bamako.population]
weight = 1
scale = 1

[patron.cost_of_dead]
weight = 2
scale = 25
kinds = { contractor = 0.2, expeditionary = 1.0 }
"""


def lens_edit(old: str, new: str) -> str:
    """The good lens file with ``old`` replaced by ``new``."""
    assert old in GOOD_LENSES, f"corpus out of date: {old!r} not in the lens file"
    return GOOD_LENSES.replace(old, new, 1)


LENS_CORPUS = [
    Case("lens: missing file", None, [], "no such file"),
    Case("lens: syntax error", lens_edit("[bamako.population]", "[bamako.population"), [], "line"),
    Case(
        "lens: no [lenses] table",
        GOOD_LENSES.replace('[lenses]\ndescription = "a small good lens file"\n', ""),
        ["lenses"],
        "required field is missing",
    ),
    Case(
        "lens: unknown term",
        lens_edit("[western.jihadist_centre]", "[western.jihadists_centre]"),
        ["western.jihadists_centre"],
        "unknown term; expected one of jihadist_centre",
    ),
    Case(
        "lens: misspelled weight",
        lens_edit("[bamako.population]\nweight", "[bamako.population]\nwieght"),
        ["bamako.population.weight", "bamako.population.wieght"],
        "unknown field",
    ),
    Case(
        "lens: negative weight",
        lens_edit("weight = 3", "weight = -3"),
        ["western.jihadist_centre.weight"],
        "greater than or equal to 0",
    ),
    Case(
        "lens: zero scale",
        lens_edit("scale = 0.2", "scale = 0"),
        ["western.jihadist_centre.scale"],
        "greater than 0",
    ),
    Case(
        "lens: NaN weight",
        lens_edit("weight = 2", "weight = nan"),
        ["patron.cost_of_dead.weight"],
        "finite number",
    ),
    Case(
        "lens: true for a weight",
        lens_edit("weight = 3", "weight = true"),
        ["western.jihadist_centre.weight"],
        "expected a number, not true/false",
    ),
    Case(
        "lens: per-kind weights missing",
        lens_edit("kinds = { contractor = 0.2, expeditionary = 1.0 }\n", ""),
        ["patron.cost_of_dead.kinds"],
        "required for this term",
    ),
    Case(
        "lens: unknown kind",
        lens_edit("contractor = 0.2", "army = 0.2"),
        ["patron.cost_of_dead.kinds.army"],
        "'contractor', 'expeditionary' or 'peacekeeping'",
    ),
    Case(
        "lens: per-force weights on a term that takes none",
        lens_edit("weight = 1\nscale = 1\n", "weight = 1\nscale = 1\nforces = { un = 1.0 }\n"),
        ["bamako.population.forces"],
        "takes no per-force weights",
    ),
    Case(
        "lens: a negative force weight",
        lens_edit("france = 1.0", "france = -1.0"),
        ["western.own_dead.forces.france"],
        "greater than or equal to 0",
    ),
    Case(
        "lens: every weight of a lens is 0",
        lens_edit("[bamako.population]\nweight = 1", "[bamako.population]\nweight = 0"),
        ["bamako"],
        "every weight is 0",
    ),
]


@pytest.fixture(scope="module")
def small_results(tmp_path_factory) -> Path:
    """A real run folder of the small scenario (one run) for the lens command to score."""
    folder = tmp_path_factory.mktemp("lens_results")
    path = folder / "small.toml"
    path.write_text(SMALL_TOML)
    done = CliRunner().invoke(app, ["run", str(path), "--runs", "1", "--out", str(folder / "r")])
    assert done.exit_code == 0, done.stderr
    return folder / "r"


def test_the_lens_corpus_is_distinct():
    assert len({c.id for c in LENS_CORPUS}) == len(LENS_CORPUS)
    assert len({repr(c.content) for c in LENS_CORPUS}) == len(LENS_CORPUS)


@pytest.mark.parametrize("case", LENS_CORPUS, ids=[c.id for c in LENS_CORPUS])
def test_malisim_lenses_refuses_a_broken_lens_file_and_writes_nothing(
    case, small_results, tmp_path
):
    path = materialise(case, tmp_path)
    before = sorted(p.name for p in small_results.iterdir())
    result = CliRunner().invoke(app, ["lenses", str(small_results), "--weights", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert_refused(case, path, result.exit_code, result.stdout, result.stderr)
    assert sorted(p.name for p in small_results.iterdir()) == before, "nothing may be written"


def test_malisim_check_lists_the_problems_of_every_broken_lens_file(tmp_path):
    cases = [c for c in LENS_CORPUS if c.content is not None]
    paths = [materialise(case, tmp_path) for case in cases]
    result = CliRunner().invoke(app, ["check", *map(str, paths)])
    assert result.exit_code == 2
    assert result.stdout.strip() == "", "no broken lens file may pass the check"
    for case, path in zip(cases, paths, strict=True):
        mine = "\n".join(
            line for line in result.stderr.splitlines() if line.startswith(f"error: {path}: ")
        )
        assert_refused(case, path, 2, "", mine)


def test_the_good_lens_file_and_the_model_s_own_pass_the_check(tmp_path):
    path = tmp_path / "good.toml"
    path.write_text(GOOD_LENSES)
    result = CliRunner().invoke(app, ["check", str(path), "lenses/default.toml"])
    assert result.exit_code == 0, result.stderr
