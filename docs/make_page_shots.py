"""Make docs/page-*.png: the saddle's web page in a browser at three moments.

Renders `animate saddle --format html` into a temporary folder, opens it in
headless chromium (playwright, pointed at the system's chromium as the tests do) and takes
a screenshot at each moment: the race under way, SGD leaving the view (its hover note
showing), and the end with SGD hidden by a click on its legend entry.

    python docs/make_page_shots.py [--chromium /usr/bin/chromium]
"""
from __future__ import annotations

import argparse
import io
import shutil
import tempfile
from pathlib import Path

from PIL import Image

import optimotion

ROOT = Path(__file__).resolve().parent.parent

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        path = Path(folder) / "saddle.html"
        saved = optimotion.render("saddle", poster=True).save(path)
        print(f"{path.name}: {saved.bytes:,} bytes")
        browser = playwright.chromium.launch(executable_path=args.chromium, args=ARGS)
        page = browser.new_page(viewport={"width": 976, "height": 610})
        shots = [("page-saddle-epoch-150.png", "#epoch=150", None),
                 ("page-saddle-epoch-394-hover.png", "#epoch=394", "hover"),
                 ("page-saddle-end-sgd-hidden.png", "#epoch=4000", "hide")]
        for name, fragment, action in shots:
            page.goto(path.as_uri() + fragment)
            page.wait_for_function("document.body.dataset.ready === 'true'")
            if action == "hover":  # over Adam's marker
                page.mouse.move(*_marker(page, racer=1))
                page.wait_for_timeout(100)
            if action == "hide":
                page.click("#legend .entry >> nth=0")
            image = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
            out = ROOT / "docs" / name
            image.quantize(128, method=Image.Quantize.MEDIANCUT).save(out, optimize=True)
            print(f"{out.relative_to(ROOT)}: {out.stat().st_size:,} bytes")
        browser.close()


def _marker(page, racer: int) -> tuple[float, float]:
    """Where racer's marker is on the screen (the player says where it drew it)."""
    x, y = page.evaluate("(racer) => window.animatePlayer.markerAt(racer)", racer)
    box = page.locator("#stage").bounding_box()
    return box["x"] + x, box["y"] + y


if __name__ == "__main__":
    main()
