#!/usr/bin/env bash
# Sets up what is missing, then runs every check CI runs:
#   formatting, clippy (native and wasm32), native tests (engine, config, charts, CLI),
#   wasm-bindgen-test in headless Chromium, a release build of the app, and the end-to-end
#   browser tests (Playwright driving Debian's Chromium against the built app).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH" TRUNK_SKIP_VERSION_CHECK=true
step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (native)"
cargo clippy --all-targets -- -D warnings

step "clippy (wasm32)"
cargo clippy --target wasm32-unknown-unknown --all-targets -- -D warnings

step "docs (broken or ambiguous intra-doc links fail)"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --lib --quiet

step "native tests"
cargo test --all-targets

step "the README's Dask recipe for sharded sweeps, run as printed"
bash scripts/recipe.sh target/debug

step "release-only tests (inputs that debug assertions reject on purpose; long Monte Carlo checks)"
cargo test --release --test feed_props release_only
cargo test --release --test experiment_cli release_only
cargo test --release --test lab_pacing release_only

step "browser component tests (wasm-bindgen-test, headless Chromium)"
wasm_tests=()
for f in tests/wasm_*.rs; do wasm_tests+=(--test "$(basename "$f" .rs)"); done
cargo test --target wasm32-unknown-unknown "${wasm_tests[@]}"

step "release build of the app"
trunk build --release

step "end-to-end tests (Playwright, headless Chromium)"
node --test --test-concurrency=1 e2e/
