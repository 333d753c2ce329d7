"""One self-contained HTML page of a results folder, to send to a colleague.

The page holds the summary table (``sim.analysis.summary``), every figure of ``malisim plot``
embedded as a base64 PNG, the scenario's dated events and its parameters by dotted name: no
external file, script or style sheet, so it opens the same anywhere, offline.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
from pathlib import Path

from sim.analysis.summary import summary_rows
from sim.scenario import Scenario
from sim.scenario.describe import event_rows, parameter_sections
from sim.tables import Results

STYLE = """
body { font-family: sans-serif; max-width: 70em; margin: 2em auto; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.2em 0.6em; text-align: left; }
td.n { text-align: right; }
img { max-width: 100%; margin: 0.5em 0 1.5em; }
.note { color: #555; }
"""


def table_html(header: list[str], rows, numeric: tuple[int, ...] = ()) -> str:
    """An HTML table; the columns in ``numeric`` right-aligned."""
    out = ["<table>", "<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr>"]
    for row in rows:
        cells = [
            f"<td{' class=n' if i in numeric else ''}>{html.escape(str(v))}</td>"
            for i, v in enumerate(row)
        ]
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def figure_html(path: Path) -> str:
    """A PNG embedded in the page as base64 data."""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="{html.escape(path.stem)}" src="data:image/png;base64,{data}">'


def report_html(
    results: Results, scenario: Scenario, figures: list[Path], at: str | None = None
) -> str:
    """The page: title, what was run, summary, figures, dated events, parameters."""
    settings = scenario.scenario
    manifest = results.manifest
    title = f"{scenario.name}: {settings.title}" if settings.title else scenario.name
    when = f", outcomes on {at}" if at else ""
    facts = (
        f"{len(results.runs)} runs, {settings.start} to {settings.end}{when}; model version "
        f"{manifest.get('model_version', 'unknown')}, seed {manifest.get('seed', 'unknown')}, "
        f"written {manifest.get('created', 'unknown')}; this page made "
        f"{dt.datetime.now(dt.UTC).isoformat(timespec='seconds')}."
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p>{html.escape(settings.description or '')}</p>" if settings.description else "",
        f'<p class="note">{html.escape(facts)}</p>',
        "<h2>Summary</h2>",
        '<p class="note">Median over the runs with its 95% interval (bootstrap), beside the '
        "range of the middle 90% of runs; events as shares of runs with their 95% interval "
        "(Wilson).</p>",
        table_html(
            ["outcome", "median (95% interval)", "5% - 95% of runs"],
            summary_rows(results.runs, scenario),
            numeric=(1, 2),
        ),
        "<h2>Figures</h2>",
        *(figure_html(path) for path in figures),
        f"<h2>Dated events ({len(scenario.events)})</h2>",
        table_html(["date", "type", "actor", "target", "detail"], event_rows(scenario)),
        "<h2>Parameters</h2>",
        '<p class="note">By the names <code>--set NAME=VALUE</code>, <code>--by</code> and '
        "sweep files take.</p>",
    ]
    for section, rows in parameter_sections(scenario):
        parts += [
            f"<h3>[{html.escape(section)}]</h3>",
            table_html(["name", "value", "meaning"], rows),
        ]
    parts.append("</body></html>")
    return "\n".join(p for p in parts if p)


def write_report(
    results: Results, scenario: Scenario, figures: list[Path], at: str | None = None
) -> Path:
    """Write ``report.html`` (``report_<date>.html`` at a date) into the results folder."""
    from sim.io import atomic_write_text

    name = f"report_{at}.html" if at else "report.html"
    path = Path(results.folder) / name
    atomic_write_text(path, report_html(results, scenario, figures, at))
    return path
