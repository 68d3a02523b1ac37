// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for config set's KEY=VALUE arguments: one per line of
 * the input.  Whatever is accepted must encode into a SET_CONFIG request
 * that reads back as exactly the same settings.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/flowmesh.h>
#include "lib/config.h"
#include "lib/genl.h"

/* Settings not given are filled in, so the reply parser takes them all. */
static void fuzz_fill(struct fm_config *cfg)
{
	const struct fm_config_field *f;

	for (f = fm_config_fields; f < fm_config_fields + FM_CONFIG_NFIELDS; f++)
		cfg->set |= 1u << f->attr;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	union {
		char buf[FM_NL_REQ_SIZE];
		struct nlmsghdr align;
	} req;
	struct fm_config cfg, back;
	char *text, *line, *save = NULL, err[256];
	struct nlmsghdr *nlh;
	int bad = 0;

	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&cfg, 0, sizeof(cfg));
	for (line = strtok_r(text, "\n", &save); line && !bad;
	     line = strtok_r(NULL, "\n", &save))
		bad = fm_config_assign(&cfg, line, err, sizeof(err));
	free(text);
	if (bad) {
		if (!err[0])
			abort();	/* every refusal says why */
		return 0;
	}
	fuzz_fill(&cfg);
	nlh = fm_genl_msg_start(req.buf, 0x1d, NLM_F_REQUEST,
				FLOWMESH_CMD_GET_CONFIG, FLOWMESH_GENL_VERSION);
	if (fm_config_put(nlh, sizeof(req.buf), &cfg))
		abort();	/* the largest configuration fits */
	if (fm_config_parse(nlh, &back) || memcmp(&back, &cfg, sizeof(cfg)))
		abort();
	return 0;
}
