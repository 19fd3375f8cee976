"""mkdocs hooks: the API page lists exactly ``papikit.__all__``; the reference reads the installed papikit.

The mkdocstrings handler reads papikit where Python imports it from (``python/`` after ``maturin
develop``, site-packages after ``pip install .``), so the error reference, which inspects the compiled
exception classes, works with either install.

``docs/api.md`` holds the marker ``<!-- papikit-api -->``; at build time it becomes one mkdocstrings block
per public name, read from the documented package's ``__init__.py`` with :mod:`ast` (so a new public
name appears on the site without anyone editing the page).
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from mkdocs.plugins import event_priority

MARKER = "<!-- papikit-api -->"
# python/papikit/__init__.py, or the installed package's when papikit is importable (see on_config)
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


@event_priority(100)  # before mkdocstrings reads its handler options
def on_config(config: Any, **_: Any) -> Any:
    try:
        import papikit
    except ImportError:  # static analysis of python/ only; the error reference then lacks the docstrings
        return config
    global INIT
    INIT = Path(papikit.__file__).resolve()
    where = str(INIT.parent.parent)
    handler = config["plugins"]["mkdocstrings"].config["handlers"]["python"]
    handler["paths"] = [where]
    return config


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, "\n".join(_block(n) for n in sorted(public_names(), key=str.lower)))
