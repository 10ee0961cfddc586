/* gdci-compressor-private.h: the compression filters of HDF5 datasets,
 * each written exactly as its registered HDF5 filter writes a chunk
 *
 * A compressor turns the (already shuffled, if the pipeline shuffles)
 * bytes of one chunk into what the HDF5 filter of its kind stores, and
 * back. Deflate is HDF5's own filter 1 (a zlib stream), made by libdeflate
 * or, for the fast levels, by ISA-L; the others are the filters that
 * hdf5plugin registers: zstd (32015), LZ4 (32004), Blosc (32001) and
 * Bitshuffle (32008), with the cd_values that hdf5plugin's own filters
 * leave in a dataset for the same settings.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <hdf5.h>

G_BEGIN_DECLS

typedef enum
{
  GDCI_COMPRESSOR_NONE,
  GDCI_COMPRESSOR_DEFLATE,       /* filter 1, libdeflate, levels 1-9 */
  GDCI_COMPRESSOR_DEFLATE_FAST,  /* filter 1, ISA-L igzip, levels 1-3 */
  GDCI_COMPRESSOR_ZSTD,          /* 32015, levels 1-22 */
  GDCI_COMPRESSOR_LZ4,           /* 32004 */
  GDCI_COMPRESSOR_BLOSC,         /* 32001, levels 0-9 */
  GDCI_COMPRESSOR_BITSHUFFLE,    /* 32008, its own compression inside */
} GdciCompressorKind;

/* Blosc's inner compressors, by their numbers in Blosc's cd_values[6] */
typedef enum
{
  GDCI_BLOSC_INNER_BLOSCLZ = 0,
  GDCI_BLOSC_INNER_LZ4 = 1,
  GDCI_BLOSC_INNER_LZ4HC = 2,
  GDCI_BLOSC_INNER_SNAPPY = 3,
  GDCI_BLOSC_INNER_ZLIB = 4,
  GDCI_BLOSC_INNER_ZSTD = 5,
} GdciBloscInner;

/* Bitshuffle's compression, by its number in Bitshuffle's cd_values[4] */
typedef enum
{
  GDCI_BITSHUFFLE_INNER_NONE = 0,
  GDCI_BITSHUFFLE_INNER_LZ4 = 2,
  GDCI_BITSHUFFLE_INNER_ZSTD = 3,
} GdciBitshuffleInner;

#define GDCI_COMPRESSOR_MAX_CD_VALUES 8

typedef struct
{
  GdciCompressorKind kind;
  int level;              /* deflate 1-9, deflate-fast 1-3, zstd 1-22, blosc
                           * 0-9, bitshuffle with zstd: zstd's level */
  gsize itemsize;         /* the element size (Blosc's typesize,
                           * Bitshuffle's element size) */
  gsize chunk_bytes;      /* the bytes of a whole chunk given to the filter */
  int blosc_shuffle;      /* Blosc's own: 0 none, 1 bytes, 2 bits */
  GdciBloscInner blosc_inner;
  GdciBitshuffleInner bitshuffle_inner;
  guint block_elements;   /* Bitshuffle's elements per block (0: its
                           * default); LZ4's block bytes (0: its default) */
} GdciCompressorSettings;

/* The HDF5 filter of @kind (H5Z_FILTER_DEFLATE for both deflates), and its
 * name as h5dump and hdf5plugin say it ("deflate", "zstd", "lz4",
 * "blosc", "bitshuffle"); 0 and NULL for NONE */
H5Z_filter_t  _gdci_compressor_filter_id   (GdciCompressorKind kind);
const char   *_gdci_compressor_filter_name (GdciCompressorKind kind);

/* The cd_values a dataset of @settings carries for its filter, as the
 * registered filter's set_local leaves them (what hdf5plugin writes);
 * returns how many, at most GDCI_COMPRESSOR_MAX_CD_VALUES */
guint         _gdci_compressor_cd_values   (const GdciCompressorSettings *settings,
                                            unsigned int                 *cd_values);

/* The settings a source dataset's filter @id with @cd_values stands for,
 * to decode its chunks; FALSE with GDCI_ERROR_NOT_SUPPORTED naming the
 * filter (id and name) when gdci has no decoder for it, or
 * GDCI_ERROR_INVALID_DATA when its cd_values make no sense */
