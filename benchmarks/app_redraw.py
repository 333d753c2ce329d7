"""How long the web app takes to step and redraw, and the README's screenshot of it.

Two measures at the scenario's resolution (kidal_2023: 0.25 degrees, the default):
1. in process: one model step plus drawing the map and the charts to PNG, as the server does;
2. in the browser: from a click on Step to the page showing the next day's date and new images
   (server + websocket + browser), with ``malisim viz`` and Debian's headless Chromium.

    .venv/bin/python benchmarks/app_redraw.py [--steps 20] [--screenshot results/figures/app.png]

Writes ``benchmarks/results/app_redraw.json`` (every time, the medians, the load average before),
which docs/APP.md quotes; ``--out`` writes elsewhere.
"""

from __future__ import annotations

import argparse
import io
import json
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


def in_process(steps: int) -> dict[str, list[float]]:
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
    times: dict[str, list[float]] = {"step": [], "map": [], "charts": [], "total": []}
    for _ in range(steps):
        start = time.perf_counter()
        model.step()
        stepped = time.perf_counter()
        draw_map(model, model.control_today).savefig(io.BytesIO(), format="png", dpi=90)
        mapped = time.perf_counter()
        draw_charts(model).savefig(io.BytesIO(), format="png", dpi=90)
        done = time.perf_counter()
        times["step"].append(stepped - start)
        times["map"].append(mapped - stepped)
        times["charts"].append(done - mapped)
        times["total"].append(done - start)
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
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "app_redraw.json"
    )
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"load average before: {load:.1f} on {os.cpu_count()} cores")
    parts = in_process(args.steps)
    report("step + draw map and charts to PNG (in process)", parts["total"])
    browser = in_browser(args.steps, args.screenshot)
    report("click Step -> new date and charts in Chromium", browser)
    summary = {
        "scenario": "kidal_2023",
        "steps": args.steps,
        "load_average_before": round(load, 2),
        "cores": os.cpu_count(),
        "seconds": {**parts, "browser": browser},
        "median_seconds": {
            k: statistics.median(v) for k, v in {**parts, "browser": browser}.items()
        },
        "max_browser_seconds": max(browser),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
