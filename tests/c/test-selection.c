/* test-selection.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gdci/gdci.h>

static void
test_basics (void)
{
  guint64 start[] = { 0, 3160 };
  guint64 stop[] = { 12640, 5000 };
  g_autoptr(GdciSelection) sel = gdci_selection_new (start, stop, 2);
  g_autofree guint64 *shape = NULL;
  g_autofree char *text = NULL;
  const guint64 *starts, *stops;
  guint n = 0;

  g_assert_nonnull (sel);
  g_assert_cmpuint (gdci_selection_get_n_dims (sel), ==, 2);
  g_assert_cmpuint (gdci_selection_get_start (sel, 0), ==, 0);
  g_assert_cmpuint (gdci_selection_get_start (sel, 1), ==, 3160);
  g_assert_cmpuint (gdci_selection_get_stop (sel, 0), ==, 12640);
  g_assert_cmpuint (gdci_selection_get_stop (sel, 1), ==, 5000);

  shape = gdci_selection_get_shape (sel, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (shape[0], ==, 12640);
  g_assert_cmpuint (shape[1], ==, 1840);
  g_assert_cmpuint (gdci_selection_get_n_elements (sel), ==, 12640 * 1840);

  starts = gdci_selection_get_starts (sel, &n);
  stops = gdci_selection_get_stops (sel, NULL);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpmem (starts, 2 * sizeof (guint64), start, sizeof start);
  g_assert_cmpmem (stops, 2 * sizeof (guint64), stop, sizeof stop);

  text = gdci_selection_to_string (sel);
  g_assert_cmpstr (text, ==, "[0:12640, 3160:5000]");
}

static void
test_one_dim_and_empty (void)
{
  guint64 start[] = { 5 };
  guint64 stop[] = { 5 };
  g_autoptr(GdciSelection) sel = gdci_selection_new (start, stop, 1);
  g_autofree char *text = gdci_selection_to_string (sel);

  g_assert_cmpstr (text, ==, "[5:5]");
  g_assert_cmpuint (gdci_selection_get_n_elements (sel), ==, 0);
}

static void
test_equal_hash (void)
{
  guint64 a0[] = { 0, 0, 0 }, a1[] = { 2, 3, 4 };
  guint64 b1[] = { 2, 3, 5 };
  g_autoptr(GdciSelection) a = gdci_selection_new (a0, a1, 3);
  g_autoptr(GdciSelection) a_again = gdci_selection_new (a0, a1, 3);
  g_autoptr(GdciSelection) b = gdci_selection_new (a0, b1, 3);
  g_autoptr(GdciSelection) c = gdci_selection_new (a0, a1, 2);
  g_autoptr(GHashTable) set = g_hash_table_new ((GHashFunc) gdci_selection_hash,
                                                (GEqualFunc) gdci_selection_equal);

  g_assert_true (gdci_selection_equal (a, a_again));
  g_assert_true (gdci_selection_equal (a, a));
  g_assert_false (gdci_selection_equal (a, b));
  g_assert_false (gdci_selection_equal (a, c));
  g_assert_cmpuint (gdci_selection_hash (a), ==, gdci_selection_hash (a_again));

  g_hash_table_add (set, a);
  g_assert_true (g_hash_table_contains (set, a_again));
  g_assert_false (g_hash_table_contains (set, b));
}

static void
test_boxed (void)
{
  guint64 start[] = { 1 }, stop[] = { 4 };
  GdciSelection *sel = gdci_selection_new (start, stop, 1);
  GdciSelection *copy;
  GValue value = G_VALUE_INIT;

  g_value_init (&value, GDCI_TYPE_SELECTION);
  g_value_set_boxed (&value, sel);
  copy = g_value_dup_boxed (&value);
  g_assert_true (copy == sel);   /* immutable: copying is a reference */
  g_value_unset (&value);
  gdci_selection_unref (copy);
  g_assert_cmpuint (gdci_selection_get_stop (sel, 0), ==, 4);
  gdci_selection_unref (sel);
}

static void
test_programmer_errors (void)
{
  guint64 start[] = { 3, 0 }, stop[] = { 2, 1 };
  guint64 big[] = { G_MAXUINT64, G_MAXUINT64 }, zero[] = { 0, 0 };

  if (g_test_subprocess ())
    {
      g_assert_null (gdci_selection_new (start, stop, 2));
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*gdci_selection_new*");

  /* n_elements overflow is refused as well */
  g_test_expect_message ("Gdci", G_LOG_LEVEL_CRITICAL, "*gdci_selection_new*");
  g_assert_null (gdci_selection_new (zero, big, 2));
  g_test_assert_expected_messages ();

  g_test_expect_message ("Gdci", G_LOG_LEVEL_CRITICAL, "*n_dims*");
  g_assert_null (gdci_selection_new (zero, big, 0));
  g_test_assert_expected_messages ();
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/selection/basics", test_basics);
  g_test_add_func ("/selection/one-dim-and-empty", test_one_dim_and_empty);
  g_test_add_func ("/selection/equal-hash", test_equal_hash);
  g_test_add_func ("/selection/boxed", test_boxed);
  g_test_add_func ("/selection/programmer-errors", test_programmer_errors);

  return g_test_run ();
}
