#!/usr/bin/env bash
# Run every check papikit has: Rust format/lint/tests, then build + install the wheel into a fresh
# venv the way a user would, then pytest (API, properties, golden values, doctests, notebooks) and
# ruff/mypy, the documentation site (mkdocs --strict) and the portable wheel without Rust on PATH.
# Works on a fresh machine with rustup's toolchain (>= 1.95) and Python >= 3.10.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TERM_COLOR=never CARGO_INCREMENTAL=0 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
# Share compiled dependencies between clones on the same machine (an empty dir is fine).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/tmp/papikit-cargo-target}"
mkdir -p "$CARGO_TARGET_DIR"
VENV="${PAPIKIT_TEST_VENV:-.venv-test}"

cargo --version; rustc --version; python3 --version

echo "== Rust: fmt, clippy, tests"
unset VIRTUAL_ENV   # pyo3's build script watches it; keep cargo outside any venv
rustup component add rustfmt clippy >/dev/null 2>&1 || true
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked

echo "== Python: build and install the wheel into a fresh venv"
rm -rf "$VENV"
python3 -m venv "$VENV"
# shellcheck disable=SC1091
. "$VENV/bin/activate"
python -m pip install -q --upgrade pip
python -m pip install -q ".[test]"

echo "== Python: lint, types, tests (tests/ + doctests of the installed package)"
ruff check python tests
ruff format --check python tests
mypy python/papikit
python -m pytest -q tests --pyargs papikit --doctest-modules

echo "== Docs: mkdocs build --strict into site/ (scripts/docs.sh), then the tests of the built site"
./scripts/docs.sh
PAPIKIT_DOCS_SITE=site python -m pytest -q tests/test_docs.py
deactivate

echo "== Wheel for users without Rust: manylinux2014 + abi3 via zig, installed with no cargo/rustc on PATH"
./scripts/build_wheel.sh
./scripts/test_wheel.sh
