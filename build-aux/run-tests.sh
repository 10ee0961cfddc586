#!/usr/bin/env bash
# Every test on a fresh Debian 12 machine: installs the dependencies, builds,
# runs the suite, runs it again under AddressSanitizer and
# UndefinedBehaviorSanitizer, and runs the C tests under valgrind's memcheck.
set -euo pipefail
cd "$(dirname "$0")/.."

bash build-aux/install-deps.sh

echo "== Build (with the API reference) and test =="
if [ -f _build/build.ninja ]; then
  meson configure _build -Ddocs=true
else
  meson setup _build -Ddocs=true
fi
meson compile -C _build
meson test -C _build --print-errorlogs

echo "== AddressSanitizer + UndefinedBehaviorSanitizer =="
(
  # g-ir-scanner links its introspection helper with LDFLAGS only; without
  # the sanitizer there, the helper hangs at exit.
  export LDFLAGS="-fsanitize=address,undefined"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
  [ -f _build-sanitize/build.ninja ] ||
    meson setup _build-sanitize -Db_sanitize=address,undefined -Db_lundef=false
  meson compile -C _build-sanitize
  meson test -C _build-sanitize --print-errorlogs --no-suite memory
)

echo "== valgrind memcheck =="
meson test -C _build --setup valgrind --suite c --print-errorlogs

echo "== Summary: the meson tests of the three passes =="
/usr/bin/python3 build-aux/test-summary.py _build/meson-logs/testlog.json \
  _build-sanitize/meson-logs/testlog.json _build/meson-logs/testlog-valgrind.json
