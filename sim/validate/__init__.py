"""``malisim validate``: how close the historical scenarios come to the documented record.

Each pattern of the record (``calibration_facts.csv`` in the project's shared data, ids C1-C6)
becomes one or more statistical criteria on an ensemble of a historical scenario: a share of
runs in which something happens, or a median that falls in a range. The criteria live here, in
the validation layer, and nowhere in the model: the model never reads a target number.

The engine runs each scenario of the historical library as a seeded ensemble, evaluates every
criterion on its tables, and writes ``report.md`` (a table pattern | criterion | ensemble gave |
pass or miss, then the figures), ``criteria.csv`` (the same table, for scripts) and plain
matplotlib figures into the output folder.
"""

from sim.validate.criteria import CRITERIA, Criterion
from sim.validate.engine import (
    DEFAULT_RUNS,
    HISTORICAL,
    Outcome,
    Validation,
    library_dir,
    run_validation,
)
from sim.validate.measures import (
    CAPITALS_2012,
    deaths_between,
    first_capture_dates,
    first_loss_dates,
    holder_changes,
    holder_share,
    share_north_lost_together,
    side_of,
)
from sim.validate.report import write_report
from sim.validate.statistics import Sample

__all__ = [
    "CAPITALS_2012",
    "CRITERIA",
    "DEFAULT_RUNS",
    "HISTORICAL",
    "Criterion",
    "Outcome",
    "Sample",
    "Validation",
    "deaths_between",
    "first_capture_dates",
    "first_loss_dates",
    "holder_changes",
    "holder_share",
    "library_dir",
    "run_validation",
    "share_north_lost_together",
    "side_of",
    "write_report",
]
