"""The docs directive (`optimotion.sphinxext`): a small Sphinx project of a reStructuredText
and a MyST page, built, built again from the cache, built as a draft, and opened in Chromium."""
import io
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

pytestmark = pytest.mark.xdist_group("browser")  # it ends in the browser these tests share
sphinx_application = pytest.importorskip("sphinx.application")

CONF = 'extensions = ["optimotion.sphinxext", "myst_parser"]\nproject = "Races"\n'
INDEX = """Races
=====

.. toctree::

   lessons/mine

.. optimizer-animation:: saddle
   :format: gif
   :size: 160x90
   :epochs: 20
   :caption: The saddle, *small*.

.. optimizer-animation:: saddle
   :format: html
   :size: 320x180
   :epochs: 20
   :alt: The saddle, to play
"""
MINE = """# Mine

```{optimizer-animation} my_scene.py
:format: webp
:size: 160x90
:theme: dark
:alt: my bowl
```
"""
SCENE = ('"""Mine."""\nfrom optimotion import SGD, Adam, Scene\n'
         'SCENE = Scene("bowl", start=(1.0, 2.0), optimizers=[SGD(lr=0.1), Adam(lr=0.1)], epochs=10)\n')


def build(source: Path, out: Path, *tags: str) -> str:
    """Build the HTML; what Sphinx said (its status and warnings)."""
    from sphinx.util.docutils import docutils_namespace

    said = io.StringIO()
    with docutils_namespace():  # as sphinx-build does: each build registers its nodes afresh
        app = sphinx_application.Sphinx(str(source), str(source), str(out), str(out / ".doctrees"), "html",
                                        status=said, warning=said, freshenv=True, tags=list(tags))
        app.build()
    return said.getvalue()


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    source = tmp_path_factory.mktemp("docs")
    (source / "lessons").mkdir()
    (source / "conf.py").write_text(CONF)
    (source / "index.rst").write_text(INDEX)
    (source / "lessons" / "mine.md").write_text(MINE)
    (source / "lessons" / "my_scene.py").write_text(SCENE)
    out = tmp_path_factory.mktemp("site")
    said = build(source, out)
    return source, out, said


def embedded(page: Path) -> list[str]:
    return re.findall(r'<div class="optimizer-animation">(<(?:img|video|iframe)[^>]*>)', page.read_text())


def test_each_page_embeds_its_render(project):
    source, out, said = project
    assert said.count("optimotion: rendering") == 3 and "WARNING" not in said, said
    index, mine = embedded(out / "index.html"), embedded(out / "lessons" / "mine.html")
    assert len(index) == 2 and index[0].startswith('<img src="_optimotion/saddle-') and 'width="160"' in index[0]
    assert index[1].startswith('<iframe class="optimotion-player" src="_optimotion/saddle-')
    assert 'title="The saddle, to play"' in index[1]
    assert "The saddle, <em>small</em>." in (out / "index.html").read_text()  # the caption, as markup
    assert mine[0].startswith('<img src="../_optimotion/my_scene-') and 'alt="my bowl"' in mine[0]
    for tag in index + mine:
        file = out / "lessons" / re.search(r'src="([^"]+)"', tag).group(1) if "../" in tag else \
            out / re.search(r'src="([^"]+)"', tag).group(1)
        assert file.exists()
    with Image.open(next((out / "_optimotion").glob("my_scene-*.webp"))) as webp:
        assert webp.size == (160, 90) and webp.n_frames == 6  # show_epoch over 0..10: every 2nd


def test_a_second_build_renders_nothing(project):
    source, out, _ = project
    cache = source / ".optimotion-cache"
    before = {path.name: path.stat().st_mtime_ns for path in cache.iterdir()}
    again = out.parent / "again"
    said = build(source, again)
    assert "optimotion: rendering" not in said, said
    assert {path.name: path.stat().st_mtime_ns for path in cache.iterdir()} == before
    assert embedded(again / "index.html") == embedded(out / "index.html")
    shutil.rmtree(again)


def test_a_draft_build_renders_nothing_new(project):
    source, out, _ = project
    changed = source / "lessons" / "mine.md"
    changed.write_text(MINE.replace(":theme: dark", ":theme: light"))  # not in the cache
    try:
        draft = out.parent / "draft"
        said = build(source, draft, "skip-optimotion")
        assert "optimotion: rendering" not in said
        placeholder = "[optimizer animation my_scene: not rendered in this build]"
        assert placeholder in (draft / "lessons" / "mine.html").read_text()
        assert len(embedded(draft / "index.html")) == 2  # what the cache has is still shown
    finally:
        changed.write_text(MINE)


def test_a_missing_scene_is_a_warning_not_a_failed_build(tmp_path):
    (tmp_path / "conf.py").write_text(CONF)
    (tmp_path / "index.rst").write_text("T\n=\n\n.. optimizer-animation:: nowhere.py\n")
    said = build(tmp_path, tmp_path / "out")
    assert re.search(r"index.rst:4: WARNING: optimizer-animation: scene file not found: .*nowhere\.py", said), said


def test_the_site_shows_the_gif_and_plays_the_player(project, browser):
    _, out, _ = project
    page = browser.new_page()
    page.goto((out / "index.html").as_uri())
    page.wait_for_function("document.querySelector('.optimizer-animation img').complete")
    assert page.evaluate("document.querySelector('.optimizer-animation img').naturalWidth") == 160
    player = page.frame_locator(".optimizer-animation iframe")
    frame = next(f for f in page.frames if f.url.endswith(".html") and "_optimotion" in f.url)
    frame.wait_for_function("document.body.dataset.ready === 'true'", timeout=15_000)
    frame.wait_for_function("document.getElementById('epoch').textContent !== '0'", timeout=5_000)
    assert player.locator("#legend .entry").count() == 3
    page.close()


def test_the_player_s_frame_takes_the_height_the_player_is_laid_out_at(project, browser):
    """A fixed height left a blank band under a picture scaled down to a narrow column (and
    cut a phone's tall layout): the player says its height, the page's frame takes it."""
    _, out, _ = project
    page = browser.new_page(viewport={"width": 220, "height": 800})
    page.goto((out / "index.html").as_uri())
    frame = next(f for f in page.frames if f.url.endswith(".html") and "_optimotion" in f.url)
    frame.wait_for_function("document.body.dataset.ready === 'true'", timeout=15_000)
    fixed = float(re.search(r"height:(\d+)px", embedded(out / "index.html")[1]).group(1))
    page.wait_for_function(f"document.querySelector('iframe.optimotion-player').offsetHeight < {fixed}", timeout=5_000)
    outer = page.evaluate("document.querySelector('iframe.optimotion-player').getBoundingClientRect().height")
    inner = frame.evaluate("document.body.getBoundingClientRect().height")
    assert abs(outer - inner) <= 2 and frame.evaluate("document.documentElement.scrollHeight") <= outer + 1
    page.close()


def test_the_project_s_own_docs_build_without_a_warning(tmp_path):
    """docs/ as a draft (no animation rendered): every page parses, every link resolves."""
    from conftest import ROOT

    said = build(ROOT / "docs", tmp_path / "site", "skip-optimotion")
    assert "WARNING" not in said and "ERROR" not in said, said
    assert (tmp_path / "site" / "troubleshooting.html").exists()
