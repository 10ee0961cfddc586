/* gdci-compressor-impl-private.h: what each codec family gives the
 * compressor dispatch (gdci-compressor.c)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "gdci-compressor-private.h"
#include "gdci-saturating-private.h"

G_BEGIN_DECLS

typedef struct
{
  /* FALSE with a GDCI_ERROR_INVALID_ARGUMENT (or NOT_SUPPORTED) error when
   * @settings cannot be used */
  gboolean (*check)        (const GdciCompressorSettings *settings,
                            GError                      **error);
  /* G_MAXUINT64 on overflow */
  guint64  (*bound)        (const GdciCompressorSettings *settings,
                            guint64                       n_bytes);
  guint64  (*scratch)      (const GdciCompressorSettings *settings);
  gsize    (*compress)     (GdciCompressor               *compressor,
                            const guint8                 *src,
                            gsize                         n_bytes,
                            guint8                       *dst,
                            gsize                         capacity);
  gboolean (*decompress)   (GdciCompressor               *compressor,
                            const guint8                 *src,
                            gsize                         n_bytes,
                            guint8                       *dst,
                            gsize                         expected,
                            gsize                        *n_made,
                            GError                      **error);
  /* NULL where the stream does not say it */
  gboolean (*decoded_size) (const GdciCompressorSettings *settings,
                            const guint8                 *src,
                            gsize                         n_bytes,
                            guint64                      *size,
                            GError                      **error);
  void     (*free_state)   (GdciCompressor               *compressor);
} GdciCompressorClass;

struct _GdciCompressor
{
  GdciCompressorSettings settings;
  const GdciCompressorClass *klass;
  gpointer encoder;          /* the library's compression state */
  gpointer decoder;          /* and its decompression state */
  guint8 *scratch;           /* a block's worth, for the codecs that need it */
  gsize scratch_size;
};

extern const GdciCompressorClass _gdci_compressor_deflate_class;
extern const GdciCompressorClass _gdci_compressor_deflate_fast_class;
extern const GdciCompressorClass _gdci_compressor_zstd_class;
extern const GdciCompressorClass _gdci_compressor_lz4_class;
extern const GdciCompressorClass _gdci_compressor_blosc_class;
extern const GdciCompressorClass _gdci_compressor_bitshuffle_class;

/* A GDCI_ERROR_INVALID_DATA error: the stream is damaged */
void     _gdci_compressor_set_damaged (GError     **error,
                                       const char  *format,
                                       ...) G_GNUC_PRINTF (2, 3);

/* The compressor's scratch block of at least @size bytes, made when first
 * needed; NULL when out of memory */
guint8  *_gdci_compressor_get_scratch (GdciCompressor *compressor,
                                       gsize           size);

static inline guint32
_gdci_read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static inline guint64
_gdci_read_be64 (const guint8 *p)
{
  return ((guint64) _gdci_read_be32 (p) << 32) | _gdci_read_be32 (p + 4);
}

static inline void
_gdci_write_be32 (guint8  *p,
                  guint32  v)
{
  p[0] = (guint8) (v >> 24);
  p[1] = (guint8) (v >> 16);
  p[2] = (guint8) (v >> 8);
  p[3] = (guint8) v;
}

static inline void
_gdci_write_be64 (guint8  *p,
                  guint64  v)
{
  _gdci_write_be32 (p, (guint32) (v >> 32));
  _gdci_write_be32 (p + 4, (guint32) v);
}

G_END_DECLS
