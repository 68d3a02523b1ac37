// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "cli_run.h"
#include "golden.h"

void cli_run(char **argv, const char *stdout_path, const char *path,
	     struct cli_run *r)
{
	FILE *out = tmpfile(), *err = tmpfile();
	int status, fd;
	pid_t pid;

	assert_non_null(out);
	assert_non_null(err);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		fd = stdout_path ? open(stdout_path, O_WRONLY) : fileno(out);
		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fileno(err), 2) < 0)
			_exit(127);
		setenv("ASAN_OPTIONS", "exitcode=86", 1);
		setenv("UBSAN_OPTIONS", "exitcode=86:print_stacktrace=1", 1);
		if (path)
			setenv("PATH", path, 1);
		execv(FM_CLI_BIN, argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	r->out = slurp(out);
	r->err = slurp(err);
}

void cli_run_free(struct cli_run *r)
{
	free(r->out);
	free(r->err);
}
