# SPDX-License-Identifier: LGPL-2.1-or-later
"""A recording in a process of its own, for the tests that kill it or
limit the size of its files: stream_child.py CONFIG, CONFIG a JSON object
with the stream's filename, dataset, dtype, frame_shape and settings (the
keywords of Gdci.H5Stream, chunk_shape a list with null for None), and its
steps:

  ["append", N]                     the next N frames
  ["flush"], ["close"]
  ["record", BATCH, PAUSE, TOTAL]   appends of BATCH frames, PAUSE seconds
                                    apart, until TOTAL frames (null: until
                                    the process is killed)

The frames are stream_helpers.frames(), numbered from 0. It prints JSON
events, one a line: "created" (with the chunk shape), "durable" after
every `flushed` signal (with frames_durable), and at the end "done"; or,
at the first call that fails with a GLib.Error, "error" (the call:
create, append, flush or close; the error's domain, code and message)
and then "after" for an append, a flush and a close tried after it."""

import json
import sys
import time

import gi

gi.require_version("Gdci", "1.0")
from gi.repository import Gdci, GLib  # noqa: E402

import stream_helpers  # noqa: E402


def say(event, **values):
    print(json.dumps({"event": event, **values}), flush=True)


class Recording:
    def __init__(self, config):
        self.frame_shape = tuple(config["frame_shape"])
        self.dtype = config["dtype"]
        self.context = GLib.MainContext.default()
        settings = dict(config.get("settings", {}))
        if settings.get("chunk_shape") is not None:
            settings["chunk_shape"] = tuple(settings["chunk_shape"])
        self.calling = "create"
        self.stream = Gdci.H5Stream(config["filename"], config["dataset"], self.dtype,
                                    self.frame_shape, **settings)
        self.stream.connect("flushed", self.flushed)
        self.next_frame = 0
        say("created", chunk_shape=list(self.stream.get_chunk_shape()))

    def flushed(self, stream, frames_durable):
        say("durable", frames=stream.props.frames_durable, signal=frames_durable)

    def iterate(self):
        while self.context.iteration(False):
            pass

    def append(self, count):
        block = stream_helpers.frames(self.next_frame, count, self.frame_shape, self.dtype)
        self.calling = "append"
        self.stream.append(block)
        self.next_frame += count

    def record(self, batch, pause, total):
        while total is None or self.next_frame < total:
            self.append(batch if total is None else min(batch, total - self.next_frame))
            self.iterate()
            time.sleep(pause)

    def step(self, step):
        name, *args = step
        if name == "append":
            self.append(*args)
        elif name in ("flush", "close"):
            self.calling = name
            getattr(self.stream, name)()
        elif name == "record":
            self.record(*args)
        else:
            raise ValueError(f"no step {name!r}")
        self.iterate()

    def try_after(self):
        """An append, a flush and a close after a failure"""
        for name, call in (("append", lambda: self.stream.append(
                               stream_helpers.frames(0, 1, self.frame_shape, self.dtype))),
                           ("flush", self.stream.flush), ("close", self.stream.close)):
            try:
                call()
                say("after", call=name, error=None)
            except GLib.Error as error:
                say("after", call=name, error=error.message, domain=error.domain,
                    code=error.code)
        self.iterate()


def say_error(call, error):
    say("error", call=call, domain=error.domain, code=error.code, message=error.message,
        gdci_io=error.matches(Gdci.error_quark(), Gdci.Error.IO))


def main():
    config = json.loads(sys.argv[1])
    try:
        recording = Recording(config)
    except GLib.Error as error:
        say_error("create", error)
        return
    for step in config["steps"]:
        try:
            recording.step(step)
        except GLib.Error as error:
            say_error(recording.calling, error)
            recording.iterate()
            recording.try_after()
            break
    say("done", appended=recording.stream.props.frames_appended,
        durable=recording.stream.props.frames_durable,
        closed=recording.stream.is_closed())


if __name__ == "__main__":
    main()
