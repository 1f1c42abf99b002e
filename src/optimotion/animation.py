"""The library's front door: `render(scene, **options)` gives an `Animation` in memory.

    import animate
    movie = animate.render("saddle", size=(640, 360), theme="dark")
    movie                      # in Jupyter: shows itself inline
    movie.save("saddle.mp4")   # the format comes from the suffix: gif mp4 webp png csv html
    movie.run.positions        # the recorded run, numpy arrays

Scene in, frames out: load the scene, simulate it, draw its frames (the processes that
draw start first and build the static picture while the simulation runs). Every rule
about the options lives here or in the record it makes (`Scene`, `style.Style`), so the
command line, a script and a notebook share them; messages speak of the keyword options.
Nothing here changes the caller's world: no matplotlib backend or rcParams, no signal
handler, no umask or priority, no module left in `sys.modules`.
"""
from __future__ import annotations

import base64
import contextlib
import io
import math
import os
import time
import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from optimotion import estimate, scenes, stops, validation
from optimotion.draw import fonts, pool
from optimotion.draw.glyphs import glyph_tracks
from optimotion.draw.stage import SLOW_HOLD_MS, Reel, Stage, lower_median, one_line, plane_stage, reel_for, stage_for
from optimotion.draw.stage import slow_start as slow_start_frames
from optimotion.draw.style import Style, size_for
from optimotion.errors import FitError, OptionError, OutputError, SceneExit, SlowRenderWarning
from optimotion.output import encoders, files
from optimotion.output.markup import attribute_text
from optimotion.simulation import plane, runner, tuning
from optimotion.simulation.alternatives import Alternatives, of_tuning, of_variants, single
from optimotion.simulation.start_grid import StartGrid, race_from_grid
from optimotion.simulation.start_grid import check_side as start_grid_side

MAX_FRAME_BYTES = 4 * 2**30  # a render's memory at its peak (the drawn frames are held until encoded) ...
BASE_BYTES = 220 * 2**20     # ... which is, measured: the code and data,
FRAME_PIXEL_BYTES = 3.3      # the frames (RGB), per pixel of each,
JOB_PIXEL_BYTES = 36         # and each drawing process's canvases and the frames it sends, per pixel,
TRACK_BYTES = 200            # and per epoch of each trajectory: the run, its copies and what is drawn of it
MIN_FPS = 0.01               # a GIF frame lasts at most 655.35 s
MAX_FPS = 120                # what screens show (an MP4 holds its first frame for fps frames)
# max_bytes: every 2nd frame while SMOOTH_FRAMES are left, then smaller pictures down to
# MIN_SIDE, then every 2nd frame again down to MIN_FRAMES.
MIN_SIDE = 160
SMOOTH_FRAMES = 30
MIN_FRAMES = 8
INLINE_WIDTH = 640           # what a notebook shows: the player at most this wide ...
PLAYER_CONTROLS = 72         # the height of a row of the page's controls, under the picture


@dataclass(frozen=True)
class Saved:
    """What `Animation.save` wrote."""
    path: Path
    bytes: int
    frames: int
    extra_paths: tuple[Path, ...] = ()
    notes: tuple[str, ...] = ()
    extra_names: tuple[str, ...] = ()  # what each extra path holds ("overview", "tuning card")


def _no_progress(phase, total):
    return contextlib.nullcontext(None)


def check_fps(fps) -> float:
    return validation.real("fps", fps, MIN_FPS, MAX_FPS,
                           expected=f"{MIN_FPS} to {MAX_FPS} frames per second (a finite number)")


def style_for(size=None, preset=None, theme="light", view="3d", orbit=0.0, dpi=100) -> Style:
    width, height = size_for(size, preset)
    return Style(width=width, height=height, dpi=dpi, theme=theme, view=view, orbit=orbit)


def memory_peak(frames: int, style: Style, jobs: int, tracked: int = 0) -> int:
    """The bytes a render holds at its peak, from peaks measured on renders of 1024x1024 to
    4096x4096 and of 250,000 and 1,000,000 starts (all processes together; see
    docs/speed.md): the frames, each drawing process's canvases and the frames on their way
    back, and the run's `tracked` epochs of trajectories (epochs + 1, times racers and starts)
    with what is worked out from them."""
    pixels = style.width * style.height
    return int(BASE_BYTES + FRAME_PIXEL_BYTES * frames * pixels + JOB_PIXEL_BYTES * max(1, jobs) * pixels
               + TRACK_BYTES * tracked)


