"""Before/after stills of the saddle's last frame, at 711x400, for docs/.

Before: the Optimizers notebook's pipeline (../shared/bench/seed004_reference.py). After: this project,
light and dark theme. Also refreshes docs/saddle.gif, the README's animation.

    python docs/make_stills.py [--shared ../shared]
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def last_frame(gif: Path, png: Path, frames: int | None = None) -> None:
    with Image.open(gif) as image:
        image.seek(image.n_frames - 1)
        assert frames is None or image.n_frames == frames, image.n_frames
        image.convert("RGB").save(png, optimize=True)
    print(f"{png.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        subprocess.run([sys.executable, str(args.shared / "bench" / "seed004_reference.py"), str(tmp / "before.gif")],
                       check=True, cwd=ROOT)
        last_frame(tmp / "before.gif", DOCS / "saddle-frame61-before.png")
        for theme in ("light", "dark"):
            out = tmp / f"{theme}.gif"
            subprocess.run([sys.executable, "animate.py", "saddle", "--size", "711x400", "--theme", theme,
                            "--out", str(out), "--quiet"], check=True, cwd=ROOT)
            last_frame(out, DOCS / f"saddle-frame61-{theme}.png", frames=63)
    subprocess.run([sys.executable, "animate.py", "saddle", "--size", "711x400", "--out", str(DOCS / "saddle.gif")],
                   check=True, cwd=ROOT)


if __name__ == "__main__":
    main()
