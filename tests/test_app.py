"""The web app in a real browser: ``malisim viz`` served on 127.0.0.1, driven by headless Chromium.

The server is the real command (``malisim viz scenarios/kidal_2023.toml --port N``) in its own
process group; the browser is Debian's Chromium (``make browser`` installs it), never a
downloaded one. The tests share one server and one page, in order: load, step, slider + reset,
then the ensemble mode: run, compare two designs, cancel, and last the server stopped by SIGTERM
in the middle of an ensemble.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.xdist_group("web_app"),
    pytest.mark.slow,
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving():
    """``malisim viz`` on a free port; torn down (the whole process group) whatever happens."""
    port = free_port()
    malisim = Path(sys.executable).with_name("malisim")
    proc = subprocess.Popen(
        [str(malisim), "viz", "scenarios/kidal_2023.toml", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"malisim viz exited: {proc.stderr.read().decode()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("malisim viz did not listen within 60 s")
                time.sleep(0.3)
        yield port, proc
    finally:
        if group_processes(proc.pid):  # a test may have stopped it already
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@pytest.fixture(scope="module")
def server():
    """One server for the module's browser tests."""
    with serving() as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium, for the module's pages."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        # A machine where `make browser` could not install it (not root, no apt): say how.
        pytest.skip(
            f"no Chromium at {CHROMIUM}: the browser tests need Debian's chromium "
            "(`make browser` as root, or `apt-get install chromium`)"
        )
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def open_app(browser, port: int):
    """A page on the app, loaded and drawn."""
    tab = browser.new_page(viewport={"width": 1500, "height": 1000})
    tab.set_default_timeout(30_000)
    tab.goto(f"http://127.0.0.1:{port}/")
    tab.wait_for_selector("#sim-date", timeout=60_000)
    return tab


@pytest.fixture(scope="module")
def page(server, browser):
    """One Chromium page on the app, loaded and drawn."""
    tab = open_app(browser, server[0])
    yield tab
    tab.close()


def text_of(selector: str) -> str:
    """JavaScript for an element's text, empty while the page redraws it."""
    return f"(document.querySelector('{selector}')?.innerText ?? '')"


