"""docs/notebook.ipynb, executed in a real Jupyter kernel as a course author would run it."""
import base64
import csv
import io
import shutil

import imageio_ffmpeg
import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient
from PIL import Image

from conftest import ROOT, page_data

pytestmark = pytest.mark.xdist_group("notebook")  # one kernel run for all these tests


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The notebook run in a folder of its own (outputs go to FOLDER/output/notebook), with
    the package as installed in this Python."""
    folder = tmp_path_factory.mktemp("course")
    shutil.copy(ROOT / "docs" / "notebook.ipynb", folder / "notebook.ipynb")
    notebook = nbformat.read(folder / "notebook.ipynb", as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    return notebook, folder / "output" / "notebook"


def _inline_players(notebook):
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html", "")
            if html.startswith("<iframe srcdoc="):
                yield page_data(html)


def test_no_cell_fails_or_warns(executed):
    notebook, _ = executed
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error", output
            assert output.get("name") != "stderr", output.get("text")


def test_both_animations_show_inline_as_players(executed):
    notebook, _ = executed
    players = list(_inline_players(notebook))
    assert [(data["width"], data["height"]) for data in players] == [(480, 270), (480, 270)]
    # the saddle's frame rule; every(5) of 200 epochs
    assert [len(data["runs"][0]["frames"]) for data in players] == [63, 41]
    # without the phone's layout: the notebook's frame is as wide as the picture, never upright
    assert all("phone" not in data for data in players)
    assert sum(len(cell.get("outputs", [])) and len(str(cell.outputs)) for cell in notebook.cells) < 2_000_000


def test_the_saved_files_open_with_independent_decoders(executed):
    _, out = executed
    reader = imageio_ffmpeg.read_frames(str(out / "saddle.mp4"))
    meta = next(reader)
    frames = sum(1 for _ in reader)
    assert meta["codec"].startswith("h264") and meta["size"] == (480, 270) and frames == 63 + 9 + 19
    with Image.open(out / "ripples.gif") as gif:
        assert gif.n_frames == 41 and gif.size == (480, 270)


def test_the_csv_rows_of_sgd_follow_the_closed_form(executed):
    """Saddle z = x² − y² from (20.75, 0.5): x_t = 20.75 (1 − 2 lr)^t, y_t = 0.5 (1 + 2 lr)^t."""
    _, out = executed
    with open(out / "saddle.csv", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["racer"] == "SGD(lr=0.005)"]
    t = np.array([int(row["epoch"]) for row in rows])
    assert np.array_equal(t, np.arange(4001))
    x, y = (np.array([float(row[k]) for row in rows]) for k in "xy")
    finite = np.isfinite(x) & np.isfinite(y)
    assert finite[:1000].all()
    np.testing.assert_allclose(x[finite], 20.75 * (1 - 2 * 0.005) ** t[finite], rtol=1e-10)
    np.testing.assert_allclose(y[finite], 0.5 * (1 + 2 * 0.005) ** t[finite], rtol=1e-10)


def test_each_animation_carries_its_gif_for_viewers_without_script(executed):
    """GitHub's preview and nbviewer show no script: beside the player, each display holds
    the animation as a GIF, at the player's size, every frame of it."""
    notebook, _ = executed
    displays = [output["data"] for cell in notebook.cells for output in cell.get("outputs", [])
                if "text/html" in output.get("data", {})]
    assert len(displays) == 2 and all("image/gif" in data for data in displays)
    for data, frames in zip(displays, (63, 41)):
        with Image.open(io.BytesIO(base64.b64decode(data["image/gif"]))) as gif:
            assert gif.format == "GIF" and gif.size == (480, 270) and gif.n_frames == frames
