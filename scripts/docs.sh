#!/usr/bin/env bash
# Build the documentation site into site/ with `mkdocs build --strict` (a broken link or reference fails).
# Uses the Python of the active venv when papikit is installed there (as in scripts/test.sh); otherwise
# makes .venv-docs and installs papikit into it (compiles the extension: needs Rust). The documentation
# tools are pinned in pyproject.toml's `docs` extra and installed by this script.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1 NO_MKDOCS_2_WARNING=1

PY="${PYTHON:-$(command -v python || command -v python3)}"
if ! "$PY" -c "import papikit" >/dev/null 2>&1; then
    echo "docs.sh: papikit is not importable from $PY; installing it into .venv-docs"
    [ -x .venv-docs/bin/python ] || python3 -m venv .venv-docs
    PY=.venv-docs/bin/python
    "$PY" -m pip install -q .
fi

# The docs extra of pyproject.toml, without installing papikit again.
mapfile -t REQS < <("$PY" - <<'PYEOF'
try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib
with open("pyproject.toml", "rb") as f:
    print("\n".join(tomllib.load(f)["project"]["optional-dependencies"]["docs"]))
PYEOF
)
"$PY" -m pip install -q "${REQS[@]}"

start=$(date +%s)
"$PY" -m mkdocs build --strict --site-dir site
echo "docs.sh: site/ built in $(( $(date +%s) - start )) s"
