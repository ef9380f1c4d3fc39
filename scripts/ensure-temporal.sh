#!/usr/bin/env bash
# Prints the path of a Temporal CLI (with its dev server) on stdout, building it once if needed.
# Order: $TEMPORAL_CLI, `temporal` on PATH, the per-user cache
# ${XDG_CACHE_HOME:-$HOME/.cache}/dubang/bin/temporal (outside the checkout, so fresh clones and CI
# on the same machine reuse it), else `go install` of the official CLI into that cache.
# v1.5.1 is pinned: later versions cannot be built with `go install` (replace directives).
# The single source of truth: devtools/ and test/helpers call this script too.
set -euo pipefail

VERSION=v1.5.1
MODULE=github.com/temporalio/cli/cmd/temporal
CACHE_BIN="${XDG_CACHE_HOME:-$HOME/.cache}/dubang/bin"
TARGET="$CACHE_BIN/temporal"

say() { echo "ensure-temporal: $*" >&2; }

if [[ -n "${TEMPORAL_CLI:-}" ]]; then
  if [[ -x "$TEMPORAL_CLI" ]]; then echo "$TEMPORAL_CLI"; exit 0; fi
  say "TEMPORAL_CLI=$TEMPORAL_CLI is not an executable file"; exit 1
fi
if command -v temporal >/dev/null 2>&1; then command -v temporal; exit 0; fi
if [[ -x "$TARGET" ]]; then echo "$TARGET"; exit 0; fi

if ! command -v go >/dev/null 2>&1; then
  say "no Temporal CLI found (TEMPORAL_CLI, PATH, $TARGET) and no Go toolchain to build one."
  say "Install Go (https://go.dev/dl) or put a temporal binary on PATH, then rerun."
  exit 1
fi

mkdir -p "$CACHE_BIN"
# One build at a time: a second caller (CI and a developer, two test runs) waits for the first.
LOCK="$CACHE_BIN/.temporal-build.lock"
exec 9>"$LOCK"
if command -v flock >/dev/null 2>&1; then flock 9; fi
if [[ -x "$TARGET" ]]; then echo "$TARGET"; exit 0; fi

# Build into a private folder and move into place, so nobody ever runs a half-written binary.
TMP_BIN="$(mktemp -d "$CACHE_BIN/.build.XXXXXX")"
trap 'rm -rf "$TMP_BIN"' EXIT
say "building the Temporal CLI $VERSION into $TARGET (once; takes a few minutes)..."
if ! GOBIN="$TMP_BIN" go install "$MODULE@$VERSION" >&2; then
  # Offline machines with a warm module cache can still build.
  say "go install failed; retrying from the local module cache only (GOPROXY=off)"
  GOBIN="$TMP_BIN" GOPROXY=off go install "$MODULE@$VERSION" >&2 || {
    say "could not build $MODULE@$VERSION; set TEMPORAL_CLI to an existing temporal binary"; exit 1; }
fi
mv -f "$TMP_BIN/temporal" "$TARGET"
say "built $("$TARGET" --version 2>/dev/null || echo "$TARGET")"
echo "$TARGET"
