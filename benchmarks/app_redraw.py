"""How long the web app takes to step and redraw, and the README's screenshot of it.

Two measures at the scenario's resolution (kidal_2023: 0.25 degrees, the default):
1. in process: one model step plus drawing the map and the charts to PNG, as the server does;
2. in the browser: from a click on Step to the page showing the next day's date and new images
   (server + websocket + browser), with ``malisim viz`` and Debian's headless Chromium.

    .venv/bin/python benchmarks/app_redraw.py [--steps 20] [--screenshot results/figures/app.png]
"""

from __future__ import annotations

import argparse
import io
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.test_app import CHROMIUM, CHROMIUM_ARGS, free_port  # noqa: E402


def in_process(steps: int) -> list[float]:
    from sim.app.single import (
        draw_charts,
        draw_map,
        initial_model,
        launch_scenario,
        model_params,
    )

    model = initial_model(model_params(launch_scenario()))
    for _ in range(30):  # a month in, so the charts have a history
        model.step()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        model.step()
        for fig in (draw_map(model, model.control_today), draw_charts(model)):
            fig.savefig(io.BytesIO(), format="png", dpi=90)
        times.append(time.perf_counter() - start)
    return times


def in_browser(steps: int, screenshot: Path | None) -> list[float]:
    from playwright.sync_api import sync_playwright

    port = free_port()
    malisim = Path(sys.executable).with_name("malisim")
    proc = subprocess.Popen(
        [str(malisim), "viz", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.3)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_selector("#sim-date", timeout=60_000)
            times = []
            for _ in range(steps):
                date = page.inner_text("#sim-date")
                src = page.locator("#sim-charts img").first.get_attribute("src")
                start = time.perf_counter()
                page.get_by_role("button", name="Step").click()
                page.wait_for_function(
                    "([d, s]) => document.querySelector('#sim-date').innerText !== d"
                    " && document.querySelector('#sim-charts img').src !== s",
                    arg=[date, src],
                )
                times.append(time.perf_counter() - start)
            if screenshot is not None:
                # Play six weeks so the README shows a war under way, then pause.
                page.get_by_role("button", name="▶").click()
                page.wait_for_function(
                    "document.querySelector('#sim-date').innerText >= 'Simulated day: 2023-11-15'",
                    timeout=300_000,
                )
                page.get_by_role("button", name="❚❚").click()
                page.wait_for_timeout(1500)
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(screenshot), type="png")
            browser.close()
        return times
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


def report(name: str, times: list[float]) -> None:
    print(
        f"{name}: median {statistics.median(times) * 1000:.0f} ms, "
        f"max {max(times) * 1000:.0f} ms over {len(times)} steps"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--screenshot", type=Path, default=None)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    report("step + draw map and charts to PNG (in process)", in_process(args.steps))
    report("click Step -> new date and charts in Chromium", in_browser(args.steps, args.screenshot))


if __name__ == "__main__":
    main()
