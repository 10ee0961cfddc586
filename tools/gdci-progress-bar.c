/* gdci-progress-bar.c: the gdci command's one-line progress bar on stderr
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "gdci-progress-bar.h"

#define REDRAW_INTERVAL_USEC (100 * G_TIME_SPAN_MILLISECOND)

struct _ProgressBar
{
  char *description;
  char *unit;
  gint64 start_time;
  gint64 last_draw;
  gsize last_width;
  gboolean drawn;
  gboolean finished;
  gboolean utf8;
};

ProgressBar *
progress_bar_new (const char *description,
                  const char *unit)
{
  ProgressBar *bar = g_new0 (ProgressBar, 1);

  bar->description = g_strdup (description);
  bar->unit = g_strdup (unit);
  bar->start_time = g_get_monotonic_time ();
  bar->utf8 = g_get_charset (NULL);
  return bar;
}

static int
terminal_columns (void)
{
  struct winsize ws;

  if (ioctl (STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
    return ws.ws_col;
  return 80;
}

static void
append_duration (GString *s,
                 double   seconds)
{
  guint64 t;

  if (!(seconds >= 0) || seconds > 359999)
    {
      g_string_append (s, "?");
      return;
    }
  t = (guint64) (seconds + 0.5);
  if (t >= 3600)
    g_string_append_printf (s, "%" G_GUINT64_FORMAT ":%02u:%02u", t / 3600,
                            (guint) (t / 60 % 60), (guint) (t % 60));
  else
    g_string_append_printf (s, "%02u:%02u", (guint) (t / 60), (guint) (t % 60));
}

static void
append_bar (GString *s,
            double   fraction,
            int      width,
            gboolean utf8)
{
  static const char *const partial[] = {
    "", "\u258f", "\u258e", "\u258d", "\u258c", "\u258b", "\u258a", "\u2589"
  };
  int eighths = (int) (fraction * width * 8);
  int full = eighths / 8;
  int used = 0;

  for (int i = 0; i < full; i++, used++)
    g_string_append (s, utf8 ? "\u2588" : "#");
  if (used < width && utf8 && eighths % 8 != 0)
    {
      g_string_append (s, partial[eighths % 8]);
      used++;
    }
  for (; used < width; used++)
    g_string_append_c (s, ' ');
}

void
progress_bar_update (ProgressBar *bar,
                     guint64      done,
                     guint64      total,
                     guint64      bytes_done)
{
  gint64 now = g_get_monotonic_time ();
  double elapsed = (now - bar->start_time) / (double) G_USEC_PER_SEC;
  double fraction = total > 0 ? MIN (1.0, (double) done / (double) total) : 1.0;
  g_autoptr(GString) head = g_string_new (NULL);
  g_autoptr(GString) tail = g_string_new (NULL);
  g_autoptr(GString) line = g_string_new ("\r");
  int bar_width;
  gsize width;

  if (bar->finished)
    return;
  if (bar->drawn && done < total && now - bar->last_draw < REDRAW_INTERVAL_USEC)
    return;
  bar->last_draw = now;

  if (bar->description != NULL && *bar->description != '\0')
    g_string_append_printf (head, "%s: ", bar->description);
  g_string_append_printf (head, "%3d%%|", (int) (fraction * 100));

  if (bar->unit != NULL)
    g_string_append_printf (tail, "| %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT " %s",
                            done, total, bar->unit);
  else   /* bytes */
    g_string_append_printf (tail, "| %.1f/%.1f MB", done / 1e6, total / 1e6);
  g_string_append (tail, " [");
  append_duration (tail, elapsed);
  g_string_append_c (tail, '<');
  append_duration (tail, done > 0 ? elapsed * (double) (total - done) / (double) done : -1);
  if (elapsed > 0)
    g_string_append_printf (tail, ", %.1f MB/s", (bar->unit == NULL ? done : bytes_done) / 1e6 / elapsed);
  g_string_append_c (tail, ']');

  bar_width = terminal_columns () - (int) (head->len + tail->len) - 1;
  bar_width = CLAMP (bar_width, 10, 40);

  g_string_append (line, head->str);
  append_bar (line, fraction, bar_width, bar->utf8);
  g_string_append (line, tail->str);

  /* blank out what is left of a longer previous line */
  width = g_utf8_strlen (line->str, -1);
  for (gsize i = width; i < bar->last_width; i++)
    g_string_append_c (line, ' ');
  bar->last_width = width;

  fputs (line->str, stderr);
  fflush (stderr);
  bar->drawn = TRUE;

  if (done >= total)
    progress_bar_finish (bar);
}

void
progress_bar_finish (ProgressBar *bar)
{
  if (bar->drawn && !bar->finished)
    {
      fputc ('\n', stderr);
      fflush (stderr);
    }
  bar->finished = TRUE;
}

void
progress_bar_free (ProgressBar *bar)
{
  if (bar == NULL)
    return;
  progress_bar_finish (bar);
  g_free (bar->description);
  g_free (bar->unit);
  g_free (bar);
}
