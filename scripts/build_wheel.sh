#!/usr/bin/env bash
# Build a portable wheel for users without Rust: manylinux2014 (glibc >= 2.17), abi3 (CPython >= 3.10),
# linked with zig (the `ziglang` package from PyPI), into dist/. Usage: ./scripts/build_wheel.sh
# The wheel installs with `pip install dist/papikit-*.whl` on any x86_64 Linux with Python >= 3.10.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TERM_COLOR=never CARGO_INCREMENTAL=0 PIP_DISABLE_PIP_VERSION_CHECK=1
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/tmp/papikit-cargo-target}"
mkdir -p "$CARGO_TARGET_DIR"
BUILD_VENV="${PAPIKIT_WHEEL_BUILD_VENV:-.venv-wheel-build}"
unset VIRTUAL_ENV   # pyo3's build script watches it

# The build tools, pinned: maturin drives cargo, ziglang provides the linker for the old glibc.
if ! "$BUILD_VENV/bin/python" -c "import ziglang" >/dev/null 2>&1; then
    rm -rf "$BUILD_VENV"
    python3 -m venv "$BUILD_VENV"
    "$BUILD_VENV/bin/python" -m pip install -q "maturin==1.16.0" "ziglang==0.17.0"
fi

# maturin finds zig as `python -m ziglang` (or `zig`) on PATH: put the build venv first, without activating it.
export PATH="$PWD/$BUILD_VENV/bin:$PATH"
rm -f dist/papikit-*.whl
# One maturin at a time on this machine: the shared target dir's artifacts are not build-safe in parallel.
# Profile py-release (pyproject's [tool.maturin]); 'dist' (fat LTO) is smaller but several times slower.
flock "${PAPIKIT_MATURIN_LOCK:-/tmp/papikit-maturin.lock}" \
    "$BUILD_VENV/bin/maturin" build --zig --compatibility manylinux2014 \
    --profile "${PAPIKIT_WHEEL_PROFILE:-py-release}" --out dist --locked

ls -l dist/papikit-*.whl
