"""The documentation site: API page lists every public name, notebooks, provenance, errors, exit codes.

Reads the site that ``./scripts/docs.sh`` built (``PAPIKIT_DOCS_SITE=site``; scripts/test.sh sets it
after building), or builds it here with ``mkdocs build --strict`` when mkdocs is installed
(``pip install '.[docs]'``). Without either the tests are skipped and say so.
"""

from __future__ import annotations

import html
import importlib.util
import inspect
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import papikit
import papikit.errors

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    built = os.environ.get("PAPIKIT_DOCS_SITE")
    if built:
        path = (ROOT / built).resolve()
        assert (path / "index.html").exists(), f"PAPIKIT_DOCS_SITE={built}: no built site there"
        return path
    if importlib.util.find_spec("mkdocs") is None or importlib.util.find_spec("mkdocstrings_handlers") is None:
        pytest.skip(
            "mkdocs is not installed (pip install '.[docs]'); scripts/test.sh builds the site with scripts/docs.sh"
        )
    out = tmp_path_factory.mktemp("site")
    r = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert r.returncode == 0, r.stderr[-4000:]
    return out


def _text(page: Path) -> str:
    """The visible text of a built page (tags stripped, entities decoded)."""
    raw = page.read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", raw)))


def _plain(text: str) -> str:
    """Text without inline markup and whitespace, to compare a docstring line with its rendering
    (``code``, :class:`X` and *emphasis* become tags, and tags become spaces)."""
    text = re.sub(r":\w+:`", "", text)
    return re.sub(r"[`*\s]", "", text)


def test_api_page_lists_every_public_name(site: Path) -> None:
    page = (site / "api" / "index.html").read_text(encoding="utf-8")
    ids = set(re.findall(r'id="(papikit\.[\w.]+)"', page))
    # a name that is also a submodule (papikit.report) is documented as the object the package exports
    missing = [n for n in papikit.__all__ if f"papikit.{n}" not in ids and f"papikit.{n}.{n}" not in ids]
    assert not missing, f"public names without an entry on the API page: {missing}"
    assert len(papikit.__all__) > 40


def test_api_page_renders_docstrings(site: Path) -> None:
    text = _text(site / "api" / "index.html")
    for fn in (papikit.gaps, papikit.published, papikit.optimize):
        first = (inspect.getdoc(fn) or "").splitlines()[0]
        assert first and _plain(first) in _plain(text), f"docstring of {fn.__name__} not rendered: {first!r}"


def test_every_notebook_is_rendered(site: Path) -> None:
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert len(notebooks) >= 4
    for nb in notebooks:
        page = site / "notebooks" / nb.stem / "index.html"
        assert page.exists(), f"{nb.name} has no page"
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        code = next("".join(c["source"]) for c in cells if c["cell_type"] == "code" and c["source"])
        first_line = code.strip().splitlines()[0].strip()
        assert first_line in _text(page), f"{nb.name}: first code line {first_line!r} not on its page"


def test_provenance_page_is_the_shipped_file(site: Path) -> None:
    source = (ROOT / "crates" / "papikit-core" / "data" / "PROVENANCE.md").read_text(encoding="utf-8")
    files = re.findall(r"^\| `([^`]+)`", source, flags=re.M)
    assert len(files) >= 8
    text = _text(site / "provenance" / "index.html")
    for f in files:
        assert f in text, f"{f} (PROVENANCE.md) missing from the provenance page"


def test_error_reference_follows_the_classes(site: Path) -> None:
    text = _text(site / "errors" / "index.html")
    classes = [n for n in papikit.errors.__all__ if issubclass(getattr(papikit.errors, n), BaseException)]
    assert "PapiError" in classes and "InternalError" in classes
    for name in classes:
        cls = getattr(papikit.errors, name)
        assert isinstance(cls, type) and issubclass(cls, papikit.PapiError)
        assert name in text, f"{name} missing from the error reference"
        doc = (inspect.getdoc(cls) or "").strip()
        assert doc, f"{name} has no docstring"
        assert _plain(doc.splitlines()[0]) in _plain(text), f"docstring of {name} not on the error reference"


def test_pages_in_both_languages_and_exit_codes(site: Path) -> None:
    assert "Getting started" in _text(site / "getting-started" / "index.html")
    assert "Bắt đầu sử dụng" in _text(site / "bat-dau" / "index.html")
    cli_text = _text(site / "cli" / "index.html")
    for needle in ("Exit codes", "user error", "internal error"):
        assert needle in cli_text
    meth = _text(site / "methodology" / "index.html")
    assert "inferred" in meth.lower() and "official" in meth.lower()
