#!/usr/bin/env bash
# Check the portable wheel the way a user without Rust gets it: its tags are manylinux + abi3, and it
# installs into a fresh venv whose PATH holds no cargo or rustc and runs `papikit report`.
# Usage: ./scripts/test_wheel.sh [dist/papikit-*.whl]   (build it first with ./scripts/build_wheel.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1

shopt -s nullglob
wheels=("${1:-}")
[ -n "${wheels[0]}" ] || wheels=(dist/papikit-*.whl)
if [ "${#wheels[@]}" -ne 1 ] || [ ! -f "${wheels[0]}" ]; then
    echo "test_wheel.sh: expected exactly one dist/papikit-*.whl (run ./scripts/build_wheel.sh); found: ${wheels[*]:-none}" >&2
    exit 1
fi
WHEEL="$(cd "$(dirname "${wheels[0]}")" && pwd)/$(basename "${wheels[0]}")"
PYTHON3="$(python3 -c 'import sys; print(sys.executable)')"
echo "== wheel: $(basename "$WHEEL")"

# 1. Tags, from the file name and from the WHEEL metadata inside it.
"$PYTHON3" - "$WHEEL" <<'PYEOF'
import sys, zipfile
path = sys.argv[1]
name = path.rsplit("/", 1)[-1][: -len(".whl")]
dist, version, py_tag, abi_tag, plat_tag = name.split("-")
assert abi_tag == "abi3", f"abi tag {abi_tag!r}, expected abi3"
assert py_tag.startswith("cp3"), f"python tag {py_tag!r}"
plats = plat_tag.split(".")
assert plats and all(p.startswith("manylinux") for p in plats), f"platform tags {plats}, expected manylinux"
with zipfile.ZipFile(path) as z:
    meta = z.read(f"{dist}-{version}.dist-info/WHEEL").decode()
tags = [line.split(":", 1)[1].strip() for line in meta.splitlines() if line.startswith("Tag:")]
assert tags, "no Tag: line in WHEEL"
for t in tags:
    _, abi, plat = t.split("-")
    assert abi == "abi3" and plat.startswith("manylinux"), f"WHEEL tag {t}"
print(f"tags ok: {py_tag}-{abi_tag}-{plat_tag}")
PYEOF

# 2. A PATH without any directory that holds cargo, rustc or rustup.
NORUST_PATH=""
IFS=: read -r -a dirs <<<"$PATH"
for d in "${dirs[@]}"; do
    [ -n "$d" ] || continue
    if [ -e "$d/cargo" ] || [ -e "$d/rustc" ] || [ -e "$d/rustup" ]; then continue; fi
    NORUST_PATH="${NORUST_PATH:+$NORUST_PATH:}$d"
done

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
"$PYTHON3" -m venv "$WORK/venv"

env -u VIRTUAL_ENV -u PYTHONPATH -u CARGO_TARGET_DIR PATH="$WORK/venv/bin:$NORUST_PATH" CARGO_HOME="$WORK/no-cargo" \
    RUSTUP_HOME="$WORK/no-rustup" LANG=C.UTF-8 MPLBACKEND=Agg \
    WHEEL="$WHEEL" WORK="$WORK" bash -euo pipefail -c '
    if command -v cargo || command -v rustc; then echo "test_wheel.sh: a Rust toolchain is still on PATH" >&2; exit 1; fi
    echo "== no cargo/rustc on PATH; installing the wheel"
    python -m pip install -q "$WHEEL"
    # Installing must not have compiled anything: the package comes from the wheel itself.
    python -c "import papikit, sys; assert \"/venv/\" in papikit.__file__, papikit.__file__; print(\"papikit\", papikit.__version__)"
    cd "$WORK"
    papikit report "Đắk Lắk" --year 2023 --quiet --out report.html
    grep -q "42.3265" report.html || { echo "test_wheel.sh: 42.3265 not in the report" >&2; exit 1; }
    set +e; papikit report "Atlantis" --year 2023 2>err.txt; rc=$?; set -e
    [ "$rc" -eq 2 ] || { echo "test_wheel.sh: unknown province exited $rc, expected 2" >&2; exit 1; }
    echo "report ok: 42.3265 found; unknown province -> exit 2: $(cat err.txt)"
'
echo "test_wheel.sh: 1 passed, 0 failed"
