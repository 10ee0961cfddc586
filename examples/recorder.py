#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""gdci Recorder: a GTK 4 app that records a simulated 384-channel probe
(int16 samples at 30 kHz) into a compressed HDF5 file with Gdci.H5Stream,
showing a few channels live and the stream's rate, compression and backlog.

    gdci-recorder [--output FILE.h5] [--record-seconds N] [--screenshot PNG]
                  [--quit-after]

- A worker thread makes the probe's samples in blocks of 20 ms, in real
  time, and appends them with stream.append(), which copies them and
  returns; the stream compresses and writes them in its own threads. The
  worker also closes the stream, so the main loop never waits on the disk.
- The stream is made in the main thread, so its "flushed" and
  "backlog-full" signals are emitted there: the labels are updated from
  them and from a 100 ms timeout that reads the stream's counts.
- Each recording is a new dataset, /acquisition/probe0 in a new file (in an
  existing file, the first of probe0, probe1, ... not taken).

--record-seconds starts a recording at once and stops it after N seconds;
--screenshot saves a PNG of the window just before it stops; --quit-after
quits once the recording is closed (exit status 1 if it failed).

The samples depend only on their frame index (Probe.frames), so what was
recorded can be made again and compared.
"""

import collections
import os
import sys
import threading
import time

import numpy as np
import gi

gi.require_version("Gdci", "1.0")
gi.require_version("Gtk", "4.0")
gi.require_version("Pango", "1.0")
from gi.repository import Gdci, Gio, GLib, Gtk, Pango  # noqa: E402

APP_ID = "org.gdci.Recorder"
RATE = 30000                  # frames (samples of every channel) per second
CHANNELS = 384
DTYPE = np.int16
BLOCK_FRAMES = 600            # 20 ms: what the worker appends at a time
DATASET = "/acquisition/probe"
COMPRESSIONS = ("gzip-fast", "zstd", "none")

PLOT_FRAMES = RATE // 2       # the plot shows the last 0.5 s
PLOT_CHANNELS = (48, 144, 240, 336)
PLOT_RANGE = 900.0            # the sample value at the edge of a channel's lane
BACKGROUND = (0x24 / 255, 0x1f / 255, 0x31 / 255)
GRID = (0x3d / 255, 0x38 / 255, 0x46 / 255)
TRACE_COLOURS = (             # GNOME's palette: blue, green, yellow, red
    (0x62, 0xa0, 0xea),
    (0x57, 0xe3, 0x89),
    (0xf8, 0xe4, 0x5c),
    (0xff, 0x7b, 0x63),
)


class Probe:
    """A simulated probe: noise with spikes (a table of NOISE_FRAMES frames,
    repeated) plus field potentials of 10 and 30 Hz (a table of one 10 Hz
    period), so that frame i of channel c is always the same value."""

    NOISE_FRAMES = 8192
    FIELD_FRAMES = RATE // 10

    def __init__(self, seed=0):
        rng = np.random.default_rng(seed)
        noise = rng.normal(0.0, 40.0, size=(self.NOISE_FRAMES, CHANNELS))
        # neurons: each spikes on a few neighbouring channels, weaker away
        # from its own; some sit on the plotted channels
        centres = np.concatenate([PLOT_CHANNELS, rng.integers(0, CHANNELS, 60)])
        k = np.arange(40.0)
        shape = -np.exp(-((k - 8) / 2.5) ** 2) + 0.35 * np.exp(-((k - 20) / 6) ** 2)
        for centre in centres:
            amplitude = rng.uniform(250, 650)
            for time_ in rng.integers(0, self.NOISE_FRAMES - len(k), rng.integers(2, 6)):
                for channel in range(max(centre - 3, 0), min(centre + 4, CHANNELS)):
                    fall = 0.55 ** abs(channel - centre)
                    noise[time_:time_ + len(k), channel] += amplitude * fall * shape
        t = np.arange(self.FIELD_FRAMES)[:, None] / RATE
        depth = np.arange(CHANNELS)[None, :] / CHANNELS
        field = (260 * np.sin(2 * np.pi * (10 * t + depth))
                 + 90 * np.sin(2 * np.pi * (30 * t + 3 * depth)) * (1 - depth))
        self.noise = np.round(noise).astype(DTYPE)
        self.field = np.round(field).astype(DTYPE)

    def frames(self, start, n):
        """The n frames from frame index start, an int16 array (n, 384)."""
        index = np.arange(start, start + n)
        block = np.take(self.noise, index % self.NOISE_FRAMES, axis=0)
        block += np.take(self.field, index % self.FIELD_FRAMES, axis=0)
        return block


class Acquisition:
    """The worker thread of one recording: appends the probe's blocks to the
    stream in real time, keeps the last PLOT_FRAMES of the plotted channels,
    then closes the stream and calls done(error message or None) in the
    main loop."""

    def __init__(self, probe, stream, done):
        self.probe = probe
        self.stream = stream
        self.done = done
        self.frames = 0
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._plot = np.zeros((PLOT_FRAMES, len(PLOT_CHANNELS)), DTYPE)
        self._plot_end = 0
        self._thread = threading.Thread(target=self._run, name="acquisition")

    def start(self):
        self._thread.start()

    def stop(self):
        """Asks the worker to stop (it closes the stream, then calls done)."""
        self._stopping.set()

    @property
    def stopping(self):
        return self._stopping.is_set()

    def join(self):
        self._thread.join()

    def plot_data(self):
        """The last PLOT_FRAMES frames of the plotted channels, oldest first,
        and how many of them were recorded."""
        with self._lock:
            end = self._plot_end
            data = np.roll(self._plot, -(end % PLOT_FRAMES), axis=0)
        return data, min(end, PLOT_FRAMES)

    def _keep(self, block):
        with self._lock:
            position = self._plot_end % PLOT_FRAMES
            first = min(len(block), PLOT_FRAMES - position)
            self._plot[position:position + first] = block[:first, PLOT_CHANNELS]
            self._plot[:len(block) - first] = block[first:, PLOT_CHANNELS]
            self._plot_end += len(block)

    def _run(self):
        error = None
        try:
            started = time.monotonic()
            while not self._stopping.is_set():
                ahead = self.frames + BLOCK_FRAMES - (time.monotonic() - started) * RATE
                if ahead > 0:
                    self._stopping.wait(ahead / RATE)
                    continue
                block = self.probe.frames(self.frames, BLOCK_FRAMES)
                self.stream.append(block)
                self._keep(block)
                self.frames += BLOCK_FRAMES
        except GLib.Error as e:
            error = e.message
        except Exception as e:  # noqa: BLE001: shown in the window, not as a traceback
            error = str(e)
        try:
            self.stream.close()
        except GLib.Error as e:
            error = error or e.message
        GLib.idle_add(self.done, error)


def save_screenshot(window, path):
    """Saves the window as it was last drawn into a PNG: rendered again by
    its own renderer, or on a PyGObject that cannot hold GTK's render nodes
    (before 3.46), read back from the X server."""
    try:
        paintable = Gtk.WidgetPaintable.new(window)
        snapshot = Gtk.Snapshot.new()
        paintable.snapshot(snapshot, window.get_width(), window.get_height())
        node = snapshot.to_node()
        texture = window.get_native().get_renderer().render_texture(node, None) if node else None
    except TypeError:               # "No means to translate ... GskContainerNode"
        texture = None
    if texture is None:
        texture = x11_window_texture(window)
    if not texture.save_to_png(path):
        raise ValueError(f"cannot write {path}")


def x11_window_texture(window):
    """The pixels of the window on its X server, as a Gdk.Texture."""
    gi.require_version("GdkX11", "4.0")
    from gi.repository import Gdk, GdkX11
    try:
        from Xlib import X, display
    except ImportError:
        raise ValueError("saving a screenshot with this PyGObject needs python-xlib") from None
    surface = window.get_surface()
    if not isinstance(surface, GdkX11.X11Surface):
        raise ValueError("saving a screenshot with this PyGObject needs an X11 display (GDK_BACKEND=x11)")
    scale = surface.get_scale_factor()
    width, height = surface.get_width() * scale, surface.get_height() * scale
    connection = display.Display(window.get_display().get_name())
    try:
        formats = {f.depth: f.bits_per_pixel for f in connection.display.info.pixmap_formats}
        image = connection.create_resource_object("window", surface.get_xid()).get_image(
            0, 0, width, height, X.ZPixmap, 0xffffffff)
        lsb_first = connection.display.info.image_byte_order == X.LSBFirst
    finally:
        connection.close()
    if image.depth not in (24, 32) or formats.get(image.depth) != 32:
        raise ValueError(f"cannot read an X window of depth {image.depth}")
    pixels = np.frombuffer(image.data, np.uint8).reshape(height, width, 4).copy()
    pixels[..., 3 if lsb_first else 0] = 255     # the padding byte, as opaque alpha
    memory_format = Gdk.MemoryFormat.B8G8R8A8 if lsb_first else Gdk.MemoryFormat.A8R8G8B8
    return Gdk.MemoryTexture.new(width, height, memory_format, GLib.Bytes.new(pixels.tobytes()), width * 4)


def default_output():
    folder = GLib.get_user_special_dir(GLib.UserDirectory.DIRECTORY_DOCUMENTS)
    if folder is None or not os.path.isdir(folder):
        folder = GLib.get_home_dir()
    return os.path.join(folder, time.strftime("recording-%Y%m%d-%H%M%S.h5"))


def open_stream(path, compression):
    """A stream into the first of DATASET0, DATASET1, ... that path does not
    have yet."""
    settings = {"compression": compression, "shuffle": compression != "none"}
    for number in range(100):
        try:
            return Gdci.H5Stream(path, f"{DATASET}{number}", DTYPE, (CHANNELS,), **settings)
        except GLib.Error as e:
            if not (e.matches(Gdci.error_quark(), Gdci.Error.EXISTS) and "has an object" in e.message):
                raise
    raise ValueError(f"{path} has {DATASET}0 to {DATASET}99 already: choose another file")


def seconds_text(frames):
    seconds = frames / RATE
    return f"{int(seconds // 60)}:{seconds % 60:04.1f}"


class RecorderWindow(Gtk.ApplicationWindow):
    def __init__(self, app, output=None):
        super().__init__(application=app, title="Recorder", default_width=960, default_height=600)
        self.probe = Probe()
        self.output = output          # None: a new name in Documents for each recording
        self.stream = None
        self.dataset = None
        self.acquisition = None
        self.last = None              # the acquisition of the last recording, for the plot
        self.rates = collections.deque(maxlen=11)
        self.on_stopped = []          # called once with the error message (or None)
        self._dialog = None
        self._timeouts = []
        self._close_when_stopped = False

        self._add_actions()
        self.set_titlebar(self._header())
        box = Gtk.Box(orientation=Gtk.Orientation.VERTICAL)
        box.append(self._info_bar())
        self.plot = Gtk.DrawingArea(hexpand=True, vexpand=True, content_height=360)
        self.plot.set_draw_func(self._draw)
        box.append(self.plot)
        box.append(self._stats())
        self.set_child(box)
        self.connect("close-request", self._on_close_request)
        self._update_actions()
        self._update_stats()

    # ---- building the window ------------------------------------------------

    def _add_actions(self):
        for name, callback in (("record", self.record), ("stop", self.stop),
                               ("choose-output", self._choose_output)):
            action = Gio.SimpleAction.new(name, None)
            action.connect("activate", lambda _action, _param, callback=callback: callback())
            self.add_action(action)

    def _header(self):
        header = Gtk.HeaderBar()
        title = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, valign=Gtk.Align.CENTER)
        title.append(Gtk.Label(label="Recorder", css_classes=["title"]))
        self.subtitle = Gtk.Label(css_classes=["subtitle"], ellipsize=Pango.EllipsizeMode.END)
        title.append(self.subtitle)
        header.set_title_widget(title)

        record = Gtk.Button(label="_Record", use_underline=True, action_name="win.record",
                            tooltip_text="Record (Ctrl+R)", css_classes=["suggested-action"])
        stop = Gtk.Button(label="_Stop", use_underline=True, action_name="win.stop",
                          tooltip_text="Stop (Ctrl+.)", css_classes=["destructive-action"])
        header.pack_start(record)
        header.pack_start(stop)

        self.compression = Gtk.DropDown.new_from_strings(COMPRESSIONS)
        self.compression.set_tooltip_text("Compression of the next recording")
        output = Gtk.Button(icon_name="document-save-as-symbolic", action_name="win.choose-output",
                            tooltip_text="Choose the file to record into")
        header.pack_end(output)
        header.pack_end(self.compression)
        return header

    def _info_bar(self):
        self.info_bar = Gtk.InfoBar(revealed=False, show_close_button=True)
        self.info_label = Gtk.Label(wrap=True, xalign=0, selectable=True)
        self.info_bar.add_child(self.info_label)
        self.info_bar.connect("response", lambda bar, _response: bar.set_revealed(False))
        return self.info_bar

    def _stats(self):
        grid = Gtk.Grid(column_spacing=24, row_spacing=4, margin_top=12, margin_bottom=12,
                        margin_start=18, margin_end=18, column_homogeneous=True)
        self.values = {}
        names = ("Rate", "Compression", "Backlog", "File size", "Duration", "Durable")
        for column, name in enumerate(names):
            grid.attach(Gtk.Label(label=name, xalign=0, css_classes=["dim-label", "caption"]),
                        column, 0, 1, 1)
            value = Gtk.Label(xalign=0, css_classes=["numeric", "title-4"])
            grid.attach(value, column, 1, 1, 1)
            self.values[name] = value
        return grid

    # ---- recording ------------------------------------------------------

    def record(self):
        """Starts a recording; False if the stream could not be made (the
        error is shown)."""
        if self.stream is not None:
            return False
        path = self.output or default_output()
        compression = COMPRESSIONS[self.compression.get_selected()]
        try:
            # creating the file is short; appends and the close are the
            # worker's
            self.stream = open_stream(path, compression)
        except (GLib.Error, ValueError, TypeError) as e:
            self.show_message(f"Cannot record into {path}: {getattr(e, 'message', e)}")
            self._stopped(str(getattr(e, "message", e)), started=False)
            return False
        self.dataset = self.stream.get_dataset_path()
        self.stream.connect("flushed", self._on_flushed)
        self.stream.connect("backlog-full", self._on_backlog_full)
        self.info_bar.set_revealed(False)
        self.rates.clear()
        self.acquisition = Acquisition(self.probe, self.stream, self._stopped)
        self.last = self.acquisition
        self.acquisition.start()
        self._timeouts = [GLib.timeout_add(100, self._tick), GLib.timeout_add(40, self._redraw)]
        self.subtitle.set_label(f"{os.path.basename(path)}:{self.dataset} ({compression})")
        self._update_actions()
        return True

    def stop(self):
        """Asks the worker to stop; _stopped runs once the stream is closed."""
        if self.acquisition is not None:
            self.acquisition.stop()
            self._update_actions()

    def shutdown(self):
        """Stops and waits for the worker: the app is quitting."""
        if self.acquisition is not None:
            self.acquisition.stop()
            self.acquisition.join()

    def _stopped(self, error, started=True):
        if started:
            for source in self._timeouts:
                GLib.source_remove(source)
            self._timeouts = []
            self._update_stats()
            self.plot.queue_draw()
            self.stream = None
            self.acquisition = None
            self._update_actions()
            if error is not None:
                self.show_message(f"The recording stopped: {error}")
        callbacks, self.on_stopped = self.on_stopped, []
        for callback in callbacks:
            callback(error)
        if self._close_when_stopped:
            self.destroy()
        return GLib.SOURCE_REMOVE

    def _on_close_request(self, _window):
        if self.acquisition is None:
            return False
        self._close_when_stopped = True
        self.set_sensitive(False)
        self.stop()
        return True

    def show_message(self, text, message_type=Gtk.MessageType.ERROR):
        self.info_label.set_label(text)
        self.info_bar.set_message_type(message_type)
        self.info_bar.set_revealed(True)

    def _update_actions(self):
        idle = self.stream is None
        self.lookup_action("record").set_enabled(idle)
        self.lookup_action("stop").set_enabled(self.acquisition is not None
                                               and not self.acquisition.stopping)
        self.lookup_action("choose-output").set_enabled(idle)
        self.compression.set_sensitive(idle)
        if idle:
            self.subtitle.set_label(os.path.basename(self.output) if self.output else "a new file in Documents")

    # ---- the stream's signals and counts --------------------------------------

    def _on_flushed(self, stream, frames_durable):
        self._update_stats()

    def _on_backlog_full(self, stream, backlog_bytes):
        self.show_message(f"The disk is slower than the probe: {GLib.format_size(backlog_bytes)} waited to be "
                          "written, and appends waited for it. Try a faster compression.",
                          Gtk.MessageType.WARNING)

    def _tick(self):
        if self.stream is not None:
            self.rates.append((time.monotonic(), self.stream.get_frames_appended()))
        self._update_stats()
        return GLib.SOURCE_CONTINUE

    def _redraw(self):
        self.plot.queue_draw()
        return GLib.SOURCE_CONTINUE

    def _update_stats(self):
        stream = self.stream
        if stream is None:
            if self.last is None:
                for label in self.values.values():
                    label.set_label("—")
            self.values["Rate"].set_label("—")
            self.values["Backlog"].set_label("—")
            return
        appended = stream.get_frames_appended()
        written = stream.get_bytes_written()
        rate = None
        if len(self.rates) > 1:
            (first_time, first_frames), (last_time, last_frames) = self.rates[0], self.rates[-1]
            rate = (last_frames - first_frames) / (last_time - first_time)
        ratio = appended * stream.get_frame_bytes() / written if written else None
        try:
            size = os.stat(stream.get_filename()).st_size
        except OSError:
            size = 0
        self.values["Rate"].set_label(f"{rate:,.0f} frames/s" if rate is not None else "—")
        self.values["Compression"].set_label(f"{ratio:.2f}×" if ratio else "—")
        self.values["Backlog"].set_label(GLib.format_size(stream.get_backlog_bytes()))
        self.values["File size"].set_label(GLib.format_size(size))
        self.values["Duration"].set_label(seconds_text(appended))
        self.values["Durable"].set_label(seconds_text(stream.get_frames_durable()))

    # ---- the plot ---------------------------------------------------------

    def _draw(self, _area, cr, width, height):
        cr.set_source_rgb(*BACKGROUND)
        cr.paint()
        cr.set_source_rgb(*GRID)
        cr.set_line_width(1)
        for tenth in range(1, 5):
            x = round(width * tenth / 5) + 0.5
            cr.move_to(x, 0)
            cr.line_to(x, height)
        cr.stroke()
        lane = height / len(PLOT_CHANNELS)
        if self.last is None:
            self._draw_text(cr, width / 2 - 60, height / 2, "Press Record to start")
            return
        data, count = self.last.plot_data()
        columns = max(1, min(int(width), PLOT_FRAMES))
        starts = np.linspace(0, PLOT_FRAMES, columns, endpoint=False).astype(int)
        lows = np.minimum.reduceat(data, starts, axis=0)
        highs = np.maximum.reduceat(data, starts, axis=0)
        first = int(np.searchsorted(starts, PLOT_FRAMES - count))
        xs = starts / PLOT_FRAMES * width
        scale = lane / 2 / PLOT_RANGE
        cr.set_line_width(1.5)
        for lane_index, colour in enumerate(TRACE_COLOURS[:len(PLOT_CHANNELS)]):
            middle = lane * (lane_index + 0.5)
            low = (middle - lows[:, lane_index] * scale).tolist()
            high = (middle - highs[:, lane_index] * scale).tolist()
            cr.set_source_rgb(*(value / 255 for value in colour))
            for column in range(first, columns):
                cr.line_to(xs[column], high[column])
                cr.line_to(xs[column], low[column])
            cr.stroke()
            self._draw_text(cr, 8, lane * lane_index + 16, f"channel {PLOT_CHANNELS[lane_index]}")
        self._draw_text(cr, width - 120, height - 8, "0.1 s per division")

    @staticmethod
    def _draw_text(cr, x, y, text):
        cr.set_source_rgb(0.75, 0.75, 0.78)
        cr.set_font_size(12)
        cr.move_to(x, y)
        cr.show_text(text)
        cr.new_path()

    # ---- the output file -----------------------------------------------------

    def _choose_output(self):
        dialog = Gtk.FileChooserNative.new("Record Into", self, Gtk.FileChooserAction.SAVE, "_Select", "_Cancel")
        dialog.set_modal(True)
        path = self.output or default_output()
        dialog.set_current_name(os.path.basename(path))
        try:
            dialog.set_current_folder(Gio.File.new_for_path(os.path.dirname(path)))
        except GLib.Error:
            pass
        hdf5 = Gtk.FileFilter(name="HDF5 files")
        hdf5.add_pattern("*.h5")
        hdf5.add_pattern("*.hdf5")
        hdf5.add_pattern("*.nwb")
        dialog.add_filter(hdf5)
        dialog.connect("response", self._on_output_chosen)
        self._dialog = dialog          # the dialog lives as long as it is referenced
        dialog.show()

    def _on_output_chosen(self, dialog, response):
        if response == Gtk.ResponseType.ACCEPT and dialog.get_file() is not None:
            path = dialog.get_file().get_path()
            if path is None:
                self.show_message("Choose a file on this computer's disks")
            else:
                self.output = path
                self._update_actions()
        self._dialog = None


class RecorderApp(Gtk.Application):
    def __init__(self):
        super().__init__(application_id=APP_ID, flags=Gio.ApplicationFlags.NON_UNIQUE)
        self.output = None
        self.record_seconds = None
        self.screenshot = None
        self.quit_after = False
        self.exit_status = 0
        self.window = None
        options = (
            ("output", GLib.OptionArg.FILENAME, "The HDF5 file to record into", "FILE.h5"),
            ("record-seconds", GLib.OptionArg.DOUBLE, "Record at once, for N seconds", "N"),
            ("screenshot", GLib.OptionArg.FILENAME, "Save a PNG of the window before stopping", "PNG"),
            ("quit-after", GLib.OptionArg.NONE, "Quit once the timed recording is stopped", None),
        )
        for name, kind, description, placeholder in options:
            self.add_main_option(name, 0, GLib.OptionFlags.NONE, kind, description, placeholder)

    def do_handle_local_options(self, options):
        def path(name):
            value = options.lookup_value(name, None)
            return os.path.abspath(os.fsdecode(value.get_bytestring())) if value is not None else None

        self.output = path("output")
        self.screenshot = path("screenshot")
        self.quit_after = options.contains("quit-after")
        if options.contains("record-seconds"):
            self.record_seconds = options.lookup_value("record-seconds", None).get_double()
            if not self.record_seconds > 0:
                print("gdci-recorder: --record-seconds must be more than 0", file=sys.stderr)
                return 2
        elif self.screenshot is not None or self.quit_after:
            print("gdci-recorder: --screenshot and --quit-after go with --record-seconds", file=sys.stderr)
            return 2
        return -1

    def do_startup(self):
        Gtk.Application.do_startup(self)
        quit_action = Gio.SimpleAction.new("quit", None)
        quit_action.connect("activate", lambda *_: self.window.close() if self.window else self.quit())
        self.add_action(quit_action)
        self.set_accels_for_action("app.quit", ["<Control>q"])
        self.set_accels_for_action("win.record", ["<Control>r"])
        self.set_accels_for_action("win.stop", ["<Control>period"])

    def do_activate(self):
        if self.window is not None:
            self.window.present()
            return
        self.window = RecorderWindow(self, self.output)
        self.window.present()
        if self.record_seconds is not None:
            self.window.on_stopped.append(self._timed_recording_stopped)
            if self.window.record():
                GLib.timeout_add(int(self.record_seconds * 1000), self._end_timed_recording)

    def do_shutdown(self):
        if self.window is not None:
            self.window.shutdown()
        Gtk.Application.do_shutdown(self)

    def _end_timed_recording(self):
        if self.screenshot is None:
            self.window.stop()
            return GLib.SOURCE_REMOVE
        # just after the next frame is painted, so that what is saved is
        # what the window shows (or after a second, if none is)
        clock = self.window.get_frame_clock()
        handlers = []

        def painted(*_args):
            if not handlers:
                return GLib.SOURCE_REMOVE
            clock.disconnect(handlers.pop())
            GLib.source_remove(handlers.pop())
            try:
                save_screenshot(self.window, self.screenshot)
            except (GLib.Error, ValueError) as e:
                message = getattr(e, "message", str(e))
                self.window.show_message(f"Cannot save the screenshot: {message}")
                print(f"gdci-recorder: cannot save the screenshot: {message}", file=sys.stderr)
                self.exit_status = 1
            self.window.stop()
            return GLib.SOURCE_REMOVE

        handlers[:] = [GLib.timeout_add(1000, painted), clock.connect("after-paint", painted)]
        self.window.queue_draw()
        return GLib.SOURCE_REMOVE

    def _timed_recording_stopped(self, error):
        if error is not None:
            print(f"gdci-recorder: {error}", file=sys.stderr)
            self.exit_status = 1
        if self.quit_after:
            self.quit()


def main():
    app = RecorderApp()
    status = app.run(sys.argv)
    return status or app.exit_status


if __name__ == "__main__":
    sys.exit(main())
