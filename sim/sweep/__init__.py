"""Parameter sweeps: design points x seeded replicates, run locally or on Dask, resumable.

``file`` reads and checks a sweep file against its base scenario; ``design`` draws the design
points (grid, Latin hypercube, Sobol') and seeds each run from the sweep seed, the point and the
replicate alone; ``store`` writes and reads the results folder of Parquet part files; ``execute``
runs the tasks in this process, a process pool or on a Dask cluster, holding the folder's lock
(``sim.lock``). ``malisim sweep`` itself is ``sim.cli.sweep``.
"""

from sim.sweep.design import ParameterRange, build_design, sweep_run_seed
from sim.sweep.execute import SchedulerUnreachable, SweepReport, run_sweep
from sim.sweep.file import Sweep, load_sweep
from sim.sweep.store import SweepFolderError, finished_runs, prepare_folder, read_sweep

__all__ = [
    "ParameterRange",
    "SchedulerUnreachable",
    "Sweep",
    "SweepFolderError",
    "SweepReport",
    "build_design",
    "finished_runs",
    "load_sweep",
    "prepare_folder",
    "read_sweep",
    "run_sweep",
    "sweep_run_seed",
]
