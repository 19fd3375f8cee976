"""mkdocs hooks: the API page lists exactly ``papikit.__all__``.

``docs/api.md`` holds the marker ``<!-- papikit-api -->``; at build time it becomes one mkdocstrings block
per public name, read from ``python/papikit/__init__.py`` with :mod:`ast` (no import, so a new public
name appears on the site without anyone editing the page).
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

MARKER = "<!-- papikit-api -->"
INIT = Path(__file__).resolve().parent.parent / "python" / "papikit" / "__init__.py"


def public_names() -> list[str]:
    """The names of ``papikit.__all__``, parsed from the source."""
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return [ast.literal_eval(e) for e in node.value.elts]  # type: ignore[attr-defined]
    raise RuntimeError(f"no __all__ in {INIT}")


def _block(name: str) -> str:
    if name == "report":
        # papikit.report is both a submodule and the function the package exports; show the function.
        target, extra = "papikit.report.report", '\n      heading: "report"'
    else:
        target, extra = f"papikit.{name}", ""
    return f"::: {target}\n    options:\n      show_root_heading: true\n      show_root_full_path: false{extra}\n"


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, "\n".join(_block(n) for n in sorted(public_names(), key=str.lower)))
