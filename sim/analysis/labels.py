"""Labels that do not hide each other: each beside its point, or dropped if there is no room.

Maps name towns and regions, and time series name their dated events; where two labels would
overlap (Koulikoro beside Bamako, two offensives a week apart on a ten-year axis) the lesser one
moves to another side of its point or, with no free side, is left out. adjustText (the usual
library) instead pushes labels apart iteratively, as far from their points as it takes and
drawing arrows back to them; a town's name should stay next to the town, so this is ours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from matplotlib.transforms import Bbox

SIDES = ((4, 4, "left", "bottom"), (4, -4, "left", "top"), (-4, 4, "right", "bottom"))
SIDES += ((-4, -4, "right", "top"),)
"""Offsets (points) and alignments tried in turn: upper right, lower right, upper left, lower
left of the point."""


@dataclass
class Label:
    """A label to place: its point (data coordinates), text, and the sides it may take.

    Attributes:
        x: the point's x (data coordinates).
        y: the point's y.
        text: what the label says.
        sides: ``(dx, dy, ha, va)`` offsets in points, tried in order.
        keep: placed even where it overlaps (on its first side) rather than dropped.
        style: keyword arguments of ``Axes.annotate`` (font size, halo...).

    """

    x: float
    y: float
    text: str
    sides: tuple = SIDES
    keep: bool = False
    style: dict[str, Any] = field(default_factory=dict)


def place_labels(ax, labels: list[Label], obstacles: list[Bbox] = ()) -> list:
    """Annotate ``ax`` with ``labels``, in order (most important first), without overlaps.

    Each label takes the first of its sides where it overlaps neither a label already placed
    nor an obstacle (display coordinates, e.g. a pie); a label with no free side is dropped,
    unless ``keep``. The figure's layout is settled first, so the extents are the final ones.

    Returns:
        The annotations placed.

    """
    fig = ax.figure
    fig.draw_without_rendering()  # constrained layout moves the axes: measure after it
    renderer = fig.canvas.get_renderer()
    taken: list[Bbox] = list(obstacles)
    placed = []
    for label in labels:
        for side in label.sides:
            text = _annotate(ax, label, side)
            box = text.get_window_extent(renderer).padded(2)  # pixels of air between labels
            if not any(box.overlaps(other) for other in taken):
                break
            text.remove()
        else:
            if not label.keep:
                continue
            text = _annotate(ax, label, label.sides[0])
            box = text.get_window_extent(renderer)
        placed.append(text)
        taken.append(box)
    return placed


def _annotate(ax, label: Label, side: tuple):
    dx, dy, ha, va = side
    return ax.annotate(
        label.text,
        (label.x, label.y),
        xytext=(dx, dy),
        textcoords="offset points",
        ha=ha,
        va=va,
        **label.style,
    )


def point_boxes(ax, xs, ys, points: float = 3.0) -> list[Bbox]:
    """Display boxes ``points`` wide around data points (markers a label must not cover)."""
    ax.figure.draw_without_rendering()
    size = points * ax.figure.dpi / 72
    return [
        Bbox.from_bounds(px - size / 2, py - size / 2, size, size)
        for px, py in ax.transData.transform(list(zip(xs, ys, strict=True)))
    ]


def overlapping(texts: list, renderer=None) -> list[tuple[str, str]]:
    """Pairs of texts whose drawn boxes overlap (what a test of a figure checks)."""
    if not texts:
        return []
    fig = texts[0].figure
    renderer = renderer or fig.canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts if t.get_visible()]
    return [
        (a, b)
        for i, (a, box_a) in enumerate(boxes)
        for b, box_b in boxes[i + 1 :]
        if box_a.overlaps(box_b)
    ]