def check_memory(frames: int, style: Style, jobs: int = 1, epochs: int = 0, trajectories: int = 0) -> None:
    tracked = (epochs + 1) * trajectories if trajectories else 0
    peak = memory_peak(frames, style, jobs, tracked)
    if peak <= MAX_FRAME_BYTES:
        return
    if TRACK_BYTES * tracked > memory_peak(frames, style, jobs) - BASE_BYTES:  # the run is most of it
        raise OptionError(f"{epochs:,} epochs of {trajectories:,} trajector{'y' if trajectories == 1 else 'ies'} "
                          "(racers times starts) would take "
                          f"{peak / 2**30:.1f} GiB of memory, over the limit of {MAX_FRAME_BYTES / 2**30:.0f} GiB: "
                          "fewer epochs or starts", option="epochs")
    raise OptionError(f"{frames:,} frames of {style.width}x{style.height} would take {peak / 2**30:.1f} GiB "
                      f"of memory, over the limit of {MAX_FRAME_BYTES / 2**30:.0f} GiB: show fewer epochs "
                      "(a show_epoch rule such as every(k), or fewer epochs) or use a smaller size")


def render(scene, *, epochs: int | None = None, max_epochs: int | None = None, size=None, preset: str | None = None,
           theme: str | None = None, view: str | None = None, orbit: float | None = None, dpi: int | None = None,
           fps: float | None = None,
           glyphs=None, slow_start: int | None = None, tune: int | None = None, start_grid: int | None = None,
           jobs: int | None = None, poster: bool = False,
           progress: Callable = _no_progress, notice: Callable[[str], None] | None = None) -> Animation:
    """Simulate a scene and draw its frames.

    Args:
        scene: a `scenes.Scene`, a built-in scene's name (`"saddle"`), or a path to a
            scene file (loading it runs its code).
        epochs, max_epochs, glyphs, slow_start: override the scene's (`Scene`).
        tune: race every racer at the learning rate one equal search of this many trials
            (2 to 200) picks for it (`simulation/tuning.py`); 0 races the scene as written
            (default: the scene's `tune`). The animation's `tuning` holds the search.
        start_grid: for the web page, race from every point of a grid this many points a
            side (2 to 40) over the surface: a click on the page's map restarts the race
            from the nearest (`simulation/start_grid.py`).
        size: (width, height) in pixels, 16 to 4096 each; or `preset`: "blog" 960x540
            (the default), "slides" 1280x720, "square" 800x800 (`size` wins).
        theme: "light" (the default) or "dark". view: "3d", "contour" or "both" (default:
            the scene's `view`, or "3d").
        orbit: degrees the 3-D view turns from the first frame to the last (a 3-D view's).
        dpi: 50 to 150 (default 100): larger text and lines at the same size in pixels, as far
            as the frame holds them (150 from 960x540 up, 100 at 480x270: `Style.dpi_room`).
        fps: frames per second (default 10; the first frame is held 1 s, the last 2 s).
        jobs: processes that draw the frames (default up to 2, or 1 for a render too small
            to repay starting them: `pool.default_jobs`; the frames are the same for any
            number).
        poster: draw only the last frame (enough for a PNG poster).
        progress: `progress(phase, total)` gives a context manager that yields an
            `advance(n)` function (or None), for the phases "simulate" and "render" (and
            for a race over a model "project" and "landscape").
        notice: `notice(text)` is told, before the work starts, that a render will take
            long ("this render will take about 4 min, mostly ..."; `estimate.py`); by
            default that is a `SlowRenderWarning`.
    """
    scene = scenes.load(scene) if isinstance(scene, (str, os.PathLike)) else scene
    if not isinstance(scene, scenes.Scene):
        raise TypeError(f"scene must be a Scene, a scene name or a path to a scene file, got {type(scene).__name__}")
    try:
        changes = {key: value for key, value in (("max_epochs", max_epochs), ("epochs", epochs), ("glyphs", glyphs),
                                                 ("slow_start", slow_start)) if value is not None}
        scene = scene.with_options(**changes) if changes else scene
        view = view or scene.view or "3d"
        if orbit and (view == "contour" or scene.surface.dim == 1):
            drawn = "a 1-D curve" if scene.surface.dim == 1 else "a contour map"
            raise OptionError(f"orbit turns a 3-D view, and this one has none ({drawn}): leave out orbit, or draw "
                              "a 3-D view", option="orbit")
        style = style_for(size, preset, theme or "light", view, orbit or 0.0, 100 if dpi is None else dpi)
        fps = check_fps(10.0 if fps is None else fps)
        jobs = None if jobs is None else validation.integer("jobs", jobs, 1)
        tune = scene.tune if tune is None else (None if tune == 0 else scenes.check_tune(tune))
        start_grid = None if start_grid is None else check_start_grid(scene, start_grid)
        if tune is not None and scene.variants is not None:
            raise OptionError("tune picks every racer's lr by one search, and this scene's variants sweep a "
                              "hyperparameter by hand: leave out tune, or race a scene without variants", option="tune")
    except validation.LimitError:
        raise
    except ValueError as error:
        raise OptionError(str(error)) from None
    with scene_code() as guard:
        trajectories = len(scene.racers) * (len(scene.starts) + (start_grid or 0) ** scene.surface.dim)
        check_memory(1, style, 1, scene.epochs, trajectories)  # the run alone, before its frames are picked
        count = scene.frame_count  # runs the scene's frame rule: its errors are its own
        if not scene.follows_the_run and not scene.picked_epochs:
            raise OptionError(f"the scene's show_epoch rule selects no epoch from 0 to {scene.epochs:,}")
        if jobs is None:
            jobs = pool.default_jobs(1 if poster else count, style.width * style.height)
        frames = 1 if poster else count
        drawing = pool.useful_jobs(jobs, frames)
        check_memory(frames, style, drawing, scene.epochs, trajectories)
        runner.at_start(scene)  # a surface that cannot be drawn says so here, before any work
        gradient = estimate.gradient_seconds(scene)
        seconds = estimate.render_seconds(scene, style, drawing, frames, gradient,
                                          passes=plane.passes(scene) if scene.over_model else 1)
        if tune is not None:
            seconds["tune"] = estimate.tune_seconds(scene, tune, jobs)
        said = estimate.notice(scene, style, drawing, frames, seconds)
        if said:
            if notice is None:
                warnings.warn(said, SlowRenderWarning, stacklevel=2)
            else:
                notice(said)
        searched, as_written = None, None
        if tune is not None:
            tasks = len(tuning.tasks_for(scene, tune))
            with progress("tune", tasks) as advance:
                searched = tuning.tune(scene, tune, jobs, advance, tick=guard.check)
            as_written, scene = scene, tuning.tuned_scene(scene, searched)
        raced = None
        if scene.over_model:  # its picture is the plane of its race: known after the run
            raced = plane.race(scene, progress)
            run, stage = raced.run, plane_stage(scene, raced, plane.landscape(scene, raced, style.mesh, progress))
        else:
            stage = stage_for(scene, style.mesh)
        if searched is not None:
            stage = replace(stage, caption=" · ".join(filter(None, (searched.stamp(stage.value_name), stage.caption))))
        with pool.FramePool(stage, style, jobs, frames=1 if poster else count) as frame_pool:
            check_text(stage)  # here: a title beyond Latin, Greek and maths loads the fonts, beside the workers
            if raced is None:
                with progress("simulate", scene.epochs) as advance:
                    run = runner.simulate(scene, progress=advance, tick=guard.check)
            if scene.variants is not None:
                others = of_variants(scene, run, progress)
            elif as_written is not None and not scene.over_model:  # a model's page draws one plane: one race
                others = of_tuning(run, as_written, searched.stamp(stage.value_name), progress)
            else:
                others = single(run)
            grid = None
            if start_grid is not None:
                with progress("simulate", scene.epochs) as advance:
                    grid = race_from_grid(scene, start_grid, advance)
            frame_epochs, phases = slow_start_frames(scene.frame_epochs_for(run.positions), scene.slow_start)
            tracks = run.tracks._replace(glyphs=glyph_tracks(scene, run.state, run.positions, stage.domain,
                                                             frame_epochs))
            reel = reel_for(stage, tracks, frame_epochs, phases)
            indices = [len(reel.frame_epochs) - 1] if poster else list(range(len(reel.frame_epochs)))
            with progress("render", len(indices)) as advance:
                frames = frame_pool.render(reel, indices, progress=advance)
    movie = Animation(run, stage, reel, style, fps, tuple(indices), frames, jobs)
    movie.alternatives, movie.tuning, movie.start_grid = others, searched, grid
    movie.plane = None if raced is None else raced.plane
    movie.test_accuracy = None if raced is None else raced.accuracy
    return movie


