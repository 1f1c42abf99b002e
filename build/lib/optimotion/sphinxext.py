"""A Sphinx directive that renders an optimizer race while the docs build, and embeds it.

In `conf.py`: ``extensions = ["optimotion.sphinxext"]`` (with ``"myst_parser"`` for Markdown
and Jupyter Book). In a page::

    .. optimizer-animation:: saddle
       :format: webp
       :size: 640x360
       :caption: SGD lingers on the ridge; Adam and RMSprop leave.

or, in MyST Markdown::

    ```{optimizer-animation} scenes/my_scene.py
    :format: html
    ```

The argument is a built-in scene's name or a scene file, relative to the page (a scene
file is code: the build runs it). Options: ``format`` (gif, webp, mp4 or html: the
player), ``size`` (WxH) or ``preset``, ``theme``, ``view``, ``epochs``, ``fps``, ``alt``,
``caption``.

Renders are cached by content: the scene file's bytes, the options and the package's
version name a file in the cache folder (``optimotion_cache``, default
``.optimotion-cache`` beside ``conf.py``, which a clean build keeps), so an unchanged page
rebuilds without rendering. For fast drafts, ``-t skip-optimotion`` or
``-D optimotion_skip=1`` renders nothing: pages show what the cache has, or a placeholder.
"""
from __future__ import annotations

import hashlib
import html
import json
import os
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from optimotion.errors import Mistake
from optimotion.output.markup import attribute_text

logger = logging.getLogger(__name__)

FORMATS = ("gif", "webp", "mp4", "html")
MEDIA = "_optimotion"   # the folder of the built site that the animations are copied into
RENDER_OPTIONS = ("preset", "theme", "view", "epochs", "fps", "tune", "start_grid")  # passed to render as they are


class animation_node(nodes.General, nodes.Element):
    """An animation file to embed: attributes `file` (in the cache), `format`, `width`,
    `height`, `alt`."""


def _choice(values):
    return lambda argument: directives.choice(argument, values)


