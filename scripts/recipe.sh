#!/usr/bin/env bash
# Runs the README's Dask recipe for spreading a sweep over machines, exactly as printed there,
# on this machine, and checks that the merged shards are the bytes of the whole sweep.
#
#   scripts/recipe.sh [PATH_TO_SANDBOX_DIR]   (default: target/debug, built by `cargo test`)
#
# Dask comes from PyPI into a virtual environment under target/ (installed once, then reused);
# it is used by this check only, never by the product.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin_dir=$(cd "${1:-target/debug}" && pwd)
[[ -x "$bin_dir/sandbox" ]] || { echo "no sandbox binary in $bin_dir (run cargo build first)" >&2; exit 1; }

DASK_VERSION=2026.8.0
venv=target/recipe-venv
if [[ "$("$venv/bin/python" -c 'import dask; print(dask.__version__)' 2>/dev/null)" != "$DASK_VERSION" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "dask==$DASK_VERSION"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The README's sweep spec (`every.json`) and its Python recipe, cut from the README itself so that
# what a reader copies is what runs here.
awk '/^\*\*A sweep\.\*\*/{f=1} f&&/^```json/{g=1;next} g&&/^```/{exit} g{print}' README.md >"$work/every.json"
awk '/^With \[Dask\]/{f=1} f&&/^```python/{g=1;next} g&&/^```/{exit} g{print}' README.md >"$work/recipe.py"
[[ -s "$work/every.json" && -s "$work/recipe.py" ]] || { echo "README: sweep spec or Dask recipe not found" >&2; exit 1; }

cd "$work"
PATH="$bin_dir:$PATH" "$root/$venv/bin/python" recipe.py
"$bin_dir/sandbox" sweep every.json >whole.json
if cmp -s sweep.json whole.json; then
  echo "Dask recipe: $(ls shard-*.json | wc -l) shards merged into the whole sweep's $(wc -c <whole.json) bytes"
else
  echo "Dask recipe: the merged shards differ from the whole sweep" >&2
  exit 1
fi
