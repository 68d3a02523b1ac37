// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for flowmeshd.conf: any bytes.  Whatever parses prints
 * back in a form that parses again to the same settings.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/agent_config.h"

static char *print(const struct fm_agent_config *cfg, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		abort();
	fm_agent_config_print(f, cfg);
	fclose(f);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fm_agent_config cfg, back;
	char *first, *second, *msgs = NULL;
	size_t len, len2, msglen;
	FILE *in, *errs;
	int err;

	if (!size)
		return 0;	/* fmemopen wants a buffer */
	fm_agent_config_init(&cfg);
	in = fmemopen((void *)data, size, "r");
	errs = open_memstream(&msgs, &msglen);
	if (!in || !errs)
		abort();
	err = fm_agent_config_parse(in, "fuzz", &cfg, errs);
	fclose(in);
	fclose(errs);
	free(msgs);
	if (err)
		return 0;
	first = print(&cfg, &len);
	fm_agent_config_init(&back);
	in = fmemopen(first, len, "r");
	if (!in || fm_agent_config_parse(in, "printed", &back, NULL))
		abort();
	fclose(in);
	second = print(&back, &len2);
	if (len != len2 || memcmp(first, second, len))
		abort();
	free(first);
	free(second);
	return 0;
}