class OptimizerAnimation(SphinxDirective):
    required_arguments = 1
    final_argument_whitespace = False
    option_spec = {
        "format": _choice(FORMATS),
        "size": directives.unchanged_required,
        "preset": _choice(("blog", "slides", "square")),
        "theme": _choice(("light", "dark")),
        "view": _choice(("3d", "contour", "both")),
        "epochs": directives.positive_int,
        "fps": float,
        "tune": directives.positive_int,
        "start-grid": directives.positive_int,
        "alt": directives.unchanged,
        "caption": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        from optimotion import __version__, scenes

        fmt = self.options.get("format", "gif")
        try:
            scene_file = self._scene_file()
            options = self._render_options()
        except (Mistake, ValueError) as error:
            return self._problem(str(error))
        self.env.note_dependency(str(scene_file))
        key = json.dumps({"scene": hashlib.sha256(scene_file.read_bytes()).hexdigest(), "format": fmt,
                          "options": options, "version": __version__}, sort_keys=True)
        digest = hashlib.sha256(key.encode()).hexdigest()[:16]
        cached = Path(self.config.optimotion_cache) / f"{scene_file.stem}-{digest}.{fmt}"
        shape = cached.with_name(cached.name + ".json")  # its size, title and helpers, kept beside it
        shape_data = _cached_shape(cached, shape)
        if shape_data is None:
            if self.config.optimotion_skip:
                return [nodes.paragraph("", f"[optimizer animation {scene_file.stem}: not rendered in this build]",
                                        classes=["optimizer-animation-skipped"])]
            logger.info(f"optimotion: rendering {scene_file.name} as {fmt}", location=self.get_location())
            try:
                shape_data = render_into(scenes.load(scene_file), cached, fmt, options)
            except Exception as error:  # a scene's own code may raise anything: a warning, not a crash
                return self._problem(f"{scene_file.name}: {error.__class__.__name__}: {error}")
            shape_data["helpers"] = {str(path): _digest(path) for path in scenes.helper_files(scene_file)}
            _write_atomically(shape, json.dumps(shape_data).encode())
        for helper in shape_data["helpers"]:
            self.env.note_dependency(helper)
        node = animation_node(file=str(cached), format=fmt, width=shape_data["width"], height=shape_data["height"],
                              alt=self.options.get("alt") or shape_data["title"])
        self.set_source_info(node)
        if "caption" not in self.options:
            return [node]
        caption_nodes, _ = self.parse_inline(self.options["caption"], lineno=self.lineno)
        figure = nodes.figure("", node, nodes.caption("", "", *caption_nodes), classes=["optimizer-animation"])
        self.set_source_info(figure)
        return [figure]

    def _scene_file(self) -> Path:
        """The scene file: a path relative to the page, or a built-in scene by name."""
        from optimotion import scenes

        argument = self.arguments[0]
        if argument.endswith(".py") or "/" in argument:
            _, absolute = self.env.relfn2path(argument, self.env.docname)
            return scenes.resolve(absolute)
        return scenes.resolve(argument)

    def _render_options(self) -> dict:
        options = {key.replace("-", "_"): value for key, value in self.options.items()
               if key.replace("-", "_") in RENDER_OPTIONS}
        if "size" in self.options:
            width, _, height = self.options["size"].lower().partition("x")
            try:
                options["size"] = [int(width), int(height)]
            except ValueError:
                raise ValueError(f"size must be WIDTHxHEIGHT in pixels, like 640x360, got {self.options['size']!r}")\
                    from None
        return options

    def _problem(self, message: str) -> list[nodes.Node]:
        logger.warning(f"optimizer-animation: {message}", location=self.get_location())
        return [nodes.paragraph("", f"[optimizer animation: {message}]", classes=["optimizer-animation-error"])]


def _digest(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _cached_shape(cached: Path, shape: Path) -> dict | None:
    """What the cache holds of a render (its size, title and helpers), if the render is
    there, its record is whole, and no helper module it imported has changed since."""
    try:
        data = json.loads(shape.read_text(encoding="utf-8"))
        if not cached.exists() or not {"width", "height", "title", "controls", "helpers"} <= set(data):
            return None
        if any(_digest(helper) != digest for helper, digest in data["helpers"].items()):
            return None
    except (OSError, ValueError, TypeError, AttributeError):
        return None  # gone, or damaged: rendered again
    return data


def render_into(scene, path: Path, fmt: str, options: dict) -> dict:
    """Render `scene` into the file `path`; its size and title."""
    import optimotion

    keywords = {**options, "size": tuple(options["size"]) if "size" in options else None}
    optimotion.animation.check_options_for(fmt, **keywords)
    movie = optimotion.render(scene, poster=fmt == "html", notice=lambda text: logger.info(f"optimotion: {text}"),
                              **keywords)
    movie.save(path, format=fmt)
    controls = movie.below_player(movie.style) if fmt == "html" else 0
    return {"width": movie.style.width, "height": movie.style.height, "controls": controls,
            "title": movie.stage.title}


def _write_atomically(path: Path, data: bytes) -> None:
    from optimotion.output import files

    files.write_bytes(data, path)


def visit_animation_html(translator, node: animation_node) -> None:
    """The animation in the page: the file copied into the site's MEDIA folder, then an
    <img>, a <video> or the player's <iframe> pointing at it."""
    builder = translator.builder
    source = Path(node["file"])
    target = Path(builder.outdir) / MEDIA / source.name
    if not target.exists() or target.stat().st_size != source.stat().st_size:
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_atomically(target, source.read_bytes())
    page = Path(builder.get_outfilename(builder.current_docname)).parent
    src = html.escape(Path(os.path.relpath(target, page)).as_posix(), quote=True)
    width, height, alt = node["width"], node["height"], attribute_text(node["alt"])
    if node["format"] in ("gif", "webp"):
        tag = (f'<img src="{src}" alt="{alt}" width="{width}" height="{height}" loading="lazy" '
               'style="max-width:100%;height:auto">')
    elif node["format"] == "mp4":
        tag = (f'<video src="{src}" width="{width}" height="{height}" aria-label="{alt}" controls loop muted '
               f'playsinline style="max-width:100%;height:auto"><a href="{src}">{alt}</a></video>')
    else:
        shape = json.loads(Path(str(source) + ".json").read_text(encoding="utf-8"))
        tag = (f'<iframe class="optimotion-player" src="{src}" title="{alt}" loading="lazy" '
               f'style="width:100%;max-width:{width + 16}px;height:{height + shape["controls"]}px;border:0">'
               '</iframe>')
    translator.body.append(f'<div class="optimizer-animation">{tag}</div>')
    raise nodes.SkipNode


#: The docs page's part: a player says how tall it is laid out (its picture scaled to the
#: frame's width, or a phone's tall layout) and its frame takes that height, where a fixed
#: one cut the phone's layout or left a blank band under a narrow picture.
FRAME_SIZER = """
window.addEventListener("message", (event) => {
  const height = event.data && event.data.optimotionHeight;
  if (!Number.isFinite(height)) return;
  for (const frame of document.querySelectorAll("iframe.optimotion-player")) {
    if (frame.contentWindow === event.source) frame.style.height = `${Math.min(Math.max(height, 80), 5000)}px`;
  }
});
"""


def skip_node(translator, node: animation_node) -> None:
    """Builders other than HTML (LaTeX, text, ...) cannot play an animation."""
    raise nodes.SkipNode


def _settings(app, config) -> None:
    """The cache folder made absolute (relative to conf.py's folder) and kept out of the
    sources; the `skip-optimotion` tag as the setting."""
    folder = Path(app.confdir) / config.optimotion_cache
    config.optimotion_cache = str(folder)
    if folder.resolve().is_relative_to(Path(app.srcdir).resolve()):  # a cache among the sources is no source
        inside = folder.resolve().relative_to(Path(app.srcdir).resolve()).as_posix()
        config.exclude_patterns = [*config.exclude_patterns, inside, f"{inside}/**"]
    if app.tags.has("skip-optimotion"):
        config.optimotion_skip = True


def setup(app):
    app.add_config_value("optimotion_cache", ".optimotion-cache", "env")
    app.add_config_value("optimotion_skip", False, "env")
    app.add_node(animation_node, html=(visit_animation_html, None), latex=(skip_node, None),
                 text=(skip_node, None), man=(skip_node, None), texinfo=(skip_node, None))
    app.add_directive("optimizer-animation", OptimizerAnimation)
    app.add_js_file(None, body=FRAME_SIZER)
    app.connect("config-inited", _settings)
    from optimotion import __version__

    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}

