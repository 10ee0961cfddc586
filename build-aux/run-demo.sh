#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: installs the dependencies,
# builds gdci, writes a sample raw recording (about 1 GB of int16, 384
# channels, as a neural probe records), converts it into a chunked, gzip
# and shuffle compressed HDF5 dataset with gdci convert, and checks the
# result against the recording.
set -euo pipefail
cd "$(dirname "$0")/.."

bash build-aux/install-deps.sh
[ -f _build/build.ninja ] || meson setup _build
meson compile -C _build

demo=_build/demo
mkdir -p "$demo"
recording="$demo/recording.bin"
output="$demo/recording.h5"

echo
echo "== A sample recording =="
/usr/bin/python3 examples/make_recording.py "$recording" --gb 1.0

echo
echo "== gdci convert =="
rm -f "$output"
./_build/tools/gdci convert "$recording" "$output:/acquisition/ElectricalSeries/data" \
  --dtype int16 --shape -1,384 --compression gzip --shuffle --progress

echo
echo "== Check =="
/usr/bin/python3 examples/check_conversion.py "$recording" \
  "$output:/acquisition/ElectricalSeries/data" --dtype int16 --channels 384
