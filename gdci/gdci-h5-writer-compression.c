/* gdci-h5-writer-compression.c: the compression settings of GdciH5Writer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gdci-h5-writer-private.h"

/**
 * gdci_h5_writer_get_compression:
 * @self: a writer
 *
 * The compression filter of the datasets written.
 *
 * Returns: the compression
 *
 * Since: 1.0
 */
GdciCompression
gdci_h5_writer_get_compression (GdciH5Writer *self)
{
  g_return_val_if_fail (GDCI_IS_H5_WRITER (self), GDCI_COMPRESSION_NONE);
  return self->compression;
}

/**
 * gdci_h5_writer_set_compression:
 * @self: a writer
 * @compression: the compression filter
 *
 * Sets the compression filter of the datasets written.
 *
 * Since: 1.0
 */
void
gdci_h5_writer_set_compression (GdciH5Writer    *self,
                                GdciCompression  compression)
{
  g_return_if_fail (GDCI_IS_H5_WRITER (self));

  if (self->compression == compression)
    return;
  self->compression = compression;
  g_object_notify (G_OBJECT (self), "compression");
}

/**
 * gdci_h5_writer_get_compression_level:
 * @self: a writer
 *
 * The compression level, 0 for the codec's default; see
 * [property@Gdci.H5Writer:compression-level].
 *
 * Returns: the level
 *
 * Since: 1.0
 */
int
gdci_h5_writer_get_compression_level (GdciH5Writer *self)
{
  g_return_val_if_fail (GDCI_IS_H5_WRITER (self), 0);
  return self->compression_level;
}

/**
 * gdci_h5_writer_set_compression_level:
 * @self: a writer
 * @level: the level, or 0 for the codec's default
 *
 * Sets the compression level; see [property@Gdci.H5Writer:compression-level]
 * for the levels of each codec.
 *
 * Since: 1.0
 */
void
gdci_h5_writer_set_compression_level (GdciH5Writer *self,
                                      int           level)
{
  g_return_if_fail (GDCI_IS_H5_WRITER (self));

  if (self->compression_level == level)
    return;
  self->compression_level = level;
  g_object_notify (G_OBJECT (self), "compression-level");
}

/**
 * gdci_h5_writer_get_shuffle:
 * @self: a writer
 *
 * Whether the shuffle filter is applied.
 *
 * Returns: true if it is
 *
 * Since: 1.0
 */
gboolean
gdci_h5_writer_get_shuffle (GdciH5Writer *self)
{
  g_return_val_if_fail (GDCI_IS_H5_WRITER (self), FALSE);
  return self->shuffle;
}

/**
 * gdci_h5_writer_set_shuffle:
 * @self: a writer
 * @shuffle: whether to apply the shuffle filter
 *
 * Sets whether the shuffle filter is applied.
 *
 * Since: 1.0
 */
void
gdci_h5_writer_set_shuffle (GdciH5Writer *self,
                            gboolean      shuffle)
{
  g_return_if_fail (GDCI_IS_H5_WRITER (self));

  shuffle = !!shuffle;
  if (self->shuffle == shuffle)
    return;
  self->shuffle = shuffle;
  g_object_notify (G_OBJECT (self), "shuffle");
}

/**
 * gdci_h5_writer_get_fletcher32:
 * @self: a writer
 *
 * Whether chunks carry a Fletcher-32 checksum.
 *
 * Returns: true if they do
 *
 * Since: 1.0
 */
gboolean
gdci_h5_writer_get_fletcher32 (GdciH5Writer *self)
{
  g_return_val_if_fail (GDCI_IS_H5_WRITER (self), FALSE);
  return self->fletcher32;
}

/**
 * gdci_h5_writer_set_fletcher32:
 * @self: a writer
 * @fletcher32: whether to store checksums
 *
 * Sets whether chunks carry a Fletcher-32 checksum.
 *
 * Since: 1.0
 */
void
gdci_h5_writer_set_fletcher32 (GdciH5Writer *self,
                               gboolean      fletcher32)
{
  g_return_if_fail (GDCI_IS_H5_WRITER (self));

  fletcher32 = !!fletcher32;
  if (self->fletcher32 == fletcher32)
    return;
  self->fletcher32 = fletcher32;
  g_object_notify (G_OBJECT (self), "fletcher32");
}

/**
 * gdci_h5_writer_get_bitshuffle:
 * @self: a writer
 *
 * Whether the elements' bits are shuffled before compression.
 *
 * Returns: true if they are
 *
 * Since: 1.0
 */
gboolean
gdci_h5_writer_get_bitshuffle (GdciH5Writer *self)
{
  g_return_val_if_fail (GDCI_IS_H5_WRITER (self), FALSE);
  return self->bitshuffle;
}

/**
 * gdci_h5_writer_set_bitshuffle:
 * @self: a writer
 * @bitshuffle: whether to shuffle the bits
 *
 * Sets whether the elements' bits are shuffled before compression; see
 * [property@Gdci.H5Writer:bitshuffle].
 *
 * Since: 1.0
 */
void
gdci_h5_writer_set_bitshuffle (GdciH5Writer *self,
                               gboolean      bitshuffle)
{
  g_return_if_fail (GDCI_IS_H5_WRITER (self));

  bitshuffle = !!bitshuffle;
  if (self->bitshuffle == bitshuffle)
    return;
  self->bitshuffle = bitshuffle;
  g_object_notify (G_OBJECT (self), "bitshuffle");
}

/**
 * gdci_h5_writer_get_blosc_codec:
 * @self: a writer
 *
 * The compressor inside Blosc.
 *
 * Returns: the compressor
 *
 * Since: 1.0
 */
GdciBloscCodec
gdci_h5_writer_get_blosc_codec (GdciH5Writer *self)
{
  g_return_val_if_fail (GDCI_IS_H5_WRITER (self), GDCI_BLOSC_CODEC_LZ4);
  return self->blosc_codec;
}

/**
 * gdci_h5_writer_set_blosc_codec:
 * @self: a writer
 * @codec: the compressor inside Blosc
 *
 * Sets the compressor inside Blosc, used when
 * [property@Gdci.H5Writer:compression] is %GDCI_COMPRESSION_BLOSC.
 *
 * Since: 1.0
 */
void
gdci_h5_writer_set_blosc_codec (GdciH5Writer   *self,
                                GdciBloscCodec  codec)
{
  g_return_if_fail (GDCI_IS_H5_WRITER (self));

  if (self->blosc_codec == codec)
    return;
  self->blosc_codec = codec;
  g_object_notify (G_OBJECT (self), "blosc-codec");
}

void
_gdci_h5_writer_get_compression_request (GdciH5Writer           *self,
                                         GdciCompressionRequest *request)
{
  request->compression = self->compression;
  request->level = self->compression_level;
  request->shuffle = self->shuffle;
  request->bitshuffle = self->bitshuffle;
  request->blosc_codec = self->blosc_codec;
  request->fletcher32 = self->fletcher32;
}
