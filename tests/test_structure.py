"""The layout stays readable: a short model file, no god class or module, no import cycle.

The limits of issue 13 (CONVENTIONS.md, "What that means here"): ``sim/model.py`` is wiring and
the schedule (under 300 lines); no class in ``sim/`` over 400 lines; no module over 800; no cycle
among the modules' run-time imports (imports inside functions and under ``TYPE_CHECKING`` are
not run at import time, so they do not count); the model core never imports a layer.
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

SIM = Path(__file__).resolve().parent.parent / "sim"
CORE = (
    "sim.model",
    "sim.agents",
    "sim.war",
    "sim.combat",
    "sim.politics",
    "sim.society",
    "sim.communities",
    "sim.lenses",
)
LAYERS = (
    "sim.cli",
    "sim.analysis",
    "sim.validate",
    "sim.calibrate",
    "sim.sweep",
    "sim.ensemble",
    "sim.app",
    "sim.io",
    "sim.lock",
)
"""Everything around the core: running, storing, analysing, showing (README.md, "Layout")."""


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name."""
    out = {}
    for path in sorted(SIM.rglob("*.py")):
        parts = path.relative_to(SIM.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def runtime_imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules a module imports at import time (top level, not TYPE_CHECKING)."""
    tree = ast.parse(path.read_text())
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for sub in ast.walk(node) if not isinstance(node, ast.FunctionDef | ast.ClassDef) else ():
            if isinstance(sub, ast.Import):
                found |= {a.name for a in sub.names}
            elif isinstance(sub, ast.ImportFrom):
                base = sub.module or ""
                if sub.level:
                    base = ".".join(package.split(".")[: len(package.split(".")) - sub.level + 1])
                    base = f"{base}.{sub.module}" if sub.module else base
                found.add(base)
                found |= {f"{base}.{a.name}" for a in sub.names}
    return {m for m in found if m in known and m != name}


def class_sizes(path: Path) -> dict[str, int]:
    tree = ast.parse(path.read_text())
    return {
        node.name: node.end_lineno - node.lineno + 1
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
    }


def test_the_model_file_is_wiring_and_the_schedule():
    lines = len((SIM / "model.py").read_text().splitlines())
    assert lines < 300, f"sim/model.py has {lines} lines (limit 300)"


@pytest.mark.parametrize("name", sorted(modules()))
def test_no_module_is_over_800_lines_nor_any_class_over_400(name):
    path = modules()[name]
    lines = len(path.read_text().splitlines())
    assert lines <= 800, f"{name} has {lines} lines (limit 800)"
    for cls, size in class_sizes(path).items():
        assert size <= 400, f"{name}.{cls} has {size} lines (limit 400)"


def test_no_import_cycle_among_the_package_s_modules_at_run_time():
    found = modules()
    graph = {name: runtime_imports(name, path, set(found)) for name, path in found.items()}
    graphlib.TopologicalSorter(graph).prepare()  # raises CycleError naming the cycle


def test_the_model_core_never_imports_a_layer():
    found = modules()
    for name, path in found.items():
        if not name.startswith(CORE):
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):  # function bodies too: the core may not call a layer at all
            imported = []
            if isinstance(node, ast.Import):
                imported = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported = [node.module]
            for module in imported:
                assert not module.startswith(LAYERS), f"core module {name} imports {module}"


def test_the_cycle_check_can_fail():
    graph = {"a": {"b"}, "b": {"a"}}
    with pytest.raises(graphlib.CycleError):
        graphlib.TopologicalSorter(graph).prepare()


def test_the_architecture_document_draws_the_code_as_it_is():
    import subprocess
    import sys

    tool = SIM.parent / "tools" / "architecture.py"
    proc = subprocess.run([sys.executable, str(tool), "--check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
