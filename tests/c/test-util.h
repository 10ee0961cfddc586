/* test-util.h: data sources for the tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gdci/gdci.h>

G_BEGIN_DECLS

/* A shape literal: SHAPE (2000, 384) */
#define SHAPE(...) ((const guint64[]) { __VA_ARGS__ })

/* Asserts that @got (@n_got axes) is @want (@n_want axes) */
void          test_assert_shape       (const guint64  *got,
                                       guint           n_got,
                                       const guint64  *want,
                                       guint           n_want);

/* How a TestIterator's get_data() misbehaves, to test the checks on it. */
typedef enum {
  TEST_BEHAVIOUR_GOOD,
  TEST_BEHAVIOUR_RETURN_NULL,       /* NULL without an error */
  TEST_BEHAVIOUR_RETURN_ERROR,      /* NULL with an error */
  TEST_BEHAVIOUR_SHORT,             /* one byte short */
  TEST_BEHAVIOUR_LONG,              /* one byte too many */
  TEST_BEHAVIOUR_FAIL_ONCE,         /* error on the second buffer, once */
} TestBehaviour;

#define TEST_TYPE_ITERATOR (test_iterator_get_type ())
G_DECLARE_FINAL_TYPE (TestIterator, test_iterator, TEST, ITERATOR, GdciChunkIterator)

/* An in-memory C-order array source. @data may be NULL: get_data() then
 * makes up values from the element index (for shapes too large to hold). */
TestIterator *test_iterator_new       (GBytes         *data,
                                       GdciDtype       dtype,
                                       const guint64  *shape,
                                       guint           n_dims,
                                       GError        **error,
                                       const char     *first_property_name,
                                       ...);

void          test_iterator_set_behaviour (TestIterator *self,
                                           TestBehaviour behaviour);
guint         test_iterator_get_n_reads   (TestIterator *self);
/* Every read from now on fails (G_IO_ERROR_BROKEN_PIPE); from any thread,
 * such as a writer's progress handler once it has written something */
void          test_iterator_fail_from_now (TestIterator *self);

/* A source that implements only get_dtype and get_maxshape */
#define TEST_TYPE_INCOMPLETE_ITERATOR (test_incomplete_iterator_get_type ())
G_DECLARE_FINAL_TYPE (TestIncompleteIterator, test_incomplete_iterator, TEST, INCOMPLETE_ITERATOR, GdciChunkIterator)

/* An int16 array 0, 1, 2, ... of prod(shape) elements, in C order */
GBytes       *test_make_ramp_int16        (const guint64 *shape,
                                           guint          n_dims);
GVariant     *test_shape_variant          (const guint64 *shape,
                                           guint          n_dims);

/* Iterates @iter to the end and checks that every buffer, put back where its
 * selection says, rebuilds @expected (a C-order array of @shape), that no
 * element comes twice and none is missing. */
void          test_assert_reassembles     (GdciChunkIterator *iter,
                                           GBytes            *expected,
                                           const guint64     *shape,
                                           guint              n_dims);

/* Bytes that differ for every element and every dtype: a mix of the index */
GBytes       *test_make_pattern           (gsize          n_bytes,
                                           guint32        seed);
/* The C-order array of @shape of a Fortran-order one, elements of @itemsize */
GBytes       *test_fortran_to_c           (GBytes        *fortran,
                                           const guint64 *shape,
                                           guint          n_dims,
                                           gsize          itemsize);
/* Writes @data after @offset bytes of header to a new file in @dir */
char         *test_write_file             (const char    *dir,
                                           const char    *name,
                                           gsize          offset,
                                           GBytes        *data);

/* A new temporary directory named after @tmpl (such as "gdci-XXXXXX") */
char         *test_make_tmp_dir           (const char    *tmpl);
/* A temporary directory shared by a test program and the children
 * g_test_trap_subprocess () starts of it: the parent makes it (named after
 * @tmpl) and passes it on in the environment variable @env_var, where a
 * child finds it. Call after g_test_init (). */
char         *test_subprocess_dir_get     (const char    *env_var,
                                           const char    *tmpl);
/* In the parent, removes @dir and everything in it; in a child, nothing.
 * Frees @dir either way. */
void          test_subprocess_dir_free    (char          *dir);
/* Removes @dir and everything in it (links, not what they point to) */
void          test_remove_tree            (const char    *dir);
/* How many entries @dir holds */
guint         test_count_dir_entries      (const char    *dir);
/* The whole of the file @path */
GBytes       *test_read_file_bytes        (const char    *path);

/* A temporary directory for a test to write in, and "out.h5" in it */
typedef struct
{
  char *dir;
  char *path;
} TestOutDir;

void          test_out_dir_init           (TestOutDir    *out,
                                           const char    *tmpl);
/* Removes the directory and all in it */
void          test_out_dir_clear          (TestOutDir    *out);

/* A temporary directory holding one file @name: @offset bytes of header,
 * then @bytes, a test_make_pattern () of @n_bytes from @seed */
typedef struct
{
  char   *dir;
  char   *path;
  GBytes *bytes;
} TestRawFile;

TestRawFile  *test_raw_file_new           (const char    *name,
                                           gsize          offset,
                                           gsize          n_bytes,
                                           guint32        seed);
/* Removes the directory and all in it, and frees @file */
void          test_raw_file_free          (TestRawFile   *file);

/* Asserts that @error is @code of GDCI_ERROR, with @message_format (which
 * has one %s, for @path) as its message unless @message_format is NULL */
void          test_assert_error_with_path (const GError  *error,
                                           int            code,
                                           const char    *message_format,
                                           const char    *path);

/* Runs @func as an unprivileged user when the tests run as root (who may
 * read and write anything), then becomes root again: to see what a user
 * sees of a file or directory without permission. Only in a child process
 * of g_test_trap_subprocess (). */
void          test_as_unprivileged_user   (GFunc          func,
                                           gpointer       data);

G_END_DECLS
