"""The web app in a real browser: ``malisim viz`` served on 127.0.0.1, driven by headless Chromium.

The server is the real command (``malisim viz scenarios/kidal_2023.toml --port N``) in its own
process group; the browser is Debian's Chromium (``make browser`` installs it), never a
downloaded one. The tests share one server and one page, in order: load, step, slider + reset.
"""

from __future__ import annotations

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


@pytest.fixture(scope="module")
def server():
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
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture(scope="module")
def page(server):
    """One Chromium page on the app, loaded and drawn."""
    from playwright.sync_api import sync_playwright

    port, _ = server
    if not os.path.exists(CHROMIUM):
        # A machine where `make browser` could not install it (not root, no apt): say how.
        pytest.skip(
            f"no Chromium at {CHROMIUM}: the browser tests need Debian's chromium "
            "(`make browser` as root, or `apt-get install chromium`)"
        )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            tab = browser.new_page(viewport={"width": 1500, "height": 1000})
            tab.set_default_timeout(30_000)
            tab.goto(f"http://127.0.0.1:{port}/")
            tab.wait_for_selector("#sim-date", timeout=60_000)
            yield tab
        finally:
            browser.close()


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
    slider = page.locator(".v-input", has_text="Foreign commitment").locator("[role=slider]")
    slider.focus()
    commitment, risk = wagner_values()
    lowered = f"{commitment - 0.20:.2f}"
    for _ in range(4):  # four steps of 0.05 down
        slider.press("ArrowLeft")
    page.get_by_role("button", name="Reset").click()
    page.wait_for_function(
        f"document.querySelector('#sim-summary').innerText.includes('commitment {lowered}')"
    )
    summary = page.inner_text("#sim-summary")
    # The new model: back on day 0, the new commitment, the risk tolerance untouched.
    assert "2023-10-01 (day 0 of 183)" in summary
    assert f"wagner: commitment {lowered}, risk tolerance {risk:.2f}" in summary
    page.wait_for_function(
        "document.querySelector('#sim-date').innerText.endsWith('2023-10-01')", timeout=10_000
    )


def test_reset_gives_exactly_the_run_of_malisim_run_with_one_run_and_the_same_seed():
    from pandas.testing import assert_frame_equal

    from sim.app import AppModel, resolve
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