def render_and_save(scene, out, format: str | None = None, max_bytes: int | None = None,
                    progress: Callable = _no_progress, **options) -> tuple[Saved, Animation, float]:
    """`render(scene, **options)` then `save(out, format, max_bytes)`, drawing only the last
    frame where the format needs no more (png, html, csv); what was saved, the animation,
    and the seconds it all took."""
    started = time.perf_counter()
    try:
        fmt = encoders.format_for(None if hasattr(out, "write") else out, format)
    except ValueError as error:
        raise OptionError(str(error), option="format") from None
    check_options_for(fmt, max_bytes=max_bytes, **options)
    if not hasattr(out, "write"):
        name = Path(scene).stem if isinstance(scene, (str, os.PathLike)) else "animation"
        files.output_target(out, example=f"{name}.{fmt}")  # a path that cannot be written says so before the work
    movie = render(scene, poster=fmt in ("png", "html", "csv"), progress=progress, **options)
    saved = movie.save(out, format=fmt, max_bytes=max_bytes, progress=progress)
    return saved, movie, time.perf_counter() - started


#: The formats each option shapes. An option given for another format does nothing there,
#: and is refused rather than silently ignored.
PICTURES = ("gif", "webp", "mp4", "png", "html")
MOVING = ("gif", "webp", "mp4", "html")
OPTION_FORMATS = {"size": PICTURES, "preset": PICTURES, "theme": PICTURES, "view": PICTURES, "dpi": PICTURES,
                  "glyphs": PICTURES, "orbit": ("gif", "webp", "mp4", "png"), "fps": MOVING, "slow_start": MOVING,
                  "max_bytes": MOVING, "start_grid": ("html",)}


