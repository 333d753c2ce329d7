"""A scenario in rows: its parameters section by section and its dated events.

``malisim show`` prints them and ``malisim report`` writes them into its page. Every parameter is
named as ``--set``, ``--by`` and sweep files take it (``foreign.wagner.risk_tolerance``).
"""

from __future__ import annotations

from typing import Any

from sim.scenario.schema import PLAIN_SECTIONS, SECTIONS, Scenario

MAPPING_PREVIEW = 6
"""A parameter holding a table of values (men per town) shows this many entries, then a count."""


def parameter_sections(scenario: Scenario) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """Each section's parameters: (section, [(dotted name, value, meaning), ...]).

    A parameter holding a table of values (men per town) is one row, ``...deploy.<town>``,
    with its first entries.
    """
    schemas = {
        "scenario": SECTIONS["[scenario]"],
        "factions": SECTIONS["[factions.<state|separatists|jihadists>]"],
        "foreign": SECTIONS["[foreign.<id>]"],
        **PLAIN_SECTIONS,
    }
    dumped = scenario.model_dump(mode="json", exclude={"events"})
    sections = []
    for top, schema in schemas.items():
        keyed = top in ("factions", "foreign")
        blocks = dumped[top].items() if keyed else [(None, dumped[top])]
        for key, values in blocks:
            prefix = f"{top}.{key}" if keyed else top
            fields = schema.model_fields
            rows = [
                parameter_row(
                    f"{prefix}.{name}", value, fields[name].description if name in fields else ""
                )
                for name, value in values.items()
            ]
            sections.append((prefix, rows))
    return sections


def parameter_row(name: str, value: Any, meaning: str | None) -> tuple[str, str, str]:
    """One parameter's row; a table of values becomes ``name.<key>`` and its first entries."""
    if isinstance(value, dict):
        entries = [f"{k}={v}" for k, v in value.items()]
        shown = ", ".join(entries[:MAPPING_PREVIEW])
        if len(entries) > MAPPING_PREVIEW:
            shown += f", ... ({len(entries)} in all)"
        return f"{name}.<key>", shown or "(empty)", meaning or ""
    if isinstance(value, list):
        value = ", ".join(map(str, value))
    return name, str(value), meaning or ""


def event_rows(scenario: Scenario) -> list[tuple[str, str, str, str, str]]:
    """The dated events in date order: (date, type, actor, target, what else it sets)."""
    rows = []
    for event in sorted(scenario.events, key=lambda e: e.date):
        detail = []
        if event.allies:
            detail.append("with " + ", ".join(event.allies))
        if event.type == "relations":
            detail.append(f"{' and '.join(event.between)}: {event.stance}")
        if event.type == "set":
            detail.append(f"{event.parameter} = {event.value}")
        elif event.value is not None:
            detail.append(f"value {event.value}")
        rows.append(
            (
                str(event.date),
                event.type,
                event.actor or "",
                event.target or "",
                "; ".join(detail) or event.note[:60],
            )
        )
    return rows
