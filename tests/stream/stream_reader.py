# SPDX-License-Identifier: LGPL-2.1-or-later
"""A reader of a recording as it grows, in a process of its own, as a
viewer reads it: stream_reader.py CONFIG, CONFIG a JSON object with the
filename, dataset, dtype, frame_shape and chunk_rows (the frames of a
chunk) of a recording that stream_helpers.frames() fills.

It opens the file with h5py.File(name, "r", swmr=True) and prints
{"event": "ready"}; then it refreshes the dataset over and over. Its shape
must never shrink, and every frame it shows must be the one written, bit
for bit: each time the shape grows the new frames are read, with the
chunk before them (which the writer rewrites while it fills). It prints
{"event": "size"} for each new shape, and reads standard input for
"end N", the frames of the closed recording: once it shows N frames it
reads them all once more and prints {"event": "done"} with the number of
different sizes it saw. A failed check prints {"event": "failed"} and
exits with status 1."""

import json
import os
import select
import sys
import time

import h5py
import hdf5plugin  # noqa: F401: h5py reads every codec, as a viewer's does

import stream_helpers


def say(event, **values):
    print(json.dumps({"event": event, **values}), flush=True)


def end_asked(buffer):
    """The N of an "end N" line on standard input, or None"""
    if select.select([sys.stdin], [], [], 0)[0]:
        data = os.read(sys.stdin.fileno(), 1024).decode()
        if not data:
            raise SystemExit("standard input closed before 'end N'")
        buffer.append(data)
    text = "".join(buffer)
    if "\n" in text:
        word, total = text.split("\n")[0].split()
        assert word == "end", text
        return int(total)
    return None


def main():
    config = json.loads(sys.argv[1])
    shape = tuple(config["frame_shape"])
    dtype = config["dtype"]
    rows = config["chunk_rows"]
    deadline = time.monotonic() + config.get("timeout", 120)
    file = h5py.File(config["filename"], "r", swmr=True)
    dataset = file[config["dataset"]]
    say("ready", frames=dataset.shape[0])
    sizes = {dataset.shape[0]}
    seen = 0
    total = None
    buffer = []
    try:
        while time.monotonic() < deadline:
            if total is None:
                total = end_asked(buffer)
            dataset.refresh()
            n = dataset.shape[0]
            assert n >= seen, f"the dataset shrank from {seen} to {n} frames"
            if n > seen:
                first = seen - seen % rows
                stream_helpers.assert_frames(dataset[first:n], first, shape, dtype,
                                             f"frames {first}..{n - 1} after a refresh")
                sizes.add(n)
                seen = n
                say("size", frames=n)
            if total is not None and n >= total:
                assert n == total, f"{n} frames shown, {total} recorded"
                stream_helpers.assert_frames(dataset[:], 0, shape, dtype, "the whole dataset")
                say("done", sizes=len(sizes), frames=n)
                return 0
            time.sleep(0.002)
        raise AssertionError(f"timed out with {seen} frames shown (end: {total})")
    except AssertionError as error:
        say("failed", message=str(error))
        return 1
    finally:
        file.close()


if __name__ == "__main__":
    sys.exit(main())
