"""Every measured figure the README and docs/ quote agrees with the file they name.

A figure is written with a marker naming its source (``tools/doc_figures.py`` says how); this
reads every document, finds each marker, loads the file and compares. Times have no other
place to come from: any time a document states carries a marker. Counts of the project's own
things are computed from the tree.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import script

ROOT = Path(__file__).resolve().parent.parent


figures = script("tools/doc_figures.py")


@pytest.mark.parametrize("doc", figures.documents(), ids=lambda p: p.name)
def test_every_figure_a_document_quotes_agrees_with_the_file_it_names(doc):
    found = [str(p) for p in figures.problems(doc)]
    assert not found, "\n".join(found)


def test_the_documents_back_their_figures_with_markers():
    texts = {doc.name: doc.read_text() for doc in figures.documents()}
    for name in ("README.md", "PERFORMANCE.md", "CALIBRATION.md", "ANALYSIS.md", "OUTPUTS.md"):
        assert figures.MARKER.search(texts[name]) or figures.OUTPUT.search(texts[name]), name


def check(text: str) -> list[str]:
    return [p.message for p in figures.problems(ROOT / "README.md", text)]


def test_a_figure_that_differs_from_its_file_is_found(tmp_path):
    # A file of its own, so that the test does not move when a benchmark is run again.
    (tmp_path / "recovery.json").write_text('{"coverage_90": 0.825}', encoding="utf-8")
    source = str(tmp_path / "recovery.json")
    assert check(f"covers 82.5%<!-- figure: {source}#coverage_90 | % --> of truths") == []
    assert check(f"covers 0.83<!-- figure: {source}#coverage_90 --> of truths") == []
    wrong = check(f"covers 85%<!-- figure: {source}#coverage_90 | % --> of truths")
    assert wrong == [f"says 85, and {source}#coverage_90 gives 82.5"]
    assert check(f"most<!-- figure: {source}#coverage_90 | > 0.8 -->") == []
    assert check(f"most<!-- figure: {source}#coverage_90 | > 0.9 -->") != []
    assert "cannot read" in check("1<!-- figure: no/such.json#a -->")[0]
    assert "cannot read" in check(f"1<!-- figure: {source}#no_key -->")[0]


def test_a_cell_of_a_markdown_table_and_a_count_of_rows_are_read():
    validation = "benchmarks/results/validation_40runs_model_0.4.0.md"
    assert figures.source_value(f"{validation}#C6a/ensemble gave") == 38
    assert figures.source_value(f"{validation}#C6a/95% interval/1") == 53
    assert figures.source_value("sim/data/towns.csv#rows") == len(
        (ROOT / "sim" / "data" / "towns.csv").read_text().splitlines()[1:]
    )


def test_a_transcript_must_be_the_file_s_lines_in_order():
    source = "benchmarks/results/validation_40runs_model_0.4.0.md"
    lines = (ROOT / source).read_text().splitlines()
    good = f"<!-- output: {source} -->\n\n    {lines[0]}\n    ...\n    {lines[-1]}\n"
    assert check(good) == []
    swapped = f"<!-- output: {source} -->\n```\n{lines[-1]}\n{lines[0]}\n```\n"
    assert "is not in" in check(swapped)[0]


# A time a document states: a number and a unit of time (or of memory, measured as times are).
TIME = re.compile(r"\b\d[\d,.]*\s?(?:ms|s|seconds|minutes|min|hours|MB|KB)\b")


def prose(text: str) -> list[tuple[int, str]]:
    """The lines of a Markdown text outside code blocks, numbered from 1."""
    out, fenced, code, blank = [], False, False, True
    for n, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if line.startswith("    ") and (blank or code):
            code = True  # an indented code block starts after a blank line
        elif line.strip():
            code = False
        blank = not line.strip() or bool(re.fullmatch(r"\s*<!--.*-->\s*", line))
        if not fenced and not code:
            out.append((n, line))
    return out


@pytest.mark.parametrize("doc", figures.documents(), ids=lambda p: p.name)
def test_every_time_a_document_states_names_its_source(doc):
    unbacked = []
    for n, line in prose(doc.read_text()):
        for match in TIME.finditer(line):
            rest = line[match.end() :]
            if not re.match(r"[^\d<]{0,40}<!-- figure:", rest):
                unbacked.append(f"{doc.name}:{n}: {match.group(0)!r} in {line.strip()[:90]!r}")
    assert not unbacked, "times with no source:\n" + "\n".join(unbacked)


def test_the_time_check_finds_a_bare_time():
    assert [m.group(0) for _, line in prose("a run takes 8.5 s\n") for m in TIME.finditer(line)]
    assert prose("text\n\n    $ malisim run (8.5 s)\n") == [(1, "text"), (2, "")]
