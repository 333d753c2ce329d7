"""Terminal helpers shared by the commands: the progress bar's columns and common option checks."""

from __future__ import annotations

from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn


def progress_columns() -> tuple:
    """Columns of every long command's bar: name, bar, runs done of total, rate, time left."""
    return (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
    )


def count_problems(
    runs: int | None = None, workers: int | None = None, seed: int | None = None
) -> list[str]:
    """Input problems with ``--runs``, ``--workers`` and ``--seed``, one line each."""
    problems = []
    if runs is not None and runs < 1:
        problems.append(f"--runs: expected a whole number >= 1, got {runs}")
    if workers is not None and workers < 1:
        problems.append(f"--workers: expected a whole number >= 1, got {workers}")
    if seed is not None and seed < 0:
        problems.append(f"--seed: expected a whole number >= 0, got {seed}")
    return problems


def port_problem(host: str, port: int) -> list[str]:
    """An input problem if ``port`` on ``host`` is taken (or ``host`` is not this machine's)."""
    import errno
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        return [f"--host: {host!r} is not an address of this machine"]
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # as the server will bind: a port in TIME_WAIT is free, one with a listener is not
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return [f"--port: {port} is already in use on {host}; choose another --port"]
            return [f"--host: cannot listen on {host}:{port} ({exc.strerror})"]
    return []


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 run``, ``2 runs``: a count and its noun, agreed."""
    return f"{n} {word if n == 1 else many or word + 's'}"


def date_problems(text: str | None, option: str = "--at") -> list[str]:
    """An input problem with a date option (``YYYY-MM-DD``), one line, or none."""
    import datetime as dt

    if text is None:
        return []
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return [f"{option}: expected a date YYYY-MM-DD, got {text!r}"]
    return []


def events_problems(events: str) -> list[str]:
    """An input problem with ``--events``, one line, or none."""
    from sim.io import EVENT_DETAILS

    if events in EVENT_DETAILS:
        return []
    return [f"--events: expected one of {', '.join(EVENT_DETAILS)}, got {events!r}"]
