"""The scenario's dated events: coups, orders, arrivals, departures, alliances, re-organisations.

Events are sourced inputs of the scenario file (``[[events]]``) plus each foreign force's
``arrive`` and ``depart`` dates; they happen at the start of their day, before anyone moves.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sim import combat
from sim.geography import ZONES
from sim.scenario import Event, Scenario, set_value
from sim.war import borders, operations, patrons

if TYPE_CHECKING:
    from sim.model import MaliConflictModel

NORTH = ZONES.index("north")


def schedule(config: Scenario) -> dict[dt.date, list[Event | tuple[str, str]]]:
    """The run's dated events by day: the scenario's, and each force's arrival and departure.

    A force's own dates come first on their day, as ``("arrive" | "depart", force id)``.
    """
    events_on: dict[dt.date, list[Event | tuple[str, str]]] = {}
    for event in config.events:
        events_on.setdefault(event.date, []).append(event)
    start, end = config.scenario.start, config.scenario.end
    for fid, force in config.foreign.items():
        if force.arrive is not None and force.arrive > start:
            events_on.setdefault(force.arrive, []).insert(0, ("arrive", fid))
        if force.depart is not None and force.depart <= end:
            events_on.setdefault(force.depart, []).insert(0, ("depart", fid))
    return events_on


def apply_scheduled_events(model: MaliConflictModel) -> None:
    """Today's dated events, in the order the scenario gives them."""
    for event in model.events_on.get(model.date, ()):
        if isinstance(event, tuple):
            kind, fid = event
            if kind == "arrive":
                patrons.arrive(model, fid)
            else:
                patrons.depart(model, fid, decided=False)
        elif event.type == "coup":
            coup(model, event.value)
        elif event.type == "offensive":
            operations.launch_offensive(model, event.actor, event.target, event.allies, event.value)
        elif event.type == "relations":
            model.relations.set_stance(event.between, event.stance)
        elif event.type == "arrive":
            patrons.arrive(model, event.actor, men=int(event.value) if event.value else None)
        elif event.type == "depart" and event.target:
            patrons.close_base(model, event.actor, event.target)
        elif event.type == "depart":
            patrons.depart(model, event.actor, decided=False)
        elif event.type == "set":
            set_parameter(model, event.parameter, event.value)
        elif event.type == "reorganise":
            patrons.reorganise(model, event.actor, event.value)


def coup(model: MaliConflictModel, popularity: Any = None) -> None:
    """A coup in Bamako: the army's cohesion breaks for a while; popularity may reset.

    Every state unit's morale is multiplied by ``politics.coup_morale``. In a beaten army
    (``Regime.beaten``, the towns it lost lately) that share of ``politics.coup_desertion`` of
    its men in the north walk away; in an army holding its towns, none do.
    """
    politics = model.config.politics
    beaten = model.regime.beaten()
    desertion = politics.coup_desertion * beaten
    for unit in model.units_of("state"):
        unit.morale *= politics.coup_morale
        if desertion and model.geo.zone[unit.xy] == NORTH:
            # Men far from the capital walk away when the chain of command breaks (2012).
            unit.go_home(combat.stochastic_round(unit.strength * desertion, model.rng))
    if isinstance(popularity, int | float) and not isinstance(popularity, bool):
        model.regime.popularity = float(popularity)


def set_parameter(model: MaliConflictModel, dotted: str, value: Any) -> None:
    """Change a scenario parameter mid-run (a ``set`` event), e.g. a patron's risk tolerance.

    A foreign force's new ``bases`` move it: its garrisons elsewhere march to the nearest of
    them (``patrons.rebase``; France's Barkhane left Serval's bases of the centre for the
    north's, August 2014).
    """
    set_value(model.config, dotted, value)
    model.relations.forget()
    parts = dotted.split(".")
    if len(parts) == 3 and parts[0] == "foreign" and parts[2] == "bases":
        patrons.rebase(model, parts[1])
    if dotted in ("scenario.sanctuaries", "scenario.sanctuary_km", "scenario.refuges"):
        borders.redraw(model)  # Burkina Faso's north, the jihadists' rear base from late 2016