def group_processes(pgid: int) -> list[int]:
    """Pids of the live processes of a process group (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:  # state, ppid, pgrp
            found.append(int(stat.parent.name))
    return found


def pool_workers(parent: int) -> list[int]:
    """Pids of the ensemble's worker processes (spawned children of the server)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
            cmdline = (status.parent / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        ppid = int(text.split("PPid:")[1].split()[0])
        if ppid == parent and "spawn_main" in cmdline:
            found.append(int(status.parent.name))
    return found


def listening_addresses(port: int) -> set[str]:
    """Local addresses of the sockets listening on ``port`` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            next(f)
            for line in f:
                local, state = line.split()[1], line.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                    found.add(address)
    return found


def image_of(locator) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(locator.screenshot())).convert("RGB"))


def test_the_server_listens_on_127_0_0_1_only(server):
    port, _ = server
    # 0100007F is 127.0.0.1 in the kernel's byte order; 0.0.0.0 or :: would be every interface.
    assert listening_addresses(port) == {"0100007F"}


def wagner_values() -> tuple[float, float]:
    """Wagner's commitment and risk tolerance in the app's default scenario (the file may be
    recalibrated; the page must show what the file says)."""
    from sim import load_scenario

    force = load_scenario(ROOT / "scenarios" / "kidal_2023.toml").foreign["wagner"]
    return force.commitment, force.risk_tolerance


def test_the_page_shows_the_scenario_its_date_and_a_drawn_map_of_mali(page):
    page.wait_for_function(
        "document.querySelector('#sim-date').innerText.endsWith('2023-10-01')", timeout=10_000
    )
    summary = page.inner_text("#sim-summary")
    commitment, risk = wagner_values()
    assert "kidal_2023" in summary
    assert f"wagner: commitment {commitment:.2f}, risk tolerance {risk:.2f}" in summary
    for label in ("Foreign commitment", "Foreign risk tolerance", "Seed", "Scenario"):
        assert page.get_by_text(label, exact=True).count() >= 1, label
    for name in ("Reset", "Step"):
        assert page.get_by_role("button", name=name).is_visible()

    map_image = page.locator("#sim-summary ~ * img, #sim-summary + * img").first
    map_image.wait_for()
    pixels = image_of(map_image)
    assert pixels.shape[0] > 300 and pixels.shape[1] > 300
    colours = {tuple(c) for c in pixels.reshape(-1, 3)[::7]}
    assert len(colours) > 50, "the map is (nearly) blank"
    # The state's control colour covers the south: most of the country on day 0.
    from sim.analysis.style import CONTROL_COLOURS

    state = CONTROL_COLOURS["state"]
    rgb = tuple(int(state[i : i + 2], 16) for i in (1, 3, 5))
    state_blue = np.all(np.abs(pixels.astype(int) - rgb) <= 6, axis=-1)
    assert state_blue.mean() > 0.1


def test_pressing_step_advances_the_day_and_redraws_the_charts(page):
    chart = page.locator("#sim-charts img").first
    before = chart.get_attribute("src")
    page.get_by_role("button", name="Step").click()
    page.wait_for_function("document.querySelector('#sim-date').innerText.endsWith('2023-10-02')")
    page.wait_for_function(
        "before => document.querySelector('#sim-charts img').src !== before", arg=before
    )
    assert "(day 1 of 183)" in page.inner_text("#sim-summary")


def test_a_moved_slider_and_reset_give_a_model_with_the_new_value(page):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    field = page.locator(".v-input", has_text="Foreign commitment")
    slider = field.locator("[role=slider]")
    thumb = field.locator(".v-slider__thumb-label")
    commitment, risk = wagner_values()
    lowered = f"{commitment - 0.20:.2f}"
    for step in range(1, 5):  # four steps of 0.05 down
        # One key at a time, each waited for: the server echoes every value back, and a key
        # pressed before the echo of the last can be undone by it on a loaded machine.
        slider.focus()
        slider.press("ArrowLeft")
        expected = f"{commitment - 0.05 * step:g}"
        page.wait_for_function(
            "([el, want]) => el.innerText.trim() === want", arg=[thumb.element_handle(), expected]
        )
    # The thumb shows a value the browser may still hold back: ipywidgets sends a state change
    # only once the server has answered the one before, while a click goes out at once, so on a
    # loaded machine Reset can reach the server before the last value (CI met this). A Reset
    # that builds the model before the value lands is pressed again, at most three times.
    wanted = f"document.querySelector('#sim-summary').innerText.includes('commitment {lowered}')"
    for attempt in range(3):
        page.get_by_role("button", name="Reset").click()
        try:
            page.wait_for_function(wanted, timeout=15_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    summary = page.inner_text("#sim-summary")
    # The new model: back on day 0, the new commitment, the risk tolerance untouched.
    assert "2023-10-01 (day 0 of 183)" in summary
    assert f"wagner: commitment {lowered}, risk tolerance {risk:.2f}" in summary
    page.wait_for_function(
        "document.querySelector('#sim-date').innerText.endsWith('2023-10-01')", timeout=10_000
    )


def test_reset_gives_exactly_the_run_of_malisim_run_with_one_run_and_the_same_seed():
    from pandas.testing import assert_frame_equal

    from sim.app.single import AppModel, resolve
    from sim.ensemble import run_ensemble
    from sim.scenario import load_scenario

    path = "tests/scenarios/mechanisms.toml"
    model = AppModel(path, apply_sliders=False, seed="5")
    while model.running:
        model.step()
    shown = model.tables()
    ran = run_ensemble(load_scenario(resolve(path)), runs=1, seed=5)
    for table in ("runs", "events", "timeseries"):
        assert_frame_equal(getattr(shown, table), getattr(ran, table), check_exact=True)


# --- the page's title and inputs -----------------------------------------------------------------


def test_the_page_has_the_apps_title_and_its_sliders_show_their_values(page):
    assert page.title() == "malisim: the war in Mali"
    commitment, risk = wagner_values()
    slider = page.locator(".v-input", has_text="Foreign risk tolerance")
    assert slider.locator(".v-slider__thumb-label").inner_text().strip() == f"{risk:g}"


# --- the ensemble mode ---------------------------------------------------------------------------


def run_ensemble_in_page(page, runs: int) -> None:
    """Open the Ensemble tab (the page may be fresh) and run ``runs`` replicates."""
    page.get_by_role("tab", name="Ensemble").click()
    page.wait_for_selector("#ens-design")
    box = page.get_by_label("Runs")
    box.fill(str(runs))
    box.press("Enter")
    page.get_by_role("button", name="Run ensemble").click()


def colour_share(pixels: np.ndarray, hex_colour: str) -> float:
    rgb = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return float(np.all(np.abs(pixels.astype(int) - rgb) <= 8, axis=-1).mean())


def wait_until_done(page, runs: int) -> None:
    page.wait_for_function(f"{text_of('#ens-status')} === 'done: {runs} runs'", timeout=240_000)


def test_the_ensemble_mode_runs_replicates_with_progress_and_draws_their_distributions(page):
    run_ensemble_in_page(page, runs=4)
    page.wait_for_function(f"{text_of('#ens-progress')}.includes('of 4 runs')", timeout=120_000)
    wait_until_done(page, 4)
    # The list of designs is drawn just after the status line: wait for it on a loaded machine.
    page.wait_for_function(f"{text_of('#ens-designs')}.trim().length > 0", timeout=120_000)
    designs = page.inner_text("#ens-designs").strip().splitlines()
    ran = page.inner_text("#ens-design").removeprefix("Next ensemble: ").strip()
    assert designs[-1] == f"{ran} (4 runs)"  # the model the sidebar built, seed included
    figure = page.locator("#ens-distributions img").first
    figure.wait_for()
    pixels = image_of(figure)
    from sim.analysis.style import CATEGORY_COLOURS

    assert colour_share(pixels, CATEGORY_COLOURS[0]) > 0.001  # the palette's first colour
    assert page.locator("#ens-map img").count() == 1


def test_two_designs_are_compared_side_by_side(page):
    run_ensemble_in_page(page, runs=3)
    wait_until_done(page, 3)
    page.get_by_role("button", name="Keep as design A").click()
    page.wait_for_function(
        f"{text_of('#ens-designs')}.trim().split('\\n').length === 1"
        f" && {text_of('#ens-designs')}.startsWith('A: ')",
        timeout=120_000,
    )
    design_a = page.inner_text("#ens-designs").strip()
    commitment = float(design_a.split("commitment ")[1][:4])
    lowered = f"{commitment - 0.20:.2f}"
    field = page.locator(".v-input", has_text="Foreign commitment")
    slider = field.locator("[role=slider]")
    thumb = field.locator(".v-slider__thumb-label")
    for step in range(1, 5):  # one key at a time, each waited for (see the slider test above)
        slider.focus()
        slider.press("ArrowLeft")
        page.wait_for_function(
            "([el, want]) => el.innerText.trim() === want",
            arg=[thumb.element_handle(), f"{commitment - 0.05 * step:g}"],
        )
    # A click can be lost while the server is busy: press Reset again until the page shows the
    # new design (each press only rebuilds the model from the sliders).
    for attempt in range(3):
        page.get_by_role("button", name="Reset").click()
        try:
            page.wait_for_function(
                f"{text_of('#ens-design')}.includes('commitment {lowered}')", timeout=60_000
            )
            break
        except Exception as exc:  # playwright's TimeoutError; the module is imported lazily
            if attempt == 2 or type(exc).__name__ != "TimeoutError":
                raise
    page.get_by_role("button", name="Run ensemble").click()
    page.wait_for_function(f"{text_of('#ens-designs')}.includes('B: ')", timeout=240_000)
    a, b = page.inner_text("#ens-designs").strip().splitlines()
    assert a.startswith("A: ") and f"commitment {commitment:.2f}" in a
    assert b.startswith("B: ") and f"commitment {lowered}" in b
    from sim.analysis.style import CATEGORY_COLOURS

    page.wait_for_timeout(1000)  # the figure is redrawn after the list of designs
    pixels = image_of(page.locator("#ens-distributions img").first)
    for colour in CATEGORY_COLOURS[:2]:  # A and B in the static figures' first two colours
        # At least the legend's patch (about 0.0004 of the image) and what of A's outline B
        # leaves visible: two close designs can overlap almost wholly, B over A.
        assert colour_share(pixels, colour) > 0.0002, colour
    assert page.locator("#ens-map img").count() == 1
    page.get_by_role("button", name="Forget design A").click()


def started_ensemble(page, runs: int) -> None:
    """Run ``runs`` replicates and wait until at least one is done."""
    run_ensemble_in_page(page, runs=runs)
    page.wait_for_function(
        f"/^[1-9]\\d* of {runs} runs/.test({text_of('#ens-progress')})", timeout=120_000
    )


def test_cancel_stops_the_ensemble_and_leaves_no_worker_behind(page, server):
    started_ensemble(page, runs=60)
    assert pool_workers(server[1].pid), "the runs are in worker processes"
    page.get_by_role("button", name="Cancel").click()
    page.wait_for_function(
        f"{text_of('#ens-status')}.startsWith('cancelled after')", timeout=120_000
    )
    said = page.inner_text("#ens-status")
    done = int(said.split("after ")[1].split(" of")[0])
    assert 1 <= done < 60, said
    assert pool_workers(server[1].pid) == [], "the pool ended with the ensemble"


def test_the_server_stops_with_its_workers_when_sent_sigterm_mid_ensemble(browser):
    with serving() as (port, proc):  # a server of its own: this test stops it
        page = open_app(browser, port)
        try:
            started_ensemble(page, runs=60)
            assert pool_workers(proc.pid)
            os.kill(proc.pid, signal.SIGTERM)  # the server alone, as a service manager would
            deadline = time.monotonic() + 60
            while group_processes(proc.pid):
                assert time.monotonic() < deadline, f"left behind: {group_processes(proc.pid)}"
                time.sleep(0.2)
        finally:
            page.close()


# --- without a browser ---------------------------------------------------------------------------


def test_a_port_in_use_is_refused_in_one_line_before_any_address_is_printed():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        malisim = Path(sys.executable).with_name("malisim")
        done = subprocess.run(
            [str(malisim), "viz", "--port", str(port)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"error: --port: {port} is already in use on 127.0.0.1; choose another --port"
    )
    assert "http://" not in done.stdout + done.stderr


def test_the_apps_ensemble_holds_the_runs_of_malisim_run_with_the_same_seed():
    from pandas.testing import assert_frame_equal

    from sim.app.replicates import EnsembleJob
    from sim.ensemble import run_ensemble
    from sim.scenario import load_scenario

    scenario = load_scenario(ROOT / "tests" / "scenarios" / "mechanisms.toml")
    job = EnsembleJob(scenario, runs=3, seed=5, workers=2)
    job.run()
    runs, control = job.tables()
    assert job.state == "done" and control.shape[0] == 3
    assert_frame_equal(runs, run_ensemble(scenario, runs=3, seed=5).runs, check_exact=True)


def test_a_cancelled_job_stops_early_and_its_pool_is_gone():
    import multiprocessing
    import threading

    from sim.app.replicates import EnsembleJob
    from sim.scenario import load_scenario

    scenario = load_scenario(ROOT / "tests" / "scenarios" / "mechanisms.toml")
    job = EnsembleJob(scenario, runs=200, seed=1, workers=2)
    thread = threading.Thread(target=job.run, kwargs={"progress": lambda n: job.cancel()})
    thread.start()
    thread.join(timeout=300)
    assert not thread.is_alive()
    assert job.state == "cancelled" and 1 <= job.done < 200
    assert [p for p in multiprocessing.active_children() if "resource" not in p.name] == []


def test_the_ensemble_figures_use_the_static_figures_palette():
    import pandas as pd
    from matplotlib.colors import to_hex

    from sim.analysis.style import CATEGORY_COLOURS, actor_colour
    from sim.app.ensemble import draw_control_shares, draw_distributions
    from sim.app.single import AppModel
    from sim.war.control import CONTROL_CLASSES

    model = AppModel("tests/scenarios/mechanisms.toml")
    runs = pd.DataFrame(
        {"deaths_civilians": [1.0, 5.0, 9.0], "pop_share_state": 0.5, "lens_western": 0.4}
    ).assign(
        regime_popularity_end=0.5, lens_bamako=0.6, withdrew_foreign_wagner=[True, False, False]
    )
    fig = draw_distributions({"A: one": runs, "B: other": runs.assign(deaths_civilians=2.0)})
    legend = [to_hex(p.get_facecolor()) for p in fig.legends[0].get_patches()]
    assert legend == [to_hex(c) for c in CATEGORY_COLOURS[:2]]
    control = np.stack([model.control, model.control])
    fig = draw_control_shares(model, {"A: one": control})
    keys = [to_hex(p.get_facecolor()) for p in fig.legends[0].get_patches()][: len(CONTROL_CLASSES)]
    assert keys == [to_hex(actor_colour(c)) for c in CONTROL_CLASSES]
