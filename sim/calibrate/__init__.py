"""Bayesian calibration against the record: ABC-SMC on the sweep engine, parameter recovery.

- ``file``: calibration files (base scenarios, priors, targets), checked once, clear errors;
- ``priors``: uniform, log-uniform and normal priors (scipy.stats);
- ``statistics``: each target's statistic of a run's tables, and the distance to the record;
- ``smc``: ABC-SMC in deterministic batches (proposals from the seed, pyABC's kernel, weights,
  the next tolerance);
- ``engine``: generations run as sweeps (part files, resume, Dask) into a locked folder;
- ``report`` and ``figures``: the posterior, the recovery check, the predictive check;
- ``posterior``: drawing each run's parameters from a calibration's posterior
  (``malisim run --posterior``).

``malisim calibrate`` itself is ``sim.cli.calibrate``.
"""

from sim.calibrate.engine import (
    CalibrationFolderError,
    CalibrationRun,
    Generation,
    run_calibration,
)
from sim.calibrate.file import Calibration, Target, load_calibration, parse_truth
from sim.calibrate.priors import Prior

__all__ = [
    "Calibration",
    "CalibrationFolderError",
    "CalibrationRun",
    "Generation",
    "Prior",
    "Target",
    "load_calibration",
    "parse_truth",
    "run_calibration",
]