gboolean      _gdci_compressor_settings_for_filter (H5Z_filter_t            id,
                                                    const unsigned int     *cd_values,
                                                    gsize                   n_cd_values,
                                                    gsize                   itemsize,
                                                    gsize                   chunk_bytes,
                                                    GdciCompressorSettings *settings,
                                                    GError                **error);

/* One per thread: the compressor's and decompressor's state, both made
 * when first used */
typedef struct _GdciCompressor GdciCompressor;

GdciCompressor *_gdci_compressor_new        (const GdciCompressorSettings *settings,
                                             GError                      **error);
void            _gdci_compressor_free       (GdciCompressor               *compressor);

/* The most bytes the compression of @n_bytes bytes can make, and so the
 * most a stored chunk of @n_bytes can take; G_MAXUINT64 on overflow */
guint64         _gdci_compressor_bound      (const GdciCompressor         *compressor,
                                             guint64                       n_bytes);

/* Compresses @n_bytes at @src into @dst, which has room for @capacity
 * bytes (at least the bound); returns the bytes made, 0 if the compressor
 * failed */
gsize           _gdci_compressor_compress   (GdciCompressor               *compressor,
                                             const guint8                 *src,
                                             gsize                         n_bytes,
                                             guint8                       *dst,
                                             gsize                         capacity);

/* Decompresses the @n_bytes stored at @src into @dst, which has room for
 * @expected bytes; a stream that is damaged, or that would make more than
 * @expected bytes, is a GDCI_ERROR_INVALID_DATA error saying what is wrong
 * (never a crash, whatever the bytes). Uses no HDF5 call. */
gboolean        _gdci_compressor_decompress (GdciCompressor               *compressor,
                                             const guint8                 *src,
                                             gsize                         n_bytes,
                                             guint8                       *dst,
                                             gsize                         expected,
                                             gsize                        *n_made,
                                             GError                      **error);

/* The memory the state of a compressor of @settings takes at most when it
 * compresses (ISA-L's, zstd's, Blosc's, Bitshuffle's blocks), besides the
 * output */
guint64         _gdci_compressor_scratch_bytes (const GdciCompressorSettings *settings);

/* _gdci_compressor_bound() for @settings, without a compressor */
guint64         _gdci_compressor_settings_bound (const GdciCompressorSettings *settings,
                                                 guint64                       n_bytes);

/* The bytes the @n_bytes stored at @src say they decompress to, where the
 * format says it (LZ4's, Blosc's and Bitshuffle's headers, zstd's frame);
 * a stream that does not say it is a GDCI_ERROR_INVALID_DATA error.
 * Deflate streams never say it. */
gboolean        _gdci_compressor_decoded_size (const GdciCompressorSettings *settings,
                                               const guint8                 *src,
                                               gsize                         n_bytes,
                                               guint64                      *size,
                                               GError                      **error);

/* Registers zstd, LZ4, Blosc and Bitshuffle with HDF5 (H5Zregister), both
 * directions, built on the compressors above, unless a filter of the same
 * id is already registered (hdf5plugin's, a plugin HDF5 has loaded);
 * plugins HDF5 has not loaded are not searched for. Once per process,
 * under HDF5's lock.
 *
 * HDF5 1.10 does not check the size a filter's decoding gives against the
 * chunk's: a damaged chunk whose stream says a smaller size (or a
 * Bitshuffle chunk without compression cut short, which cannot say it)
 * makes H5Dread() read past the filter's output. gdci reads these
 * filters' chunks raw and decodes them itself, knowing the chunk's size;
 * H5Dread() through these filters is for what it cannot read raw. */
void            _gdci_h5_register_filters   (void);

/* Adds the filter of @settings (none for NONE) to @dcpl, as h5py and
 * hdf5plugin do: optional, with the cd_values a user gives, which the
 * filter's set_local completes into _gdci_compressor_cd_values(); FALSE
 * when HDF5 refuses it */
gboolean        _gdci_h5_set_filter         (hid_t                         dcpl,
                                             const GdciCompressorSettings *settings);

/* The HDF5 filter class gdci registers for @kind (zstd, LZ4, Blosc or
 * Bitshuffle), for the plugins; NULL for the others */
const H5Z_class2_t *_gdci_h5_filter_class   (GdciCompressorKind            kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GdciCompressor, _gdci_compressor_free)

G_END_DECLS
