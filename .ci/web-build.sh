#!/usr/bin/env bash
# Builds the web version of ccg-explorer into a folder of static files (default:
# target/web): index.html, ccg_explorer.js and ccg_explorer_bg.wasm. Any web server can
# host the folder, for example `python3 -m http.server -d target/web 8080`.
#
# Needs the wasm32-unknown-unknown target and wasm-bindgen-cli at the version of
# wasm-bindgen in Cargo.lock; it says how to install either if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-target/web}"
profile="${WEB_PROFILE:-release}"

want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "the wasm32-unknown-unknown target is missing: rustup target add wasm32-unknown-unknown" >&2
  exit 2
fi
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$have" != "$want" ]; then
  echo "wasm-bindgen-cli $want is needed (found: ${have:-none}):" >&2
  echo "  cargo install wasm-bindgen-cli --version $want" >&2
  exit 2
fi

cargo build --locked --profile "$profile" --target wasm32-unknown-unknown --bin ccg-explorer
wasm="target/wasm32-unknown-unknown/$profile/ccg-explorer.wasm"

rm -rf "$out"
mkdir -p "$out"
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name ccg_explorer "$wasm"
cp assets/web/index.html "$out/"

raw=$(stat -c %s "$out/ccg_explorer_bg.wasm")
gz=$(gzip -9 -c "$out/ccg_explorer_bg.wasm" | wc -c)
echo "built $out: ccg_explorer_bg.wasm is $raw bytes ($((raw / 1024)) KiB), $gz bytes gzipped ($((gz / 1024)) KiB)"
