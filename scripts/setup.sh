#!/usr/bin/env bash
# Installs what building and testing Marketplace Sandbox needs, skipping whatever is already
# present at the right version. Safe to run any number of times.
#
#   scripts/setup.sh            tools to build and serve the app
#   scripts/setup.sh --browser  also Chromium, chromedriver and playwright-core for the tests
#
# Nothing here downloads a prebuilt binary from the web: Rust tools are compiled from crates.io,
# wasm-opt and playwright-core come from npm, Chromium from Debian.
set -euo pipefail
cd "$(dirname "$0")/.."

browser=0
[[ "${1:-}" == "--browser" ]] && browser=1
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
log() { printf '[setup] %s\n' "$*" >&2; }

# Tool compilation: LTO off halves trunk's build time and changes nothing in how it runs.
build_env=(env CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16)

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

TRUNK_VERSION=0.21.14 # 0.22 needs a newer rustc than this machine's 1.95
if [[ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]]; then
  log "installing trunk $TRUNK_VERSION (several minutes, once)"
  "${build_env[@]}" cargo install --locked trunk --version "$TRUNK_VERSION"
fi

# wasm-bindgen-cli must equal the wasm-bindgen crate in Cargo.lock. Installed without --locked:
# its own lock file pins a crate release the registry no longer serves.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]]; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
  "${build_env[@]}" cargo install --force wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION"
fi
if ! grep -q "wasm_bindgen = \"$WASM_BINDGEN_VERSION\"" Trunk.toml; then
  log "Trunk.toml's [tools] wasm_bindgen does not match Cargo.lock ($WASM_BINDGEN_VERSION)"
  exit 1
fi

# wasm-opt (binaryen 132 on node; Debian's binaryen is too old for current wasm-bindgen output)
# and playwright-core, pinned by package-lock.json.
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -x node_modules/.bin/wasm-opt || ! -d node_modules/playwright-core ]] \
  || [[ "$(cat node_modules/.installed-lock 2>/dev/null)" != "$lock_sum" ]]; then
  log "installing npm packages (binaryen, playwright-core)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" >node_modules/.installed-lock
fi

if [[ $browser == 1 ]]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    log "installing Debian's chromium and chromium-driver"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
fi
log "tools ready: $(trunk --version), $(wasm-bindgen --version), wasm-opt $(wasm-opt --version | awk '{print $3}')"
