"""The one palette and the actor names of every figure and of the web app.

Each actor has one colour wherever it is drawn (a figure of ``malisim plot``, a sensitivity
chart, the web app's map and charts), so a reader learns them once. The colours are the
Okabe-Ito palette (Okabe and Ito 2008, "Color Universal Design"), safe for the common forms of
colour blindness, with Paul Tol's wine for a sixth force: the state blue, separatists orange,
jihadists vermillion, contested grey, civilians black, Wagner reddish purple, the Africa Corps
(Wagner's successor) a darker purple, France sky blue, the UN bluish green. Control of ground
(the web app's control layer) is drawn in pale tints of the same hues.

Groups of a swept parameter's levels use the ordered ``cividis`` map, so a darker group is
always a lower level; the values of a string parameter, which have no order, take the
Okabe-Ito colours in turn. This module imports no matplotlib at load time: the outcome catalogue and
the web app's model code can use it without pulling in pyplot.
"""

from __future__ import annotations

import numbers

from sim.war.control import CONTROL_CLASSES

PALETTE: dict[str, str] = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "vermillion": "#D55E00",
    "grey": "#999999",
    "black": "#000000",
    "reddish_purple": "#CC79A7",
    "wine": "#882255",  # Tol (2021): the Okabe-Ito set has no second purple
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
}
"""The named colours every figure draws from."""

ACTOR_COLOURS: dict[str, str] = {
    "state": PALETTE["blue"],
    "separatists": PALETTE["orange"],
    "jihadists": PALETTE["vermillion"],
    "contested": PALETTE["grey"],
    "civilians": PALETTE["black"],
    "wagner": PALETTE["reddish_purple"],
    "africa_corps": PALETTE["wine"],
    "france": PALETTE["sky_blue"],
    "un": PALETTE["bluish_green"],
}
"""One colour per actor: the factions, contested ground, civilians and each foreign force."""

SPARE_COLOURS = (PALETTE["yellow"], "#332288", "#44AA99", "#117733")
"""Colours for a foreign force the library does not know (Tol's indigo, teal and green)."""

ACTOR_LABELS: dict[str, str] = {
    "state": "state (FAMa)",
    "separatists": "separatists",
    "jihadists": "jihadists",
    "contested": "contested",
    "civilians": "civilians",
    "wagner": "Wagner",
    "africa_corps": "Africa Corps",
    "france": "France",
    "un": "UN (MINUSMA)",
}

LEVEL_COLOURMAP = "cividis"
"""The ordered map of a swept parameter's levels (one group alone is drawn in the state blue)."""

LENS_COLOURS: dict[str, str] = {
    "lens_western": PALETTE["sky_blue"],
    "lens_bamako": PALETTE["bluish_green"],
    "lens_patron": PALETTE["reddish_purple"],
}
"""The three lenses of success, where they are drawn as lines side by side."""

POPULARITY_COLOUR = PALETTE["blue"]
"""The regime's popularity in Bamako: the state's colour."""

COUNTRY_EDGE = "#333333"
REGION_EDGE = "#8a8a8a"
"""Mali's outline and its regions' borders on every map."""

CONTROL_TINT = 0.35
"""Share of an actor's colour in its control tint (the rest is white): pale enough that units
and towns drawn over the ground stand out, dark enough to tell the four classes apart."""


def actor_colour(actor: str) -> str:
    """Return the fixed colour of an actor (faction, contested, civilians or foreign id)."""
    if actor in ACTOR_COLOURS:
        return ACTOR_COLOURS[actor]
    return SPARE_COLOURS[sum(map(ord, actor)) % len(SPARE_COLOURS)]  # stable for an unknown id


def actor_label(actor: str) -> str:
    """Return a readable name for an actor id."""
    return ACTOR_LABELS.get(actor, actor.replace("_", " ").title())


def tint(colour: str, share: float = CONTROL_TINT) -> str:
    """Return ``colour`` mixed with white, ``share`` of the colour (a ``#rrggbb`` string)."""
    rgb = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(share * c + (1 - share) * 255):02x}" for c in rgb)


CONTROL_COLOURS: dict[str, str] = {c: tint(actor_colour(c)) for c in CONTROL_CLASSES}
"""The pale colour of ground each control class holds, in the model's control-code order."""


def level_colours(n: int) -> list:
    """Colours of ``n`` ordered groups: the state blue for one, else steps of ``cividis``."""
    if n == 1:
        return [ACTOR_COLOURS["state"]]
    import numpy as np
    from matplotlib import colormaps

    return [colormaps[LEVEL_COLOURMAP](v) for v in np.linspace(0.05, 0.9, n)]


CATEGORY_COLOURS = (
    PALETTE["blue"],
    PALETTE["orange"],
    PALETTE["bluish_green"],
    PALETTE["reddish_purple"],
    PALETTE["sky_blue"],
    PALETTE["vermillion"],
    PALETTE["yellow"],
    PALETTE["black"],
)
"""Colours of unordered groups (a string parameter's values): the Okabe-Ito set in its order."""


def group_colours(levels: list) -> list:
    """Colours of groups of runs: ``level_colours`` for numbers, categorical ones otherwise.

    Levels of a numeric parameter are ordered, and a darker colour means a lower level; the
    values of a string parameter (``relations.separatists_jihadists``: allied, hostile, truce)
    have no order, and an ordered map would invent one.
    """
    numeric = all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in levels)
    if numeric or any(v is None for v in levels):
        return level_colours(len(levels))
    return [CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)] for i in range(len(levels))]


SERIES_ORDER = ("blue", "vermillion", "bluish_green", "orange", "reddish_purple", "sky_blue")
"""Colours of unordered series (scenarios compared side by side), in the order they are given."""


def series_colours(n: int) -> list[str]:
    """Colours of ``n`` unordered series: the palette's most distinct colours, then spares."""
    colours = [PALETTE[name] for name in SERIES_ORDER] + list(SPARE_COLOURS)
    return [colours[i % len(colours)] for i in range(n)]


def title_figure(fig, text: str, n_runs: int | None = None) -> None:
    """Give a figure its bold title, with the number of runs it draws on."""
    suffix = f" ({n_runs} runs)" if n_runs else ""
    fig.suptitle(text + suffix, fontsize=12, fontweight="bold")
