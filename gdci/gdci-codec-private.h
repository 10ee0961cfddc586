/* gdci-codec-private.h: HDF5's filters, applied to a chunk outside HDF5
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "gdci-compressor-private.h"

G_BEGIN_DECLS

typedef struct
{
  gsize chunk_bytes;    /* a whole chunk, padded at the data's edges */
  gsize itemsize;
  gboolean shuffle;     /* HDF5's shuffle filter, before the compressor */
  GdciCompressorSettings compressor;   /* kind NONE: no compression */
  gboolean fletcher32;
  /* the element that fills the rest of a partial chunk, as HDF5 fills it
   * with the dataset's fill value (what an extended dataset reads there);
   * zero bytes unless @pad_set */
  gboolean pad_set;
  guint8 pad[8];        /* @itemsize bytes, in the element's byte order */
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
/* The most bytes an encoded chunk of the codec takes */
gsize         _gdci_codec_encoded_bound (GdciCodec          *codec);
/* Faults in the codec's buffers now, in the calling thread */
void          _gdci_codec_fault_in (GdciCodec               *codec);
/* The filtered bytes of one chunk of settings->chunk_bytes; they live in
 * the codec (or are @chunk itself, with no filter) until the next call.
 * NULL if the compressor failed. */
const guint8 *_gdci_codec_encode  (GdciCodec                *codec,
                                   const guint8             *chunk,
                                   gsize                    *n_bytes);

/* The filtered bytes of the chunk whose box of @extent (at most
 * @chunk_shape; smaller at the data's edges, where the rest of the chunk is
 * zero, or settings->pad) is at @src with byte strides @src_strides. Avoids copies where it
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

/* ---- decoding: a stored chunk back to its elements -------------------- */

/* The filters gdci decodes itself; a chunk that any other filter made is
 * read by HDF5 */
typedef enum
{
  GDCI_FILTER_SHUFFLE,
  GDCI_FILTER_DEFLATE,       /* HDF5's deflate: a compressor of that kind */
  GDCI_FILTER_FLETCHER32,
  GDCI_FILTER_COMPRESSOR,    /* the compressor of its compressor[] */
} GdciFilterKind;

#define GDCI_DECODER_MAX_FILTERS 8

typedef struct
{
  gsize chunk_bytes;    /* a whole chunk, as HDF5 stores it before filtering */
  guint n_filters;      /* the pipeline, in the order HDF5 applied it */
  GdciFilterKind filters[GDCI_DECODER_MAX_FILTERS];
  gsize shuffle_itemsize[GDCI_DECODER_MAX_FILTERS];  /* the shuffle's element size */
  /* a compressor's settings (_gdci_compressor_settings_for_filter()); the
   * decoder sets their chunk_bytes to what the filter was given */
  GdciCompressorSettings compressor[GDCI_DECODER_MAX_FILTERS];
} GdciDecoderSettings;

/* One per thread, like a codec: its decompressor and scratch chunks */
typedef struct _GdciDecoder GdciDecoder;

GdciDecoder  *_gdci_decoder_new         (const GdciDecoderSettings *settings,
                                         GError                   **error);
void          _gdci_decoder_free        (GdciDecoder              *decoder);
/* The most bytes a chunk stored with the filters that @filter_mask does
 * not skip (bit i set: filter i was skipped) can take: more is damage */
guint64       _gdci_decoder_stored_bound (const GdciDecoder       *decoder,
                                          guint32                  filter_mask);
/* Room for the stored bytes of one chunk, at least the bound of mask 0;
 * NULL when out of memory */
guint8       *_gdci_decoder_input       (GdciDecoder              *decoder);
/* Undoes the filters @filter_mask does not skip, last first, on the
 * @n_stored bytes at _gdci_decoder_input(): the chunk's chunk_bytes bytes
 * (in the decoder, writable, until the next call), or NULL with a
 * GDCI_ERROR_INVALID_DATA error saying what does not match (a size, the
 * compressed stream, the checksum). Uses no HDF5 call. */
guint8       *_gdci_decoder_decode      (GdciDecoder              *decoder,
                                         gsize                     n_stored,
                                         guint32                   filter_mask,
                                         GError                  **error);

/* The inverse of _gdci_shuffle() over @n_bytes: bytes past the last whole
 * element are copied as they are, as HDF5 does */
void          _gdci_unshuffle           (const guint8             *src,
                                         guint8                   *dst,
                                         gsize                     n_bytes,
                                         gsize                     itemsize);
/* Swaps the bytes of each of @n_elements elements of @itemsize in place */
void          _gdci_byte_swap           (guint8                   *data,
                                         gsize                     n_elements,
                                         gsize                     itemsize);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GdciDecoder, _gdci_decoder_free)

G_END_DECLS
