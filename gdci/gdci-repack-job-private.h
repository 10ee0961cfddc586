/* gdci-repack-job-private.h: one repack of a file, and what its parts share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <hdf5.h>

#include "gdci-h5-new-file-private.h"
#include "gdci-h5-writer.h"

G_BEGIN_DECLS

/* The settings of a repack, taken from its GdciRepacker when it starts */
typedef struct
{
  GdciH5Writer *writer;         /* its filters when replace_filters; its threads
                                 * and memory always */
  gboolean replace_filters;
  double chunk_mb;              /* 0: chunks kept */
  guint64 min_size;
  GHashTable *datasets;         /* normalized paths; NULL: every dataset */
  GHashTable *chunk_shapes;     /* normalized path -> GVariant `at` */
  gboolean overwrite;
} GdciRepackSettings;

void _gdci_repack_settings_clear (GdciRepackSettings *settings);

/* An object of the input, the first time a link reaches it */
typedef struct
{
  haddr_t addr;                 /* in the input */
  H5O_type_t type;
  char *path;                   /* of its first link: in the input and the output */
} GdciRepackObject;

/* A dataset of the output that is written from the input's, after the
 * structure is copied */
typedef struct
{
  char *path;
  guint64 bytes;
} GdciRepackFill;

typedef void (*GdciRepackProgress) (guint64  bytes_done,
                                    guint64  bytes_total,
                                    gpointer user_data);

typedef struct
{
  GdciRepackSettings settings;
  char *in_filename;
  char *out_filename;
  GCancellable *cancellable;
  GdciRepackProgress progress;
  gpointer progress_data;

  hid_t in_file;
  GdciH5NewFile *out;
  hid_t scratch_file;           /* in memory: what filters a dataset would get */
  hid_t copy_plist;             /* H5Ocopy()'s */

  GHashTable *objects;          /* &addr -> GdciRepackObject, owned */
  GPtrArray *object_list;       /* the same, in the order copied */
  GHashTable *types;            /* &addr of a committed type -> its output path */
  GPtrArray *fills;             /* GdciRepackFill */
  /* the settings' datasets by their address in the input, so that every
   * link to one names it: &addr -> NULL, and &addr -> GVariant */
  GHashTable *selected;         /* NULL: every dataset */
  GHashTable *chunk_shapes;
  gboolean finished;            /* the progress may reach its total */

  guint64 bytes_total;          /* of every dataset, as elements */
  guint64 bytes_done;
  guint n_objects;
  guint n_rewritten;
  guint64 bytes_in;
  guint64 bytes_out;
} GdciRepackJob;

/* Where the committed types wait for their links while the file is copied */
#define GDCI_REPACK_TYPES_GROUP "/.gdci-repack-types"

GdciRepackJob *_gdci_repack_job_new  (const GdciRepackSettings *settings,
                                      const char               *in_filename,
                                      const char               *out_filename,
                                      GCancellable             *cancellable);
gboolean       _gdci_repack_job_run  (GdciRepackJob  *job,
                                      GError        **error);
void           _gdci_repack_job_free (GdciRepackJob  *job);

/* Counts bytes done, and tells the progress callback */
void           _gdci_repack_job_add_done (GdciRepackJob *job,
                                          guint64        bytes);

/* ---- gdci-repack-copy.c: the structure --------------------------------- */

/* The committed types of the input (found by _gdci_repack_survey()),
 * copied under GDCI_REPACK_TYPES_GROUP */
gboolean  _gdci_repack_copy_types      (GdciRepackJob  *job,
                                        GError        **error);
/* Every link under the root, depth first, and the root's attributes */
gboolean  _gdci_repack_copy_tree       (GdciRepackJob  *job,
                                        GError        **error);
/* The attributes of @from onto @to; those holding references are left
 * for _gdci_repack_fix_references() */
gboolean  _gdci_repack_copy_attributes (GdciRepackJob  *job,
                                        hid_t           from,
                                        hid_t           to,
                                        const char     *path,
                                        GError        **error);
/* The output's committed type copied from the input's committed @type, or
 * a transient copy of @type if it is not committed */
hid_t     _gdci_repack_output_type     (GdciRepackJob  *job,
                                        hid_t           type);
/* Walks the input once: the bytes of its datasets, and its committed types */
gboolean  _gdci_repack_survey          (GdciRepackJob  *job,
                                        GPtrArray      *type_paths,
                                        GError        **error);

/* ---- gdci-repack-layout.c: each dataset's storage ---------------------- */

typedef enum
{
  GDCI_REPACK_COPY,             /* as HDF5 copies it: raw chunks */
  GDCI_REPACK_REWRITE,          /* new chunks or filters */
} GdciRepackAction;

/* The settings name datasets that the input has */
gboolean  _gdci_repack_check_paths     (GdciRepackJob     *job,
                                        GError           **error);
/* What to do with the input's @dataset at @path; for a rewrite, its new
 * creation properties in @dcpl */
gboolean  _gdci_repack_plan_dataset    (GdciRepackJob     *job,
                                        hid_t              dataset,
                                        const char        *path,
                                        GdciRepackAction  *action,
                                        hid_t             *dcpl,
                                        GError           **error);

/* ---- gdci-repack-refs.c: references ------------------------------------ */

/* Every object and region reference of the output (in datasets and
 * attributes) pointed at the copy of what it pointed at in the input */
gboolean  _gdci_repack_fix_references  (GdciRepackJob  *job,
                                        GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GdciRepackJob, _gdci_repack_job_free)

G_END_DECLS
