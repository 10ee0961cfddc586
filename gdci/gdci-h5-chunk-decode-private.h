/* gdci-h5-chunk-decode-private.h: the steps of a raw-chunk read, and the
 * read that decodes its chunks on several threads
 *
 * A read of a box from a GdciH5Chunks goes chunk by chunk through the
 * chunks the box touches, in C order: find and read a chunk's stored
 * bytes (HDF5 calls: the calling thread only), undo its filters (no HDF5
 * call: any thread, with a decoder of its own), and copy the chunk's part
 * of the box into the destination (any thread: the parts of two chunks
 * never overlap).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "gdci-codec-private.h"
#include "gdci-h5-chunks-private.h"
#include "gdci-selection.h"

G_BEGIN_DECLS

/* The box being read, and the chunks it touches; the chunk layout is the
 * reader's */
typedef struct
{
  guint n_dims;
  const guint64 *chunk_shape;
  const gint64 *chunk_strides;        /* of a decoded chunk */
  gsize itemsize;
  const guint64 *start;
  const guint64 *count;
  guint8 *dest;
  gint64 dest_strides[GDCI_MAX_DIMS];
  guint64 first[GDCI_MAX_DIMS];       /* the first and last chunk touched, */
  guint64 last[GDCI_MAX_DIMS];        /* in chunks along each axis */
  guint64 n_chunks;                   /* how many it touches */
} GdciH5ChunkBox;

/* The first element of the @index-th chunk @box touches, in C order */
void          _gdci_h5_chunk_box_offset   (const GdciH5ChunkBox  *box,
                                           guint64                index,
                                           guint64               *offset);
/* Copies the part of the box in the chunk at @offset, whose elements
 * (native byte order) are @elements, into the box's destination */
void          _gdci_h5_chunk_box_copy     (const GdciH5ChunkBox  *box,
                                           const guint64         *offset,
                                           const guint8          *elements);

/* The decoder of the calling thread's reads, made when the reader was */
GdciDecoder  *_gdci_h5_chunks_get_decoder (GdciH5Chunks          *chunks);
/* Another decoder of the dataset's filters, for another thread */
GdciDecoder  *_gdci_h5_chunks_new_decoder (GdciH5Chunks          *chunks,
                                           GError               **error);
/* The most bytes a stored chunk takes, and so the room to read one into */
guint64       _gdci_h5_chunks_stored_bound (GdciH5Chunks         *chunks);

/* HDF5 calls, in the calling thread: finds the chunk at @offset and reads
 * its stored bytes into @input (room for _gdci_h5_chunks_stored_bound()):
 * their number, 0 for a chunk never written, and filter mask. When a chunk
 * was never written, also makes the chunk of the fill value that
 * _gdci_h5_chunks_decode() then gives, before any other thread asks for it. */
gboolean      _gdci_h5_chunks_read_stored (GdciH5Chunks          *chunks,
                                           const guint64         *offset,
                                           guint8                *input,
                                           gsize                 *n_stored,
                                           guint32               *filter_mask,
                                           GError               **error);
/* No HDF5 call, in any thread with a @decoder of its own: the elements of
 * the chunk at @offset, in the native byte order, from the @n_stored bytes
 * at _gdci_decoder_input (@decoder) (the fill value when @n_stored is 0);
 * NULL with an error naming the chunk when it is damaged. */
const guint8 *_gdci_h5_chunks_decode      (GdciH5Chunks          *chunks,
                                           GdciDecoder           *decoder,
                                           const guint64         *offset,
                                           gsize                  n_stored,
                                           guint32                filter_mask,
                                           GError               **error);

/* The threads of parallel reads, and their decoders: kept from one read to
 * the next, freed with the reader */
typedef struct _GdciH5ChunkDecode GdciH5ChunkDecode;

void          _gdci_h5_chunk_decode_free  (GdciH5ChunkDecode     *decode);

/* How many decoding threads a read of @box with up to @n_threads uses:
 * no more than it has chunks, nor than fit in the decoders' share of
 * memory (GDCI_H5_DECODE_SCRATCH_BYTES); 1 means a serial read */
guint         _gdci_h5_chunk_decode_n_workers (GdciH5Chunks         *chunks,
                                               const GdciH5ChunkBox *box,
                                               guint                 n_threads);

/* The memory the decoding threads of one read may hold between them: a
 * decoder each (its stored chunk and two stages) and one stored chunk read
 * ahead */
#define GDCI_H5_DECODE_SCRATCH_BYTES ((guint64) 128 * 1024 * 1024)

/* Reads @box with @n_workers (at least 2) decoding threads, kept in
 * *@decode (made on the first call): the calling thread finds and reads
 * every stored chunk, in order, one ahead of the decoders; each decoding
 * thread decodes the chunks it takes with its own decoder and copies them
 * out. The first error stops the read. Every thread is joined when this
 * returns, on success or failure. */
gboolean      _gdci_h5_chunk_decode_read  (GdciH5Chunks          *chunks,
                                           GdciH5ChunkDecode    **decode,
                                           const GdciH5ChunkBox  *box,
                                           guint                  n_workers,
                                           GError               **error);

G_END_DECLS
