"""How strings enter a web page or a notebook's output: as data, never as markup or code.

A scene's title and labels travel in pages to readers who never chose to run the scene,
so each string is escaped for the context it lands in, and a template is filled in one
pass: nothing a value holds is ever read as a placeholder.
"""
from __future__ import annotations

import html
import json
import re

PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_SCRIPT_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                   ("\u2029", "\\u2029"))


def fill(template: str, values: dict[str, str]) -> str:
    """`template` with each `{{name}}` replaced by `values[name]`, in one pass."""
    return PLACEHOLDER.sub(lambda found: values[found.group(1)], template)


def attribute_text(text: str) -> str:
    """`text` for an HTML attribute's value or an element's text: no markup, no quote."""
    return html.escape(text, quote=True)


def script_json(data) -> str:
    """`data` as JSON inside a `<script>` element: no `<`, `>` or `&` at all (so no
    `</script>` or `<!--` can end or bend the element), nor the two line separators
    that old script parsers took for line ends."""
    text = json.dumps(data, separators=(",", ":"), allow_nan=False)
    for char, escape in _SCRIPT_ESCAPES:
        text = text.replace(char, escape)
    return text


def script_text(source: str) -> str:
    """Our own script or style inside its element: no `</` that could close it."""
    return source.replace("</", "<\\/")
