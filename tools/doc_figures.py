"""Every figure a document quotes agrees with the file it comes from.

A measured figure in README.md or docs/*.md (a time, a ratio, a result of runs, a count of the
project's own things) is written with a marker right after it that names where it comes from::

    covers 82.5%<!-- figure: benchmarks/results/calibration_recovery.json#coverage_90 | % -->
    C6a: 38%<!-- figure: benchmarks/results/validation.md#C6a/ensemble gave --> of runs
    73 places<!-- figure: sim/data/towns.csv#rows -->

The figure is the last number before the marker on its line; it must equal the source's value
rounded to the decimals the document prints. A marker with a comparison checks a figure stated
in words instead (``under a fifth<!-- figure: FILE#KEY | < 0.2 -->``). Sources:

- ``FILE.json#a.b.0.c``, ``FILE.toml#a.b``: a value by its path (list items by index; ``len``
  as the last step counts items; ``a/0.2/b`` when a key holds a dot);
- ``FILE.csv#rows``: its data rows; ``FILE.csv#COLUMN=VALUE/COLUMN``: a cell;
- ``FILE.md#ROW/COLUMN[/N]``: a cell of a Markdown table, by the text of the row's first cell
  and the column's header (the cell's N-th number, default the first);
- ``ANY FILE#~REGEX``: the first group of a regular expression in the file's text;
- ``fact:NAME``: a count of the project's own things, computed from the tree (``FACTS`` below).

Options after ``|``: ``%`` (the value is a share, printed in percent), ``*K`` or ``/K`` (scale
by a constant, or by another value of the same file: ``/@simulations``), or a comparison
(``< K``, ``<= K``, ``> K``, ``>= K``) for a figure in words.

A terminal transcript or a table is backed as a whole: ``<!-- output: FILE -->`` on the line
before a code block or a Markdown table means that every line of it (except ``...``) is a line
of FILE, in the same order (rows may be left out).

    python tools/doc_figures.py          # every figure: the document's, the file's, agree?
"""

from __future__ import annotations

import csv
import json
import operator
import re
import sys
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

