"""Sphinx settings for these pages: `sphinx-build docs docs/_build` (with `-t skip-optimotion`
for a quick draft that renders no animation)."""
project = "optimotion"
extensions = ["optimotion.sphinxext", "myst_parser"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "gallery/*.png"]
myst_heading_anchors = 3
html_theme = "alabaster"
