/* gdci-h5-stream-private.h: the state a GdciH5Stream shares between the
 * thread that appends, the compression threads and its writing thread
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <hdf5.h>

#include "gdci-codec-private.h"
#include "gdci-compression-private.h"
#include "gdci-h5-new-file-private.h"
#include "gdci-h5-stream.h"
#include "gdci-selection.h"

G_BEGIN_DECLS

/* One chunk of a slab: where it goes and its filtered bytes */
typedef struct
{
  guint64 offset[GDCI_MAX_DIMS];   /* in the dataset, in elements */
  guint64 extent[GDCI_MAX_DIMS];   /* the data in it (less at the edges) */
  guint8 *encoded;
  gsize n_encoded;
} GdciStreamTile;

typedef enum
{
  GDCI_STREAM_SLAB,         /* a whole row of chunks, filled */
  GDCI_STREAM_FLUSH,        /* what was appended becomes durable */
  GDCI_STREAM_CLOSE,        /* the same, and the extent set exactly */
} GdciStreamItemKind;

typedef struct _GdciStreamWaiter GdciStreamWaiter;

/* A row of chunks along the first axis, the frames of it appended so far;
 * or a flush or the close, with the frames of the row being filled */
typedef struct
{
  GdciStreamItemKind kind;
  guint64 first_frame;
  guint64 n_frames;
  guint64 frames_total;      /* FLUSH, CLOSE: the frames appended by then */
  guint8 *data;              /* chunk[0] frames */
  gboolean borrowed;         /* FLUSH, CLOSE: data is the filling row's */
  guint n_tiles;
  GdciStreamTile *tiles;
  guint n_pending;           /* tiles not yet filtered (under the mutex) */
  gboolean failed;           /* a tile's filter failed */
  GdciStreamWaiter *waiter;  /* FLUSH, CLOSE: who waits for it, or NULL */
} GdciStreamItem;

struct _GdciStreamWaiter
{
  gboolean done;
  GError *error;
};

struct _GdciH5Stream
{
  GObject parent_instance;

  /* construct properties */
  char *filename;
  char *dataset_path;
  GdciDtype dtype;
  gboolean frame_set;
  guint n_dims;                     /* 1 + the frame's; 0: not a shape */
  guint64 frame_shape[GDCI_MAX_DIMS];   /* [0] unused */
  guint64 chunk[GDCI_MAX_DIMS];     /* asked (0: free), then planned */
  gboolean chunk_set;
  guint chunk_n_given;
  double chunk_mb;
  GdciCompressionRequest compression;
  guint n_threads;
  gboolean swmr;
  double flush_interval;
  guint64 max_backlog_bytes;

  /* set up by initialization */
  gboolean init_done;
  gsize itemsize;
  gsize frame_bytes;
  gsize slab_bytes;                 /* chunk[0] frames */
  GdciCodecSettings codec_settings;
  GMainContext *context;            /* where signals are emitted */
  GdciH5NewFile *new_file;          /* !swmr */
  hid_t file;
  hid_t dataset;
  int fd;                           /* the file, open to write and sync */
  GdciH5FileControl *control;       /* its driver's (the new file's if !swmr) */
  GdciH5Journal *journal;           /* an existing file's bytes until set up */
  gboolean created;                 /* swmr: the stream made the file */
  char *temp_filename;              /* swmr: a new file's, until set up */
  GThreadPool *pool;
  GAsyncQueue *codecs;              /* free GdciCodec, one per thread */
  GAsyncQueue *spare_rows;          /* memory for rows, to reuse */
  GAsyncQueue *spare_encoded;       /* memory for encoded chunks, to reuse */
  gsize encoded_bytes;              /* the size of each */
  GdciCodec *io_codec;              /* the writing thread's */
  GThread *io_thread;

  /* guarded by mutex */
  GMutex mutex;
  GCond cond;
  GQueue queue;                     /* GdciStreamItem, in order */
  GdciStreamItem *filling;          /* the row appends go to */
  guint64 frames_appended;
  guint64 frames_durable;
  guint64 frames_flush_asked;       /* by the last flush queued */
  guint64 backlog_bytes;
  guint64 bytes_written;
  guint64 extent;                   /* the dataset's, in frames */
  gint64 next_auto_flush;           /* monotonic time */
  GError *error;                    /* the first failure: every call fails */
  gboolean closing;
  gboolean closed;
};

/* gdci-h5-stream.c: notifies the counts and emits ::flushed in the
 * stream's main context */
void            _gdci_h5_stream_tell_flushed (GdciH5Stream   *self,
                                              guint64         frames_durable);

void            _gdci_h5_stream_tell_backlog_full (GdciH5Stream *self,
                                                   guint64       backlog_bytes);
/* @value read with the mutex held */
guint64         _gdci_h5_stream_locked_get  (GdciH5Stream    *self,
                                             const guint64   *value);

/* gdci-h5-stream-plan.c: the settings checked (a clear error otherwise),
 * the chunk shape planned and the codec set up */
gboolean        _gdci_h5_stream_plan        (GdciH5Stream    *self,
                                             GError         **error);

/* gdci-h5-stream-setup.c: the plan, the file and the threads; on failure
 * nothing is left (a new file removed, a dataset made unlinked) */
gboolean        _gdci_h5_stream_set_up      (GdciH5Stream    *self,
                                             GCancellable    *cancellable,
                                             GError         **error);

/* gdci-h5-stream-file.c: the file and the dataset */
gboolean        _gdci_h5_stream_open_file   (GdciH5Stream    *self,
                                             GError         **error);
/* The error of a write that gdci's file driver kept from HDF5 */
gboolean        _gdci_h5_stream_check_io    (GdciH5Stream    *self,
                                             GError         **error);
/* After the writing thread has ended: the dataset and file closed, and the
 * file published (!swmr), or an existing file put back from its journal
 * if its set-up failed */
gboolean        _gdci_h5_stream_close_file  (GdciH5Stream    *self,
                                             GError         **error);

/* gdci-h5-stream-io.c: the rows, the compressing threads and the writing
 * thread */
gboolean        _gdci_h5_stream_start       (GdciH5Stream    *self,
                                             GError         **error);
GdciStreamItem *_gdci_h5_stream_item_new    (GdciH5Stream    *self,
                                             GdciStreamItemKind kind,
                                             guint64          first_frame);
/* Frees @item, keeping its memory for another */
void            _gdci_h5_stream_item_free   (GdciH5Stream    *self,
                                             GdciStreamItem  *item);
/* With the mutex held: queues @item, handing a slab's chunks to the
 * compression threads */
void            _gdci_h5_stream_push        (GdciH5Stream    *self,
                                             GdciStreamItem  *item);
/* With the mutex held: the frames of the row being filled, as a @kind
 * item that reads them where they are */
GdciStreamItem *_gdci_h5_stream_snapshot    (GdciH5Stream    *self,
                                             GdciStreamItemKind kind);
void            _gdci_h5_stream_stop        (GdciH5Stream    *self);

G_END_DECLS