MARKER = re.compile(r"<!--\s*figure:\s*(?P<source>[^|]+?)\s*(?:\|\s*(?P<options>.*?))?\s*-->")
OUTPUT = re.compile(r"<!--\s*output:\s*(?P<source>\S+)\s*-->")
NUMBER = re.compile(r"(?:(?<![^\s(\[|:=])[-+])?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
"""A number as documents print it (1,020; -0.03; 45 of 45%); a dash between two is not a sign."""
COMPARE = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def documents() -> list[Path]:
    """The texts whose figures are checked: the README and every page of docs/."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _days(path: str) -> int:
    from sim.scenario import load_scenario

    settings = load_scenario(ROOT / path).scenario
    return (settings.end - settings.start).days + 1


def _criteria() -> int:
    from sim.validate.criteria import CRITERIA

    return len(CRITERIA)


def _sweep(path: str, what: str) -> int:
    from sim.sweep import load_sweep

    sweep = load_sweep(ROOT / path)
    points, replicates = len(sweep.design), sweep.settings.replicates
    return {"points": points, "replicates": replicates, "runs": points * replicates}[what]


FACTS: dict[str, Callable[..., float]] = {
    "days": _days,
    "criteria": _criteria,
    "sweep_points": lambda path: _sweep(path, "points"),
    "sweep_replicates": lambda path: _sweep(path, "replicates"),
    "sweep_runs": lambda path: _sweep(path, "runs"),
}
"""Counts of the project's own things, computed from the tree: ``fact:NAME`` or
``fact:NAME:ARGUMENT`` (``fact:days:scenarios/history_2012_2025.toml``)."""


@dataclass
class Problem:
    """A figure that does not agree with its source, or a marker that cannot be read."""

    doc: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.doc.relative_to(ROOT)}:{self.line}: {self.message}"


def _step(value: Any, step: str) -> Any:
    if step == "len":
        return len(value)
    if isinstance(value, list):
        return value[int(step)]
    return value[step]


def _table_cell(text: str, row: str, column: str, nth: int) -> float:
    header: list[str] | None = None
    for line in text.splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
            continue
        if cells[0].strip("`*") == row and column in header:
            numbers = NUMBER.findall(cells[header.index(column)])
            return _number(numbers[nth])
    raise KeyError(f"no row {row!r} with a column {column!r}")


def _csv_value(path: Path, key: str) -> float:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if key == "rows":
        return len(rows)
    where, column = key.split("/", 1)
    name, wanted = where.split("=", 1)
    for row in rows:
        if row[name] == wanted:
            return float(row[column])
    raise KeyError(f"no row with {name} = {wanted}")


def source_value(source: str) -> float:
    """The value a marker's source names (a file and a key, or ``fact:NAME``)."""
    if source.startswith("fact:"):
        name, *argument = source.removeprefix("fact:").split(":", 1)
        return float(FACTS[name](*argument))
    name, _, key = source.partition("#")
    path = ROOT / name
    text = path.read_text(encoding="utf-8")
    if key.startswith("~"):
        return _number(re.search(key[1:], text, re.MULTILINE).group(1))
    if path.suffix == ".csv":
        return _csv_value(path, key)
    if path.suffix == ".md":
        row, column, *nth = key.split("/")
        return _table_cell(text, row, column, int(nth[0]) if nth else 0)
    value: Any = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    for step in key.split("/") if "/" in key else key.split("."):
        value = _step(value, step)
    return float(value)


def _number(token: str) -> float:
    return float(token.replace(",", ""))


def _decimals(token: str) -> int:
    return len(token.split(".", 1)[1]) if "." in token else 0


def check_figure(before: str, source: str, options: str) -> str | None:
    """Why the figure at the end of ``before`` disagrees with ``source``, or None."""
    value = source_value(source)
    for option in options.split():
        if option == "%":
            value *= 100
        elif option[0] in "*/" and len(option) > 1:
            # a constant, or @KEY: another value of the same file (seconds / @simulations)
            by = option[1:]
            by = source_value(source.split("#")[0] + "#" + by[1:]) if by[0] == "@" else float(by)
            value = value * by if option[0] == "*" else value / by
    comparison = re.fullmatch(r"(<=|>=|<|>)\s*([-+\d.]+)", options.replace("%", "").strip())
    if comparison:
        if not COMPARE[comparison.group(1)](value, float(comparison.group(2))):
            return f"{source} is {value:g}, not {comparison.group(1)} {comparison.group(2)}"
        return None
    tokens = NUMBER.findall(before)
    if not tokens:
        return f"no figure before the marker of {source}"
    token = tokens[-1]
    printed = _number(token)
    if abs(printed - value) > 0.5 * 10 ** -_decimals(token) * (1 + 1e-9):
        return f"says {token}, and {source} gives {value:g}"
    return None


def _code_block(lines: list[str], start: int) -> list[str]:
    """The code block or Markdown table at or after ``lines[start]`` (blank lines skipped)."""
    i = start
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i < len(lines) and lines[i].startswith("|"):
        end = next((j for j in range(i, len(lines)) if not lines[j].startswith("|")), len(lines))
        return lines[i:end]
    if i < len(lines) and lines[i].lstrip().startswith("```"):
        end = next(j for j in range(i + 1, len(lines)) if lines[j].lstrip().startswith("```"))
        return lines[i + 1 : end]
    block = []
    while i < len(lines) and (lines[i].startswith("    ") or not lines[i].strip()):
        block.append(lines[i])
        i += 1
    while block and not block[-1].strip():
        block.pop()
    indent = min(len(b) - len(b.lstrip()) for b in block if b.strip()) if block else 0
    return [b[indent:] for b in block]


def check_output(block: list[str], source: str) -> str | None:
    """Why a transcript is not the file's, or None: its lines must be the file's, in order."""
    have = [line.rstrip() for line in (ROOT / source).read_text(encoding="utf-8").splitlines()]
    at = 0
    for line in block:
        line = line.rstrip()
        if line.strip() in ("", "..."):
            continue
        try:
            at = have.index(line, at) + 1
        except ValueError:
            return f"the transcript's line {line.strip()!r} is not in {source} (in this order)"
    return None


def problems(doc: Path, text: str | None = None) -> Iterator[Problem]:
    """Every figure of ``doc`` that disagrees with its source, and every unreadable marker."""
    lines = (doc.read_text(encoding="utf-8") if text is None else text).splitlines()
    for n, line in enumerate(lines, 1):
        for match in MARKER.finditer(line):
            try:
                why = check_figure(line[: match.start()], match["source"], match["options"] or "")
            except (OSError, KeyError, IndexError, ValueError, AttributeError, TypeError) as exc:
                why = f"cannot read {match['source']}: {type(exc).__name__}: {exc}"
            if why:
                yield Problem(doc, n, why)
        for match in OUTPUT.finditer(line):
            try:
                why = check_output(_code_block(lines, n), match["source"])
            except OSError as exc:
                why = f"cannot read {match['source']}: {exc}"
            if why:
                yield Problem(doc, n, why)


def main() -> int:
    """Print every problem of every document; exit 1 if there is one."""
    found = [p for doc in documents() for p in problems(doc)]
    for problem in found:
        print(problem)
    texts = [d.read_text(encoding="utf-8") for d in documents()]
    markers = sum(len(MARKER.findall(t)) + len(OUTPUT.findall(t)) for t in texts)
    print(f"{markers} markers in {len(texts)} documents; {len(found)} disagree")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
