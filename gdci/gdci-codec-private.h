/* gdci-codec-private.h: HDF5's filters, applied to a chunk outside HDF5
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  gsize chunk_bytes;    /* a whole chunk, padded at the data's edges */
  gsize itemsize;
  gboolean shuffle;
  int gzip_level;       /* 0: no compression */
  gboolean fletcher32;
} GdciCodecSettings;

/* One per thread: it owns its scratch memory and compressor: at most two
 * chunks, one staging (gathered and shuffled at once) and one of
 * compressed output. */
typedef struct _GdciCodec GdciCodec;

GdciCodec    *_gdci_codec_new     (const GdciCodecSettings  *settings,
                                   GError                  **error);
/* The scratch memory a codec of @settings may hold, at most */
guint64       _gdci_codec_scratch_bytes (const GdciCodecSettings *settings);
void          _gdci_codec_free    (GdciCodec                *codec);
/* The filtered bytes of one chunk of settings->chunk_bytes; they live in
 * the codec (or are @chunk itself, with no filter) until the next call.
 * NULL if the compressor failed. */
const guint8 *_gdci_codec_encode  (GdciCodec                *codec,
                                   const guint8             *chunk,
                                   gsize                    *n_bytes);

/* The filtered bytes of the chunk whose box of @extent (at most
 * @chunk_shape; smaller at the data's edges, where the rest of the chunk is
 * zero) is at @src with byte strides @src_strides. Avoids copies where it
 * can: a chunk contiguous at @src is used in place, and shuffling gathers
 * straight from @src. */
const guint8 *_gdci_codec_encode_box (GdciCodec        *codec,
                                      guint             n_dims,
                                      const guint64    *chunk_shape,
                                      const guint64    *extent,
                                      const guint8     *src,
                                      const gint64     *src_strides,
                                      gsize            *n_bytes);

void          _gdci_shuffle       (const guint8             *src,
                                   guint8                   *dst,
                                   gsize                     n_elements,
                                   gsize                     itemsize);
guint32       _gdci_fletcher32    (const guint8             *data,
                                   gsize                     n_bytes);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GdciCodec, _gdci_codec_free)

G_END_DECLS
