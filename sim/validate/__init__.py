"""``malisim validate``: how close the historical scenarios come to the documented record.

Each pattern of the project's record of facts (``sim/data/record.csv``, facts C1-C13, each with
its source) becomes one or more statistical criteria on an ensemble of a historical scenario: a
share of runs in which something happens, or a median that falls in a range. The criteria live
here, in the validation layer, and nowhere in the model: the model never reads a target number.

- ``measures``: what is measured on a run's tables (holder changes, loss and capture dates,
  deaths between dates) and the per-run samples each criterion is judged on;
- ``statistics``: a sample's statistic, its 95% interval (scipy) and the verdict;
- ``criteria``: the record and the criteria table (id, scenario, measure, passing range, the
  record's value and source);
- ``engine``: running the ensembles and judging them (``run_validation``, ``Validation``);
- ``report``: ``report.md``, ``criteria.csv`` and the figures.
"""

from sim.validate.criteria import CRITERIA, RECORD, Criterion
from sim.validate.engine import (
    DEFAULT_RUNS,
    HISTORICAL,
    CriterionResult,
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
    side_of,
)
from sim.validate.report import write_report
from sim.validate.statistics import Sample

__all__ = [
    "CAPITALS_2012",
    "CRITERIA",
    "DEFAULT_RUNS",
    "HISTORICAL",
    "RECORD",
    "Criterion",
    "CriterionResult",
    "Sample",
    "Validation",
    "deaths_between",
    "first_capture_dates",
    "first_loss_dates",
    "holder_changes",
    "holder_share",
    "library_dir",
    "run_validation",
    "side_of",
    "write_report",
]
