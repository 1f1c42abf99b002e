"""Make docs/gallery.md and its stills: the last frame of every built-in scene.

Each still is rendered at 480x270 and quantized to a small palette (well under 60 KB), so
the committed images stay small; the GIFs themselves are made by `animate all`
into output/, which git ignores.

    python docs/make_gallery.py            # all scenes
    python docs/make_gallery.py saddle     # some scenes (gallery.md still lists all)
"""
from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

from PIL import Image

import optimotion
from optimotion import scenes

ROOT = Path(__file__).resolve().parent.parent

DOCS = ROOT / "docs"
STILLS = DOCS / "gallery"
SIZE = (480, 270)
COLORS = 128
MAX_BYTES = 60_000


def still(name: str) -> bytes:
    """The scene's last frame at SIZE, as a palette PNG."""
    frame = optimotion.render(name, size=SIZE, poster=True).frames[-1]
    image = Image.fromarray(frame).quantize(colors=COLORS, method=Image.Quantize.MEDIANCUT,
                                            dither=Image.Dither.NONE)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def gallery_markdown() -> str:
    lines = [
        "# Gallery",
        "",
        "Every built-in scene: its lesson, a still of its last frame (click it for the scene",
        "file) and the command that makes the GIF. `animate all` renders them all into",
        "`output/` (skipping those already up to date; `--force` renders everything, `-j N` sets",
        "how many at once). `animate --list` prints the same groups.",
        "",
        "The stills are made by `python docs/make_gallery.py`, which also writes this page.",
        "",
    ]
    for group, items in scenes.by_group():
        lines += [f"## {group}", ""]
        for item in items:
            lines += [
                f"### {item.name}",
                "",
                item.description,
                "",
                f"[![{item.name}](gallery/{item.name}.png)](../scenes/{item.name}.py)",
                "",
                "```sh",
                f"animate {item.name}      # writes output/{item.name}.gif",
                "```",
                "",
            ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="scenes to re-render (default: all)")
    args = parser.parse_args(argv)
    names = args.names or scenes.names()
    STILLS.mkdir(parents=True, exist_ok=True)
    failed = 0
    for name in names:
        started = time.perf_counter()
        try:
            data = still(name)
        except Exception as error:  # one line per failure; the other stills still render
            print(f"{name}: FAILED: {error.__class__.__name__}: {error}", file=sys.stderr)
            failed += 1
            continue
        path = STILLS / f"{name}.png"
        path.write_bytes(data)
        warning = f"  (over {MAX_BYTES:,} bytes!)" if len(data) > MAX_BYTES else ""
        print(f"{path.relative_to(ROOT)}: {len(data):,} bytes, {time.perf_counter() - started:.1f} s{warning}")
    for stale in sorted(set(p.stem for p in STILLS.glob("*.png")) - set(scenes.names())):
        (STILLS / f"{stale}.png").unlink()
        print(f"removed docs/gallery/{stale}.png (no such scene)")
    (DOCS / "gallery.md").write_text(gallery_markdown(), encoding="utf-8")
    print("docs/gallery.md written")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
