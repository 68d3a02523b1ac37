// SPDX-License-Identifier: GPL-2.0
/*
 * Settings: the GET_CONFIG reply, its JSON, KEY=VALUE validation, and the
 * one SET_CONFIG request config set sends.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <linux/genetlink.h>
#include <linux/flowmesh.h>
#include "lib/config.h"
#include "lib/genl.h"
#include "fake_nl.h"
#include "nlbuild.h"

static int parse_exact(const struct nlmsghdr *nlh, size_t len,
		       struct fm_config *cfg)
{
	struct nlmsghdr *copy = malloc(len);
	int err;

	assert_non_null(copy);
	memcpy(copy, nlh, len);
	copy->nlmsg_len = len;
	err = fm_config_parse(copy, cfg);
	free(copy);
	return err;
}

static int parse_spoiled(const struct nlb_opts *opts, struct fm_config *out)
{
	struct fm_config in;
	union nlb_msg m;
	struct nlmsghdr *nlh;

	nlb_config_sample(&in);
	nlh = nlb_config(m.buf, &in, opts);
	return parse_exact(nlh, nlh->nlmsg_len, out);
}

static void test_config_parse(void **state)
{
	struct fm_config in, out;
	union nlb_msg m;
	struct nlmsghdr *nlh;

	(void)state;
	nlb_config_sample(&in);
	memset(&out, 0xa5, sizeof(out));
	nlh = nlb_config(m.buf, &in, NULL);
	assert_int_equal(parse_exact(nlh, nlh->nlmsg_len, &out), 0);
	assert_memory_equal(&out, &in, sizeof(in));
	assert_int_equal(out.ring_size, 4096);
	assert_int_equal(out.nskip_ports, 2);
	assert_int_equal(out.skip_ports[1], 2049);

	/* no skip ports: an empty array */
	in.nskip_ports = 0;
	memset(in.skip_ports, 0, sizeof(in.skip_ports));
	nlh = nlb_config(m.buf, &in, NULL);
	assert_int_equal(parse_exact(nlh, nlh->nlmsg_len, &out), 0);
	assert_memory_equal(&out, &in, sizeof(in));

	/* the most ports there can be */
	for (in.nskip_ports = 0; in.nskip_ports < FLOWMESH_MAX_PORTS;
	     in.nskip_ports++)
		in.skip_ports[in.nskip_ports] = (uint16_t)(1000 + in.nskip_ports);
	nlh = nlb_config(m.buf, &in, NULL);
	assert_int_equal(parse_exact(nlh, nlh->nlmsg_len, &out), 0);
	assert_memory_equal(&out, &in, sizeof(in));
}

/* GET_CONFIG returns every setting: a missing one is a broken reply. */
static void test_config_missing(void **state)
{
	const struct fm_config_field *f;
	struct fm_config out;

	(void)state;
	for (f = fm_config_fields; f < fm_config_fields + FM_CONFIG_NFIELDS; f++) {
		struct nlb_opts opts = { .omit = f->attr };

		if (parse_spoiled(&opts, &out) != -EBADMSG)
			fail_msg("config without %s parsed", f->name);
	}
}

static void test_config_wrong_length(void **state)
{
	static const uint16_t lens[] = { 0, 1, 2, 8 };
	static const uint16_t bad_ports[] = { 1, 3, 129, 130 };
	const struct fm_config_field *f;
	struct fm_config out;
	size_t i;

	(void)state;
	for (f = fm_config_fields; f < fm_config_fields + FM_CONFIG_NFIELDS; f++) {
		struct nlb_opts nested = { .nested = f->attr };

		assert_int_equal(parse_spoiled(&nested, &out), -EBADMSG);
		if (f->kind == FM_CONFIG_PORTS)
			continue;
		for (i = 0; i < sizeof(lens) / sizeof(*lens); i++) {
			struct nlb_opts opts = { .resize = f->attr,
						 .resize_len = lens[i] };

			if (parse_spoiled(&opts, &out) != -EBADMSG)
				fail_msg("%s with %u bytes parsed", f->name,
					 lens[i]);
		}
	}
	for (i = 0; i < sizeof(bad_ports) / sizeof(*bad_ports); i++) {
		struct nlb_opts opts = { .resize = FLOWMESH_CONFIG_A_SKIP_PORTS,
					 .resize_len = bad_ports[i] };

		if (parse_spoiled(&opts, &out) != -EBADMSG)
			fail_msg("skip_ports of %u bytes parsed", bad_ports[i]);
	}
}

