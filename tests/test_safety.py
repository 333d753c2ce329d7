"""Scenario files are data, not code, and results stay inside their output folder.

A scenario is read with ``tomllib`` and validated with pydantic: no string in it is evaluated,
formatted or used as a path, except the scenario's ``name``, which must be a plain slug. The web
app's own test (``tests/test_app.py``) checks that ``malisim viz`` listens on 127.0.0.1; here we
check the default the command line gives it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from small_scenario import SMALL_TOML
from typer.testing import CliRunner

from sim.cli import app
from sim.lock import LOCK_FILE
from sim.scenario import load_scenario, to_toml

MALISIM = str(Path(sys.executable).parent / "malisim")


def tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def code_in_every_string(marker: Path) -> str:
    """The small scenario with Python, shell and template code in every free-text field."""
    payloads = [
        f"__import__('os').system('touch {marker}')",
        f"$(touch {marker})",
        f"`touch {marker}`",
        "{0.__class__.__mro__[1].__subclasses__()}",
        "${HOME} %(name)s {{ config }}",
    ]
    text = SMALL_TOML.replace(
        'name = "small"',
        'name = "small"\n'
        f"title = {payloads[0]!r}\n"
        f'description = "{payloads[1]}\\n{payloads[2]}\\n{payloads[3]}\\n\\"quoted\\" [x]"',
    )
    return text.replace('allies = ["wagner"]', f'allies = ["wagner"]\nnote = "{payloads[4]}"')


def test_code_in_a_scenario_is_kept_as_text_and_never_run(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "code.toml"
    path.write_text(code_in_every_string(marker))
    scenario = load_scenario(path)
    assert scenario.scenario.title.startswith("__import__('os')")
    assert "$(touch" in scenario.scenario.description
    result = CliRunner().invoke(
        app, ["run", str(path), "--runs", "1", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 0, result.stderr
    assert not marker.exists()
    # The resolved scenario.toml in the results keeps the text verbatim and reads back equal.
    resolved = load_scenario(tmp_path / "o" / "scenario.toml")
    assert resolved == scenario
    assert to_toml(resolved) == (tmp_path / "o" / "scenario.toml").read_text()


def test_a_scenario_cannot_inject_sections_through_a_string(tmp_path):
    path = tmp_path / "inject.toml"
    path.write_text(
        SMALL_TOML.replace(
            'name = "small"', 'name = "small"\ntitle = "x\\"\\n[foreign.evil]\\nkind = \\"y"'
        )
    )
    scenario = load_scenario(path)
    assert list(scenario.foreign) == ["wagner"]
    (tmp_path / "again.toml").write_text(to_toml(scenario))
    assert list(load_scenario(tmp_path / "again.toml").foreign) == ["wagner"]


def test_a_name_that_climbs_out_of_results_is_refused_and_nothing_is_written(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    (work / "evil.toml").write_text(SMALL_TOML.replace('name = "small"', 'name = "../../etc"'))
    before = tree(tmp_path)
    proc = subprocess.run(
        [MALISIM, "run", "evil.toml", "--runs", "1"], cwd=work, capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "scenario.name" in proc.stderr and "Traceback" not in proc.stderr
    assert tree(tmp_path) == before


def test_a_run_writes_only_inside_its_output_folder(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    (work / "small.toml").write_text(SMALL_TOML)
    before = tree(tmp_path)
    proc = subprocess.run(
        [MALISIM, "run", "small.toml", "--runs", "1"], cwd=work, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    new = tree(tmp_path) - before
    assert new and all(p.startswith("work/results") for p in new), sorted(new)
    assert sorted(p for p in new if p.count("/") == 3) == [
        f"work/results/small/{f}"
        for f in sorted(
            [
                "events.parquet",
                "manifest.json",
                "runs.parquet",
                "scenario.toml",
                "timeseries.parquet",
                LOCK_FILE,  # empty: the operating system's lock on it is released with the run
            ]
        )
    ]


def test_the_web_app_listens_on_127_0_0_1_unless_told_otherwise(monkeypatch):
    """``malisim viz`` becomes solara bound to 127.0.0.1 (the server itself: tests/test_app.py)."""
    import os
    import socket

    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    started = []
    monkeypatch.setattr(os, "execve", lambda path, command, env: started.append(command))
    result = CliRunner().invoke(app, ["viz", "--port", str(port)])
    assert result.exit_code == 0, result.stderr
    (command,) = started
    assert command[command.index("--host") + 1] == "127.0.0.1"
    assert f"http://127.0.0.1:{port}/" in result.stderr
