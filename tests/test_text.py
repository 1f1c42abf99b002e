"""Text a scene gives (titles, labels) is drawn as written, on one line, or refused in one line."""
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

import optimotion
from optimotion.draw import layout
from optimotion.optimizers import SGD
from optimotion.scenes import Scene


def scene(title="", labels=("SGD",), racers=1):
    optimizers = {label: SGD(lr=0.1 * (k + 1)) for k, label in enumerate(labels)} if racers == 1 else \
        [SGD(lr=0.01 * (k + 1)) for k in range(racers)]
    return Scene("bowl", start=(1.0, 1.0), optimizers=optimizers, epochs=4, title=title)


def test_dollars_are_dollars_not_mathtext(cli, tmp_path):
    movie = optimotion.render(scene("Cost: $5 or $10", ("$x$ label",)), size=(480, 270), jobs=1, poster=True)
    assert movie.stage.title == "Cost: $5 or $10"
    from optimotion.draw.frames import FrameDrawer

    picture = FrameDrawer(movie.stage, movie.style, movie.reel).picture
    drawn = [t for t in picture.fig.texts + picture.ax_legend.texts if "$" in t.get_text()]
    assert [t.get_text() for t in drawn] == ["Cost: $5 or $10", "$x$ label"]
    assert all(t._preprocess_math(t.get_text()) == (t.get_text(), False) for t in drawn)  # not parsed as maths


def test_a_label_or_title_on_several_lines_is_drawn_on_one():
    movie = optimotion.render(scene("two\nlines", ("first\nsecond",)), size=(320, 180), jobs=1, poster=True)
    assert movie.stage.title == "two lines" and movie.stage.labels == ("first second",)


def test_characters_no_font_has_are_refused_in_one_line(cli, tmp_path):
    path = tmp_path / "scene.py"
    path.write_text('from optimotion.optimizers import SGD\nfrom optimotion.scenes import Scene\n'
                    'SCENE = Scene("bowl", start=(1.0, 1.0), optimizers=[SGD(lr=0.1)], epochs=4,\n'
                    '              title="\\U000F0000 x")\n')
    done = cli(path, "--size", "64x36", "--out", tmp_path / "x.gif")
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert done.stderr.startswith("animate: error: the title '\U000F0000 x' has characters that no installed font "
                                  "draws (\U000F0000): they would show as boxes")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scene.py"]


def test_more_racers_than_a_legend_tells_apart_are_refused():
    with pytest.raises(ValueError, match="40 optimizers are more than a legend .* at most 12"):
        scene(racers=40)
    assert len(scene(racers=12).racers) == 12


def test_a_very_long_title_is_cut_in_few_measurements(monkeypatch):
    """Each measurement lays the whole text out again: cutting one character at a time
    took 42 s for 3,000 characters. A binary search measures about log2(n) times."""
    fig = Figure(figsize=(4.8, 2.7), dpi=100)
    FigureCanvasAgg(fig)
    calls = []
    real = Text.set_text
    monkeypatch.setattr(Text, "set_text", lambda self, text: (calls.append(1), real(self, text))[1])
    title = layout.fit_title(fig, "A long title " * 250, 12)
    assert title.get_text().endswith("…") and title.get_window_extent().width <= 0.97 * 480
    assert len(calls) <= 16