static void test_config_unknown_and_broken(void **state)
{
	struct nlb_opts newer = { .unknown = FLOWMESH_CONFIG_A_MAX + 1 };
	struct fm_config in, out;
	union nlb_msg m;
	struct nlmsghdr *nlh;
	size_t len;

	(void)state;
	assert_int_equal(parse_spoiled(&newer, &out), 0);

	nlb_config_sample(&in);
	nlh = nlb_config(m.buf, &in, NULL);
	for (len = nlh->nlmsg_len - 1; len >= NLMSG_HDRLEN; len--)
		if (parse_exact(nlh, len, &out) != -EBADMSG)
			fail_msg("config cut to %zu bytes parsed", len);

	/* a SET_CONFIG echo or a stats reply is not a GET_CONFIG reply */
	nlh = nlb_config(m.buf, &in, NULL);
	((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd =
		FLOWMESH_CMD_SET_CONFIG;
	assert_int_equal(parse_exact(nlh, nlh->nlmsg_len, &out), -EBADMSG);
	nlh = nlb_genl(m.buf, NLB_FAMILY_ID, 0, FLOWMESH_CMD_GET_CONFIG);
	assert_int_equal(parse_exact(nlh, nlh->nlmsg_len, &out), -EBADMSG);
}

static void test_config_json(void **state)
{
	static const char *const names[] = {
		"max_flows", "timeout_tcp_open", "timeout_tcp_established",
		"timeout_tcp_closing", "timeout_tcp_closed", "timeout_udp",
		"update_interval", "ring_size", "samples", "skip_ports",
		"detect_packets", "inspect_one_in", "queue_num",
		"opaque_ports",
	};
	struct fm_config cfg;
	json_t *obj, *v;
	void *iter;
	size_t i = 0;

	(void)state;
	nlb_config_sample(&cfg);
	obj = fm_config_to_json(&cfg);
	assert_non_null(obj);
	for (iter = json_object_iter(obj); iter;
	     iter = json_object_iter_next(obj, iter), i++) {
		assert_true(i < sizeof(names) / sizeof(*names));
		assert_string_equal(json_object_iter_key(iter), names[i]);
	}
	assert_int_equal(i, sizeof(names) / sizeof(*names));
	v = json_object_get(obj, "samples");
	assert_int_equal(json_array_size(v), 2);
	assert_string_equal(json_string_value(json_array_get(v, 0)), "rtt");
	assert_string_equal(json_string_value(json_array_get(v, 1)), "response");
	v = json_object_get(obj, "skip_ports");
	assert_int_equal(json_array_size(v), 2);
	assert_int_equal(json_integer_value(json_array_get(v, 1)), 2049);
	json_decref(obj);

	/* none of either: empty arrays; unknown sample bits are not shown */
	cfg.samples = 1u << 7;
	cfg.nskip_ports = 0;
	obj = fm_config_to_json(&cfg);
	assert_int_equal(json_array_size(json_object_get(obj, "samples")), 0);
	assert_int_equal(json_array_size(json_object_get(obj, "skip_ports")), 0);
	json_decref(obj);
}

static void test_config_value_str(void **state)
{
	struct fm_config cfg;
	char buf[512];

	(void)state;
	nlb_config_sample(&cfg);
	fm_config_value_str(&cfg, fm_config_field_by_name("samples"), buf,
			    sizeof(buf));
	assert_string_equal(buf, "rtt,response");
	fm_config_value_str(&cfg, fm_config_field_by_name("skip_ports"), buf,
			    sizeof(buf));
	assert_string_equal(buf, "22,2049");
	fm_config_value_str(&cfg, fm_config_field_by_name("ring_size"), buf,
			    sizeof(buf));
	assert_string_equal(buf, "4096");
	cfg.samples = FLOWMESH_SAMPLES_RESPONSE;
	fm_config_value_str(&cfg, fm_config_field_by_name("samples"), buf,
			    sizeof(buf));
	assert_string_equal(buf, "response");
	cfg.samples = 0;
	cfg.nskip_ports = 0;
	fm_config_value_str(&cfg, fm_config_field_by_name("samples"), buf,
			    sizeof(buf));
	assert_string_equal(buf, "none");
	fm_config_value_str(&cfg, fm_config_field_by_name("skip_ports"), buf,
			    sizeof(buf));
	assert_string_equal(buf, "none");
	/* a value longer than the buffer is cut, never overrun */
	for (cfg.nskip_ports = 0; cfg.nskip_ports < FLOWMESH_MAX_PORTS;
	     cfg.nskip_ports++)
		cfg.skip_ports[cfg.nskip_ports] = 65535;
	fm_config_value_str(&cfg, fm_config_field_by_name("skip_ports"), buf,
			    10);
	assert_string_equal(buf, "65535,655");
}

/*
 * "KEY=VALUE... ; OK" or "; the reason": each line is one config set,
 * checked for syntax only.
 */
static const char *const assign_cases[] = {
	"max_flows=16 ; OK",
	"max_flows=0 ; OK",		/* the kernel judges the range */
	"max_flows=4294967295 ; OK",
	"max_flows=4294967296 ; max_flows: '4294967296' is out of range (0 to 4294967295)",
	"max_flows=99999999999999999999999 ; max_flows: '99999999999999999999999' is out of range (0 to 4294967295)",
	"max_flows=12x ; max_flows: '12x' is not a decimal number",
	"max_flows=-1 ; max_flows: '-1' is not a decimal number",
	"max_flows=+1 ; max_flows: '+1' is not a decimal number",
	"max_flows=0x10 ; max_flows: '0x10' is not a decimal number",
	"max_flows= ; max_flows: '' is not a decimal number",
	"max_flows=1_000 ; max_flows: '1_000' is not a decimal number",
	"max_flows=1 max_flows=2 ; max_flows: given twice",
	"timeout_tcp_open=60 timeout_tcp_established=7200 ; OK",
	"timeout_tcp_closing=120 timeout_tcp_closed=10 timeout_udp=60 ; OK",
	"timeout_udp=1.5 ; timeout_udp: '1.5' is not a decimal number",
	"update_interval=0 ring_size=1048576 ; OK",
	"ring_size=4k ; ring_size: '4k' is not a decimal number",
	"samples=all ; OK",
	"samples=none ; OK",
	"samples=rtt ; OK",
	"samples=response,rtt ; OK",
	"samples=rtt,rtt ; OK",
	"samples= ; samples: unknown sample type '' (use rtt, response, all or none)",
	"samples=rtt, ; samples: unknown sample type '' (use rtt, response, all or none)",
	"samples=RTT ; samples: unknown sample type 'RTT' (use rtt, response, all or none)",
	"samples=rtt,all ; samples: unknown sample type 'all' (use rtt, response, all or none)",
	"samples=dns ; samples: unknown sample type 'dns' (use rtt, response, all or none)",
	"skip_ports=none ; OK",
	"skip_ports=22 ; OK",
	"skip_ports=0,65535 ; OK",
	"skip_ports=65536 ; skip_ports: '65536' is out of range (0 to 65535)",
	"skip_ports=22,,80 ; skip_ports: '' is not a decimal number",
	"skip_ports= ; skip_ports: '' is not a decimal number",
	"skip_ports=22, ; skip_ports: '' is not a decimal number",
	"skip_ports=http ; skip_ports: 'http' is not a decimal number",
	"detect_packets=0 inspect_one_in=0 queue_num=65535 ; OK",
	"detect_packets=-1 ; detect_packets: '-1' is not a decimal number",
	"detect_packets=4294967296 ; detect_packets: '4294967296' is out of range (0 to 4294967295)",
	"inspect_one_in=1e3 ; inspect_one_in: '1e3' is not a decimal number",
	"queue_num= ; queue_num: '' is not a decimal number",
	"opaque_ports=none ; OK",
	"opaque_ports=25,587,3306 ; OK",
	"opaque_ports=65536 ; opaque_ports: '65536' is out of range (0 to 65535)",
	"opaque_ports=6379,redis ; opaque_ports: 'redis' is not a decimal number",
	"opaque_ports=1 opaque_ports=2 ; opaque_ports: given twice",
	"foo=1 ; unknown key 'foo'",
	"Max_flows=1 ; unknown key 'Max_flows'",
	"a_key_that_is_much_longer_than_any_real_one=1 ; unknown key 'a_key_that_is_much_longer_than_any_real_one'",
	"max_flows ; expected KEY=VALUE, got 'max_flows'",
	"=5 ; expected KEY=VALUE, got '=5'",
	"max_flows==5 ; max_flows: '=5' is not a decimal number",
};

static void test_config_assign_table(void **state)
{
	char copy[256], err[256], *tok, *save = NULL;
	struct fm_config cfg;
	const char *want;
	char *sep;
	size_t i;
	int failed = 0, ret;

	(void)state;
	for (i = 0; i < sizeof(assign_cases) / sizeof(*assign_cases); i++) {
		snprintf(copy, sizeof(copy), "%s", assign_cases[i]);
		sep = strstr(copy, " ; ");
		assert_non_null(sep);
		*sep = '\0';
		want = sep + 3;
		memset(&cfg, 0, sizeof(cfg));
		err[0] = '\0';
		ret = 0;
		for (tok = strtok_r(copy, " ", &save); tok && !ret;
		     tok = strtok_r(NULL, " ", &save))
			ret = fm_config_assign(&cfg, tok, err, sizeof(err));
		if (!strcmp(want, "OK") ? ret != 0 :
		    ret != -EINVAL || strcmp(err, want)) {
			print_error("FAIL: %s -> %d '%s'\n", assign_cases[i],
				    ret, err);
			failed++;
		}
	}
	assert_int_equal(failed, 0);
}

static void test_config_assign_values(void **state)
{
	struct fm_config cfg = { 0 };
	char err[256], arg[512];
	size_t i, n;

	(void)state;
	assert_int_equal(fm_config_assign(&cfg, "max_flows=100000", err,
					  sizeof(err)), 0);
	assert_int_equal(fm_config_assign(&cfg, "samples=response", err,
					  sizeof(err)), 0);
	assert_int_equal(fm_config_assign(&cfg, "skip_ports=22,2049,53", err,
					  sizeof(err)), 0);
	assert_int_equal(cfg.max_flows, 100000);
	assert_int_equal(cfg.samples, FLOWMESH_SAMPLES_RESPONSE);
	assert_int_equal(cfg.nskip_ports, 3);
	assert_int_equal(cfg.skip_ports[2], 53);
	assert_int_equal(cfg.set, 1u << FLOWMESH_CONFIG_A_MAX_FLOWS |
				  1u << FLOWMESH_CONFIG_A_SAMPLES |
				  1u << FLOWMESH_CONFIG_A_SKIP_PORTS);

	memset(&cfg, 0, sizeof(cfg));
	assert_int_equal(fm_config_assign(&cfg, "samples=all", err,
					  sizeof(err)), 0);
	assert_int_equal(cfg.samples, FLOWMESH_SAMPLES_ALL);

	/* 64 ports fit; 65 are too many */
	for (n = 64; n <= 65; n++) {
		size_t pos = (size_t)snprintf(arg, sizeof(arg), "skip_ports=");

		for (i = 0; i < n; i++)
			pos += (size_t)snprintf(arg + pos, sizeof(arg) - pos,
						"%s%zu", i ? "," : "", 1000 + i);
		memset(&cfg, 0, sizeof(cfg));
		if (n == 64) {
			assert_int_equal(fm_config_assign(&cfg, arg, err,
							  sizeof(err)), 0);
			assert_int_equal(cfg.nskip_ports, 64);
			assert_int_equal(cfg.skip_ports[63], 1063);
		} else {
			assert_int_equal(fm_config_assign(&cfg, arg, err,
							  sizeof(err)),
					 -EINVAL);
			assert_string_equal(err, "skip_ports: more than 64 ports");
		}
	}
}

/* What config set sends: exactly the settings given, in one nest. */
static void test_config_encoding(void **state)
{
	static const char *const args[] = {
		"skip_ports=none", "ring_size=8192", "samples=rtt",
		"timeout_udp=30",
	};
	const struct nlattr *tb[FLOWMESH_CONFIG_A_MAX + 1] = { NULL };
	struct fm_config cfg = { 0 };
	struct nlattr *attr, *nest = NULL;
	struct nlmsghdr *nlh;
	union nlb_msg m;
	char err[256];
	size_t i;
	int n = 0;

	(void)state;
	for (i = 0; i < 4; i++)
		assert_int_equal(fm_config_assign(&cfg, args[i], err,
						  sizeof(err)), 0);
	nlh = nlb_genl(m.buf, NLB_FAMILY_ID, 0, FLOWMESH_CMD_SET_CONFIG);
	assert_int_equal(fm_config_put(nlh, sizeof(m.buf), &cfg), 0);
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		nest = attr;
		n++;
	}
	assert_int_equal(n, 1);
	assert_int_equal(mnl_attr_get_type(nest), FLOWMESH_A_CONFIG);
	assert_true(nest->nla_type & NLA_F_NESTED);
	n = 0;
	mnl_attr_for_each_nested(attr, nest) {
		tb[mnl_attr_get_type(attr)] = attr;
		n++;
	}
	assert_int_equal(n, 4);
	assert_int_equal(mnl_attr_get_payload_len(tb[FLOWMESH_CONFIG_A_RING_SIZE]),
			 4);
	assert_int_equal(mnl_attr_get_u32(tb[FLOWMESH_CONFIG_A_RING_SIZE]), 8192);
	assert_int_equal(mnl_attr_get_u32(tb[FLOWMESH_CONFIG_A_SAMPLES]),
			 FLOWMESH_SAMPLES_RTT);
	assert_int_equal(mnl_attr_get_u32(tb[FLOWMESH_CONFIG_A_TIMEOUT_UDP]), 30);
	/* none: an empty array clears the list */
	assert_non_null(tb[FLOWMESH_CONFIG_A_SKIP_PORTS]);
	assert_int_equal(mnl_attr_get_payload_len(tb[FLOWMESH_CONFIG_A_SKIP_PORTS]),
			 0);

	/* ports go as host-order u16s */
	memset(&cfg, 0, sizeof(cfg));
	assert_int_equal(fm_config_assign(&cfg, "skip_ports=22,2049", err,
					  sizeof(err)), 0);
	nlh = nlb_genl(m.buf, NLB_FAMILY_ID, 0, FLOWMESH_CMD_SET_CONFIG);
	assert_int_equal(fm_config_put(nlh, sizeof(m.buf), &cfg), 0);
	nest = mnl_nlmsg_get_payload_offset(nlh, GENL_HDRLEN);
	attr = mnl_attr_get_payload(nest);
	assert_int_equal(mnl_attr_get_type(attr), FLOWMESH_CONFIG_A_SKIP_PORTS);
	assert_int_equal(mnl_attr_get_payload_len(attr), 4);
	assert_int_equal(((const uint16_t *)mnl_attr_get_payload(attr))[1], 2049);

	/* no room: an error, the request as it was */
	nlh = nlb_genl(m.buf, NLB_FAMILY_ID, 0, FLOWMESH_CMD_SET_CONFIG);
	assert_int_equal(fm_config_put(nlh, nlh->nlmsg_len + 8, &cfg),
			 -EMSGSIZE);
	assert_int_equal(nlh->nlmsg_len, NLMSG_HDRLEN + GENL_HDRLEN);
}

/* Every key at once still goes in one SET_CONFIG, acknowledged. */
static void test_config_set_request(void **state)
{
	static const char *const args[] = {
		"max_flows=100000", "timeout_tcp_open=30",
		"timeout_tcp_established=3600", "timeout_tcp_closing=60",
		"timeout_tcp_closed=5", "timeout_udp=20", "update_interval=0",
		"ring_size=65536", "samples=none", "detect_packets=64",
		"inspect_one_in=65535", "queue_num=0", "opaque_ports=6379,11211",
		"skip_ports=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64",
	};
	struct fm_config cfg = { 0 }, sent;
	struct fake_nl fake;
	struct nlmsghdr *req;
	struct nlb_dgram *d = calloc(1, sizeof(*d));
	struct fm_nl nl;
	char err[256];
	size_t i;

	(void)state;
	assert_non_null(d);
	for (i = 0; i < sizeof(args) / sizeof(*args); i++)
		assert_int_equal(fm_config_assign(&cfg, args[i], err,
						  sizeof(err)), 0);
	fake_nl_init(&fake, &nl);
	nlb_add(d, nlb_error(nlb_tail(d), 0));
	fake_nl_queue(&fake, d->u.buf, d->len);

	assert_int_equal(fm_config_set(&nl, &cfg), 0);
	assert_int_equal(fake.nsent, 1);
	assert_int_equal(fake.sent[0].nlmsg_type, NLB_FAMILY_ID);
	assert_int_equal(fake.sent[0].nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	assert_int_equal(fake.sent_genl[0].cmd, FLOWMESH_CMD_SET_CONFIG);
	assert_int_equal(fake.sent_genl[0].version, FLOWMESH_GENL_VERSION);

	/* what went out reads back as what was asked, as a reply would */
	req = (struct nlmsghdr *)fake.last;
	((struct genlmsghdr *)mnl_nlmsg_get_payload(req))->cmd =
		FLOWMESH_CMD_GET_CONFIG;
	assert_int_equal(fm_config_parse(req, &sent), 0);
	assert_memory_equal(&sent, &cfg, sizeof(cfg));
	fake_nl_free(&fake);
	free(d);
}

static void test_config_get_request(void **state)
{
	struct fm_config in, out;
	struct fake_nl fake;
	struct nlb_dgram *d = calloc(1, sizeof(*d));
	struct fm_nl nl;

	(void)state;
	assert_non_null(d);
	nlb_config_sample(&in);
	fake_nl_init(&fake, &nl);
	nlb_add(d, nlb_config(nlb_tail(d), &in, NULL));
	nlb_add(d, nlb_error(nlb_tail(d), 0));
	fake_nl_queue(&fake, d->u.buf, d->len);
	assert_int_equal(fm_config_get(&nl, &out), 0);
	assert_memory_equal(&out, &in, sizeof(in));
	assert_int_equal(fake.sent_genl[0].cmd, FLOWMESH_CMD_GET_CONFIG);
	assert_int_equal(fake.sent[0].nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);

	/* acknowledged without the settings */
	d->len = 0;
	nlb_add(d, nlb_error(nlb_tail(d), 0));
	fake_nl_queue(&fake, d->u.buf, d->len);
	assert_int_equal(fm_config_get(&nl, &out), -EBADMSG);

	/* a module without GET_CONFIG */
	d->len = 0;
	nlb_add(d, nlb_error(nlb_tail(d), -EOPNOTSUPP));
	fake_nl_queue(&fake, d->u.buf, d->len);
	assert_int_equal(fm_config_get(&nl, &out), -EOPNOTSUPP);
	fake_nl_free(&fake);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_parse),
		cmocka_unit_test(test_config_missing),
		cmocka_unit_test(test_config_wrong_length),
		cmocka_unit_test(test_config_unknown_and_broken),
		cmocka_unit_test(test_config_json),
		cmocka_unit_test(test_config_value_str),
		cmocka_unit_test(test_config_assign_table),
		cmocka_unit_test(test_config_assign_values),
		cmocka_unit_test(test_config_encoding),
		cmocka_unit_test(test_config_set_request),
		cmocka_unit_test(test_config_get_request),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