WHY_NOT = {"csv": "a CSV holds the run's numbers, no picture", "png": "a PNG is one still picture",
           **{movie: "a movie plays the race it was drawn with" for movie in ("gif", "webp", "mp4")},
           "html": "the web page draws the 3-D view once, so it cannot turn"}


def check_start_grid(scene: scenes.Scene, side) -> int:
    if scene.over_model:
        raise OptionError(f"start_grid: model {scene.surface.name!r} is drawn on the plane of its race, fitted to "
                          "its starts; there is no map to start anywhere on: leave out start_grid",
                          option="start_grid")
    return start_grid_side(side)


def check_options_for(fmt: str, **options) -> None:
    """Refuse, in one line, an option given (not None, not False) for a format it does not
    shape: fps for a CSV, orbit for the page (which draws the 3-D view once), ..."""
    for option, value in options.items():
        formats = OPTION_FORMATS.get(option)
        if formats is not None and value is not None and value is not False and fmt not in formats:
            raise OptionError(f"{option} applies to {', '.join(formats)}, not {fmt}: {WHY_NOT[fmt]}; leave it out",
                              option=option)


def write_one(data: bytes, path: Path, stream) -> int:
    return files.write_stream(data, stream) if stream is not None else files.write_bytes(data, path)


def check_text(stage: Stage) -> None:
    """A title or label with characters no installed font has is refused (it would be
    drawn as boxes, with a warning per glyph)."""
    for what, text in [("title", stage.title), *(("label", label) for label in stage.labels)]:
        lone = "".join(dict.fromkeys(c for c in text if unicodedata.category(c) == "Cs"))
        if lone:
            raise OptionError(f"the {what} {text!r} is not whole text: it has lone halves of a character "
                              f"({ascii(lone)[1:-1]}, surrogates), which no font draws: leave them out")
        controls = "".join(dict.fromkeys(c for c in text if unicodedata.category(c) == "Cc"))
        if controls:
            raise OptionError(f"the {what} {text!r} has control characters ({ascii(controls)[1:-1]}), which are not "
                              "text a picture can show: leave them out")
        absent = fonts.missing(text)
        if absent:
            raise OptionError(f"the {what} '{text}' has characters that no installed font draws ({absent}): they "
                              "would show as boxes; leave them out, or install a font that has them (Debian: "
                              "fonts-noto-cjk for Chinese, Japanese and Korean, fonts-noto-color-emoji for emoji)")


