#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: installs the dependencies,
# builds gdci and runs its tutorial example.
set -euo pipefail
cd "$(dirname "$0")/.."

bash build-aux/install-deps.sh
[ -f _build/build.ninja ] || meson setup _build
meson compile -C _build

echo
echo "== The GenericDataChunkIterator tutorial, in C with gdci =="
./_build/examples/tutorial
