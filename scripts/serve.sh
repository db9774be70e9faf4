#!/usr/bin/env bash
# Sets up what is missing, builds the app and serves it on 127.0.0.1 (PORT, default 8080).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH" TRUNK_SKIP_VERSION_CHECK=true
port="${PORT:-8080}"
trunk build --release
echo
echo "Marketplace Sandbox: http://127.0.0.1:$port/"
echo
exec trunk serve --release --address 127.0.0.1 --port "$port" --no-autoreload
