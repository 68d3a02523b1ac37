/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Expected outputs kept in tests/unit/golden/.  FLOWMESH_UPDATE_GOLDEN=1
 * in the environment rewrites them from the current output instead.
 */
#ifndef FLOWMESH_TEST_GOLDEN_H
#define FLOWMESH_TEST_GOLDEN_H

#include <stdio.h>

/* Fails the running test unless @actual equals golden file @name. */
void assert_golden(const char *name, const char *actual);

/* Output of @print into a string the caller frees. */
char *capture(int (*print)(FILE *out, const void *arg), const void *arg);

/* All of @f from its start, in a string the caller frees; closes @f. */
char *slurp(FILE *f);
/* All of file @path, as slurp(); NULL if it cannot be opened. */
char *slurp_path(const char *path);

#endif /* FLOWMESH_TEST_GOLDEN_H */
