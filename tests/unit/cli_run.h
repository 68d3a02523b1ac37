/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running the flowmesh binary under test (FM_CLI_BIN) as a user would,
 * with its exit status and output kept for the test to check.
 */
#ifndef FLOWMESH_TEST_CLI_RUN_H
#define FLOWMESH_TEST_CLI_RUN_H

struct cli_run {
	int status;		/* exit status, or -1 if killed */
	char *out;		/* stdout, unless it went to a file */
	char *err;		/* stderr */
};

/*
 * flowmesh with @argv (argv[0] included, NULL-terminated).  @stdout_path,
 * if given, receives stdout instead; @path, if given, replaces PATH.
 * Sanitizer reports exit 86, which no flowmesh exit code is.
 */
void cli_run(char **argv, const char *stdout_path, const char *path,
	     struct cli_run *r);
void cli_run_free(struct cli_run *r);

#endif /* FLOWMESH_TEST_CLI_RUN_H */
