"""``python -m sim.cli``: the same as the ``malisim`` command."""

from sim.cli import main

main()
