"""The analysis layer: what an analyst does with the tables a run or a sweep wrote.

* ``results``: read a results folder (a run's or a sweep's) into ``sim.tables.Results``;
* ``outcomes``: the outcome catalogue (named events, labels with units, lenses of success);
* ``style``: the one palette and the actor names of every figure and of the web app;
* ``figures`` and ``maps``: the figures of ``malisim plot``, each returned as a matplotlib
  ``Figure``;
* ``discovery``: scenario discovery, the parameter boxes in which an event happens (CART from
  scikit-learn, PRIM from the EMA Workbench);
* ``sensitivity``: Sobol' and Morris indices of outcomes over a sweep's ranges (SALib).

The layer depends on the model core (``sim.tables``, ``sim.war.control``, ``sim.geography``...),
never the other way round: the core runs and records a war without knowing this package exists.
Nothing here prints or exits; ``sim.cli`` does.
"""
