"""The processes of the war, one module each, named as the war names them.

``MaliConflictModel.step`` (``sim/model.py``) calls them in the order of the ODD's schedule
(``docs/ODD.md``, section 7). Each module exposes plain functions of the model, or a small class
that owns one piece of state; pure formulas stay in ``sim.combat``, ``sim.politics`` and
``sim.society``. Units act through their own methods (``sim.agents.Unit``).

- ``calendar``: the scenario's dated events: coups, offensive orders, arrivals, departures,
  base closures, changes of alliance and of parameters.
- ``relations``: who fights whom today (``Relations``).
- ``presence``: each side's fighters per cell and within reach, and air cover (``Presence``).
- ``operations``: plans, raids, offensives and claims; garrisons merge.
- ``movement``: columns and retreats march.
- ``towns``: the towns, their defence, abandonment and capture (``Town``, ``Towns``).
- ``battles``: set battles where hostile units share a cell.
- ``irregular``: ambushes and IEDs against the state's and its partners' units.
- ``assaults``: insurgents' massed assaults on isolated posts of the state's side.
- ``militias``: the herder/farmer seam: self-defence militias, their killings, reprisals.
- ``casualties``: where each death is applied to units and booked.
- ``civilians``: abuses against civilians; grievance and legitimacy on the cell layers.
- ``recruitment``: insurgent recruitment and the state's reinforcements (``RecruitmentPool``).
- ``patrons``: foreign forces' presence, arrivals, departures, base closures and decisions.
- ``regime``: the regime's popularity in Bamako (``Regime``).
- ``control``: who controls each cell.
- ``record``: the run log (events and weekly rows).
- ``scorecard``: the runs-table row, scored by the three lenses (``sim.lenses``).
"""