@contextlib.contextmanager
def scene_code():
    """The boundary where a scene's code runs (a scene's functions are called from inside
    the render): an exit from it is an error, not the end of the program."""
    try:
        with stops.handlers_kept() as guard:
            yield guard
    except SystemExit as exit:
        raise SceneExit(f"the scene's code called sys.exit({exit.code!r}); raise an exception to stop "
                        "a render").with_traceback(exit.__traceback__) from None


class Animation:
    """A rendered scene: its recorded run, its frames, and `save` to any format.

    run:     the `runner.Run` (positions, values, diverged_at as numpy arrays).
    frames:  the drawn frames, (height, width, 3) uint8 each; `frame_epochs` their epochs.
    plane:   for a race over a model, the `plane.Plane` it is drawn on (run.positions are
             then its coordinates, run.off_plane how far off it); else None.
    test_accuracy: for a race over a model, (racers, starts) at the last epoch; else None.
    """

    plane: plane.Plane | None = None
    test_accuracy: np.ndarray | None = None
    alternatives: Alternatives | None = None
    tuning: tuning.Tuning | None = None
    start_grid: StartGrid | None = None

    def __init__(self, run: runner.Run, stage: Stage, reel: Reel, style: Style, fps: float,
                 indices: tuple[int, ...], frames: list[np.ndarray], jobs: int = 1):
        self.run, self.stage, self.reel, self.style, self.fps = run, stage, reel, style, fps
        self.indices, self.frames, self.jobs = indices, frames, jobs  # `frames` are the reel's at `indices`
        self._inline = self._inline_gif_bytes = None

    @property
    def scene(self) -> scenes.Scene:
        return self.run.scene

    @property
    def frame_epochs(self) -> list[int]:
        return [self.reel.frame_epochs[i] for i in self.indices]

    def holds(self, indices) -> list[int]:
        """Milliseconds each of the reel's frames at `indices` is held at least: a
        slow-started update's frames SLOW_HOLD_MS, others none (0)."""
        phases = self.reel.phases
        return [SLOW_HOLD_MS if phases and phases[i] is not None else 0 for i in indices]

    @property
    def diverged(self) -> int:
        """How many trajectories (racer and start) diverged (blew up, or lost their gradient)."""
        return int(np.sum(self.run.diverged_at != runner.NEVER))

    @property
    def without_gradient(self) -> int:
        """How many of those ended where autograd gave no gradient (a tip or a kink)."""
        return 0 if self.run.no_gradient is None else int(np.sum(self.run.no_gradient))

    def __repr__(self) -> str:
        return (f"<Animation of {self.stage.title!r}: {len(self.frames)} frames of "
                f"{self.style.width}x{self.style.height}, epochs 0 to {self.scene.epochs:,}>")

    def summary(self) -> list[str]:
        """What the end of a race over a model says, a line each (nothing for a surface):
        the plane's share of the paths' variance, then each racer's final training loss,
        test accuracy and distance off the plane (medians over several starts)."""
        if self.plane is None:
            return []
        pc1, pc2 = self.plane.explained
        lines = [f"the plane of the race holds {pc1:.0%} (PC1) and {pc2:.0%} (PC2) of the paths' variance"]
        several = " (the median of its starts)" if self.stage.n_starts > 1 else ""
        for r, label in enumerate(self.run.labels):
            if np.all(self.run.diverged_at[r] != runner.NEVER):
                lines.append(f"{one_line(label)}: diverged at epoch {int(self.run.diverged_at[r].min()):,}")
                continue
            loss, accuracy, off = (lower_median(numbers[r])
                                   for numbers in (self.run.values[-1], self.test_accuracy, self.run.off_plane[-1]))
            tested = "" if accuracy is None else f", test accuracy {accuracy:.1%}"
            lines.append(f"{one_line(label)}: training loss {loss:.4g}{tested}, {off:.0%} off the plane{several}")
        return lines

    def key_colors(self, style: Style) -> list[str]:
        from optimotion.draw.picture import stage_key_colors  # here: the command line quiets matplotlib first

        return stage_key_colors(self.stage, style)

    def to_bytes(self, fmt: str = "gif") -> bytes:
        """The file's bytes in `fmt` (gif, mp4, webp, png, csv, html), without writing a file."""
        fmt = encoders.format_for(None, fmt)
        if fmt == "csv":
            if self.plane is not None:
                extras = (("off_plane", self.run.off_plane), ("plane_loss", self.run.plane_loss))
                return encoders.encode_csv([one_line(label) for label in self.run.labels], self.run.positions,
                                           self.run.values, names=("pc1", "pc2", "loss"), extras=extras)
            return encoders.encode_csv(self.stage.labels, self.run.positions, self.run.values, state=self.run.state)
        if fmt == "html":
            return self.page()
        return encoders.encode(self.frames, fmt, self.fps, self.key_colors(self.style), self.holds(self.indices))

    def page(self, style: Style | None = None, phone: bool = True) -> bytes:
        """The self-contained web page that plays this run (see `page.py`), in `style`
        (default: the animation's own); with `phone`, also laid out tall for a phone held
        upright (a notebook's player, in a wide frame of its own, never is)."""
        from optimotion.output import page

        style = style or self.style
        if style.orbit and self.stage.dim == 2 and style.view != "contour":
            raise OptionError("orbit: the web page draws the 3-D view once, so it cannot turn; leave out "
                              "orbit for html, or write gif, webp, mp4 or png", option="orbit")
        with scene_code():  # a variant's frames are picked by the scene's own rule
            card = None if self.tuning is None else encoders.encode_png(self.tuning_card(style))
            return page.build(self.alternatives or single(self.run), self.stage, style, self.fps,
                              self.reel, card, self.start_grid, phone=phone)

    def overview(self) -> np.ndarray:
        """A still of the whole trails on a contour map (the curve in 1-D)."""
        from optimotion.draw.overview import overview

        return overview(self.stage, self.reel, self.style)

    def save(self, path, format: str | None = None, max_bytes: int | None = None,
             progress: Callable = _no_progress) -> Saved:
        """Write the animation to `path`; the format from `format` or the suffix.

        `path` is a file name, or an open binary stream (`sys.stdout.buffer`; give
        `format`). A file is written by the output rule (`files.output_target`): a plain
        file is replaced atomically, keeping its permissions and links; a device, FIFO or
        stream is written in place. png writes the last frame (a poster) and
        PATH-overview.png beside it (both, or neither); html the web page that plays the
        run (every variant of a scene with `variants`). `max_bytes` (gif, webp, mp4) keeps
        the file under that many bytes: every 2nd frame (while 30 are left), then smaller
        pictures (down to 160 pixels a side), then fewer frames; a page over it is a FitError.
        """
        stream = path if hasattr(path, "write") else None
        if stream is not None and (isinstance(stream, io.TextIOBase) or "b" not in getattr(stream, "mode", "b")):
            raise OptionError("save writes bytes: give a binary stream (such as sys.stdout.buffer or a file opened "
                              "with 'wb'), not a text stream")
        if stream is not None and callable(getattr(stream, "isatty", None)) and stream.isatty():
            raise OutputError("the stream is a terminal, which would show the file's bytes as noise: send it to a "
                              "file or a pipe (> file, | program)")
        if stream is None:  # a path: its rule first (a folder's trailing '/' is lost to Path)
            files.output_target(path)
        if stream is None and not os.fspath(path):
            raise OutputError("the output path is empty: give a file name")
        path = Path("-") if stream is not None else Path(path)
        try:
            fmt = encoders.format_for(None if stream is not None else path, format)
            max_bytes = validation.optional(validation.integer, "max_bytes", max_bytes, 1)
        except ValueError as error:
            raise OptionError(str(error)) from None
        check_options_for(fmt, max_bytes=max_bytes)
        if stream is None and path.is_dir():
            raise OutputError(f"output path is a directory: {path}")
        try:
            return self._save(path, stream, fmt, max_bytes, progress)
        except OSError as error:
            if isinstance(error, OutputError):
                raise
            raise OutputError(f"cannot write {path}: {error.strerror or error}") from None

    def _save(self, path: Path, stream, fmt: str, max_bytes: int | None, progress: Callable) -> Saved:
        notes: tuple[str, ...] = ()
        extras: list[tuple[bytes, Path, str]] = []  # files beside the file: written with it, or none is
        if fmt == "csv":
            data, frames = self.to_bytes("csv"), 0
        elif fmt == "html":
            data, frames = self.page(), len(self.reel.frame_epochs)
            if max_bytes is not None and len(data) > max_bytes:
                lighter = "a smaller start grid, a smaller size, or fewer epochs" if self.start_grid is not None \
                    else "a smaller size, or fewer epochs"
                raise FitError(f"cannot fit in {max_bytes:,} bytes: the page is {len(data):,} bytes ({lighter} "
                               "makes it lighter)")
        elif fmt == "png":
            data, frames = encoders.encode_png(self.frames[-1]), 1
            if stream is not None:
                notes += ("the overview is not written: a stream holds one file",)
            else:
                extras.append((encoders.encode_png(self.overview()), path.with_name(f"{path.stem}-overview.png"),
                               "overview"))
        else:
            data, frames, notes = self._fit(fmt, max_bytes, progress)
        if self.tuning is not None and fmt == "csv":
            notes += ("the tuning card is not written beside a CSV: the run is the tuned race, the picks are in "
                      "tuning_summary() and on the command line's report",)
        if self.tuning is not None and fmt != "csv":
            if stream is not None:
                notes += ("the tuning card is not written: a stream holds one file",)
            else:
                extras.append((encoders.encode_png(self.tuning_card()), path.with_name(f"{path.stem}-tuning.png"),
                               "tuning card"))
        if not extras:
            return Saved(path, write_one(data, path, stream), frames, notes=notes)
        files.write_files([(data, path), *((extra, where) for extra, where, _ in extras)])  # all, or none
        return Saved(path, len(data), frames, tuple(where for _, where, _ in extras), notes,
                     tuple(what for _, _, what in extras))

    def tuning_card(self, style: Style | None = None) -> np.ndarray:
        """The tuning card's pixels (`draw/tuning_card.py`): each racer's final value against
        the learning rates it was tried at, its pick ringed. Only for a tuned render."""
        from optimotion.draw.tuning_card import tuning_card

        if self.tuning is None:
            raise OptionError("this animation was not tuned: render it with tune=N for a tuning card", option="tune")
        return tuning_card(self.tuning, self.stage.labels, self.stage.kinds, style or self.style, self.stage.title,
                           self.stage.value_name)

    def tuning_summary(self) -> list[str]:
        """What the search picked, a line per racer: "Adam(lr=0.0464): final z 0.0031"."""
        from optimotion.draw.frames import compact  # here: matplotlib loads once the render needs it

        if self.tuning is None:
            return []
        lines = []
        for label, score in zip(self.stage.labels, self.tuning.picked_scores):
            said = f"final {self.stage.value_name} {compact(score)}" if math.isfinite(score) else \
                f"diverged at every one of the {len(self.tuning.lrs)} learning rates (raced at the smallest)"
            lines.append(f"{label}: {said}")
        away = [label for r, label in enumerate(self.stage.labels) if not self.reel.in_view[-1, r].any()]
        if away:
            named = away[0] if len(away) == 1 else f"{', '.join(away[:-1])} and {away[-1]}"
            lines.append(f"{named} end{'s' if len(away) == 1 else ''} out of the view: the search "
                         "scores the final value wherever a racer ends (on a surface without a bottom, the one "
                         "that ran furthest)")
        return lines

    def _fit(self, fmt: str, max_bytes: int | None, progress: Callable) -> tuple[bytes, int, tuple[str, ...]]:
        """The bytes in `fmt`, made to fit `max_bytes`; the frame count and what was done."""
        style, fps, indices, frames = self.style, self.fps, list(self.indices), self.frames
        colors = self.key_colors(style)
        kept_every, shrunk = 1, False
        while True:
            with progress("encode", 1) as advance:
                data = encoders.encode(frames, fmt, fps, colors, self.holds(indices))
                if advance:
                    advance(1)
            if max_bytes is None or len(data) <= max_bytes:
                break
            fewer = indices[:-1][::2] + indices[-1:]
            width, height = int(style.width * 0.8) // 2 * 2, int(style.height * 0.8) // 2 * 2
            can_shrink = min(width, height) >= MIN_SIDE
            if len(fewer) >= (SMOOTH_FRAMES if can_shrink else MIN_FRAMES):
                by_index = dict(zip(indices, frames))
                indices, frames = fewer, [by_index[i] for i in fewer]
                fps /= 2
                kept_every *= 2
                continue
            if not can_shrink:
                raise FitError(f"cannot fit in {max_bytes:,} bytes: {len(data):,} bytes even at "
                               f"{style.width}x{style.height} with {len(indices)} frames")
            style = replace(style, width=width, height=height)
            shrunk = True
            with progress("render", len(indices)) as advance:
                stage = self.stage
                frames = pool.render_frames(stage, self.reel, style, self.jobs, indices, advance)
        notes = ([f"kept 1 frame in {kept_every} at {fps:g} fps"] if kept_every > 1 else []) \
            + ([f"shrank to {style.width}x{style.height}"] if shrunk else [])
        if notes:
            notes = [f"to fit in {max_bytes:,} bytes: " + ", ".join(notes)]
        if fmt in ("gif", "webp") and fps > encoders.MAX_GIF_FPS:
            notes.append(f"a {fmt.upper()} plays at most {encoders.MAX_GIF_FPS:g} frames per second (browsers slow "
                         f"shorter frames down to 10): this one plays at {encoders.MAX_GIF_FPS:g}, not {fps:g}")
        if fmt == "mp4" and (style.width % 2 or style.height % 2):
            notes.append(f"H.264 needs even sides: {style.width}x{style.height} was padded to "
                         f"{style.width + style.width % 2}x{style.height + style.height % 2} (the edge repeated)")
        return data, len(frames), tuple(notes)

    # -- Jupyter ------------------------------------------------------------------------
    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        """Inline in a notebook: the player (`_repr_html_`), and the GIF for viewers that
        run no script and show no frame (GitHub's preview, nbviewer), at the same size."""
        return {"text/html": self._repr_html_(), "image/gif": base64.b64encode(self._inline_gif()).decode("ascii"),
                "text/plain": repr(self)}

    def _repr_html_(self) -> str:
        """The web page's player in a sandboxed iframe, at most INLINE_WIDTH pixels wide (a
        larger animation's picture is drawn again at that width). A 3-D view that orbits
        cannot be a page: that one shows as its GIF."""
        if self._inline is None:
            style = self._inline_style()
            if style.orbit and self.stage.dim == 2 and style.view != "contour":
                data = base64.b64encode(self._inline_gif()).decode("ascii")
                self._inline = (f'<img src="data:image/gif;base64,{data}" alt="{attribute_text(self.stage.title)}" '
                                'style="max-width:100%">')
            else:
                page = self.page(style, phone=False).decode("utf-8")
                controls = self.below_player(style)
                # sandboxed: the player runs, without the notebook's origin (its cookies, its kernel)
                self._inline = (f'<iframe srcdoc="{attribute_text(page)}" title="{attribute_text(self.stage.title)}" '
                                'sandbox="allow-scripts" '
                                f'style="width:100%;max-width:{style.width + 16}px;height:{style.height + controls}px;'
                                f'border:0" loading="lazy"></iframe>')
        return self._inline

    def below_player(self, style: Style) -> int:
        """The pixels the page takes under the picture: its rows of controls (the player's;
        a slider between alternatives; a start anywhere's) and a tuning card."""
        rows = 1 + (self.alternatives is not None and len(self.alternatives.runs) > 1) + (self.start_grid is not None)
        return PLAYER_CONTROLS * rows + (style.height if self.tuning is not None else 0)

    def _inline_style(self) -> Style:
        style = self.style
        if style.width <= INLINE_WIDTH:
            return style
        scale = INLINE_WIDTH / style.width
        return replace(style, width=INLINE_WIDTH, height=max(16, math.floor(style.height * scale)))

    def _inline_gif(self) -> bytes:
        """The GIF at the inline size (frames drawn again if that is not this size)."""
        if self._inline_gif_bytes is None:
            style, inline = self._inline_style(), self
            if style != self.style:
                frames = pool.render_frames(self.stage, self.reel, style, self.jobs, list(self.indices))
                inline = Animation(self.run, self.stage, self.reel, style, self.fps, self.indices, frames)
            self._inline_gif_bytes = inline.to_bytes("gif")
        return self._inline_gif_bytes

