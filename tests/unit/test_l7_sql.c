// SPDX-License-Identifier: GPL-2.0
/* MySQL and PostgreSQL detection: handshakes, commands, replies. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "l7/l7.h"
#include "l7_harness.h"

/* mysql.pcapng: a MariaDB session (one query) and a MySQL 8 one that
 * turns to TLS; pgsql.pcap: an extended-protocol session, an SSLRequest
 * refused then a startup, a GSSENCRequest accepted. */
static const struct l7_chunk mariadb[] = {
	{ 1, 0ULL, 110, false,
	  "j\x00\x00\x00\x0a""5.5.5-10.6.12-MariaDB-0ubuntu0.22.04.1\x00 "
		"\x00\x00\x00GgP=!+TH\x00\xfe\xf7-\x02\x00\xff\x81\x15\x00\x00"
		"\x00\x00\x00\x00\x1d\x00\x00\x00Iv7Oe/YRmR1>\x00mysql_native_pas"
		"sword\x00" },
	{ 0, 35920000ULL, 218, false,
	  "\xd6\x00\x00\x01\x84\xa6\xff \x00\x00\x00\x01!\x00\x00\x00\x00"
		"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x1d"
		"\x00\x00\x00""admin\x00\x14\xe3\x87!\xfb\xab\x83\x05\xd5GF[\x19"
		"\xe4\x0b\x1c\xe5\x8b\xdf\x1b\x8fmysql_native_password\x00\x84"
		"\x03_os\x05Linux\x0c_client_name\x0alibmariadb\x04_pid\x06""7378"
		"12\x0f_client_version\x05""3.3.4\x09_platform\x06x86_64\x0cprogr"
		"am_name\x05mysql\x0c_server_host\x0e""192.168.88.201" },
	{ 1, 119101000ULL, 11, false,
	  "\x07\x00\x00\x02\x00\x00\x00\x02\x00\x00\x00" },
	{ 0, 1240009000ULL, 37, false,
	  "!\x00\x00\x00\x03select @@version_comment limit 1" },
	{ 1, 1371070000ULL, 85, false,
	  "\x02\x00\x00\x01\x01\x01(\x00\x00\x02\x03""def\x00\x00\x00\x11@@"
		"version_comment\x00\x00\x0c!\x00$\x00\x00\x00\xfd\x00\x00'\x00"
		"\x00\x05\x00\x00\x03\xfe\x00\x00\x02\x00\x0d\x00\x00\x04\x0cUbun"
		"tu 22.04\x05\x00\x00\x05\xfe\x00\x00\x02\x00" },
	{ 0, 2265592938000ULL, 5, false,
	  "\x01\x00\x00\x00\x01" },
};

static const struct l7_chunk mysql_ssl[] = {
	{ 1, 0ULL, 78, false,
	  "J\x00\x00\x00\x0a""8.0.36\x00\x0c\x00\x00\x00""1tugx_#V\x00\xff"
		"\xff\xff\x02\x00\xff\xdf\x15\x00\x00\x00\x00\x00\x00\x00\x00\x00"
		"\x00p\x22>4m\x0f""6|1\x22j|\x00""caching_sha2_password\x00" },
	{ 0, 27280000ULL, 36, false,
	  " \x00\x00\x01\x85\xae\xff\x19\x00\x00\x00\x01\xff\x00\x00\x00"
		"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
		"\x00\x00\x00\x00" },
	{ 0, 14145092000ULL, 322, false,
	  "\x16\x03\x01\x01=\x01\x00\x01""9\x03\x03\x5c\x11Z\x81HkH\xcaY"
		"\x1d+\x13\x5cxq\xcb@\x89]$\xae\xa5\xfa\xce\x87\x22\xe7\x95\xce"
		"\xec\x09\x0e \x17Q\xfe\xdb""1\xc8{\xfem\xc5\x9f\xf9\x94\xc6\x9c"
		"\x1d\xad\xddw\x0b\xa0\x18\xc8\xf9\x9d""9,\xd9\x1f{\x84m\x00H\x13"
		"\x02\x13\x03\x13\x01\xc0+\xc0,\xc0/\xc0#\xc0'\xc0""0\xc0$\xc0("
		"\x00\x9e\x00\xa2\x00g\x00@\x00\xa3\x00k\x00j\x00\x9f\xc0\x13\xc0"
		"\x09\xc0\x14\xc0\x0a\x00""2\x00""3\x00""8\x00""9\x00""5\x00\x84"
		"\x00""A\x00\x9c\x00\x9d\x00<\x00=\x00/\x00\xff\x01\x00\x00\xa8"
		"\x00\x0b\x00\x04\x03\x00\x01\x02\x00\x0a\x00\x08\x00\x06\x00\x17"
		"\x00\x18\x00\x19\x00#\x00\x00\x00\x16\x00\x00\x00\x17\x00\x00"
		"\x00\x0d\x00*\x00(\x04\x03\x05\x03\x06\x03\x08\x07\x08\x08\x08"
		"\x09\x08\x0a\x08\x0b\x08\x04\x08\x05\x08\x06\x04\x01\x05\x01\x06"
		"\x01\x03\x03\x03\x01\x03\x02\x04\x02\x05\x02\x06\x02\x00+\x00"
		"\x05\x04\x03\x04\x03\x03\x00-\x00\x02\x01\x01\x00""3\x00G\x00""E"
		"\x00\x17\x00""A\x04Y^\xda\x5c\x02v\x04""4ahW\x1aJ\xa0\xc5\xd2#"
		"\x1b""aH\xee\x87\xdc+\xa2\x09\xf7O:\xf1\x0c""f\xc8\xf6\xb0\x00R"
		"\xe2X\xd6\x98\xe7\xdb\x02\xbc?\xad\x7f\xc7\xee\xbb""6J\xf3\xc7"
		"\xc6\xb0Xnr\x1cG\x0cS" },
};

static const struct l7_chunk pg_ext[] = {
	{ 0, 0ULL, 38, false,
	  "\x00\x00\x00&\x00\x03\x00\x00user\x00oryx\x00""database\x00mails"
		"tore\x00\x00" },
	{ 1, 297000ULL, 13, false,
	  "R\x00\x00\x00\x0c\x00\x00\x00\x05\xad""D\xffT" },
	{ 0, 502000ULL, 41, false,
	  "p\x00\x00\x00(md5ceffc01dcde7541829deef6b5e9c9142\x00" },
	{ 1, 75030000ULL, 161, false,
	  "R\x00\x00\x00\x08\x00\x00\x00\x00S\x00\x00\x00\x1c""client_encod"
		"ing\x00UNICODE\x00S\x00\x00\x00\x17""DateStyle\x00ISO, MDY\x00S"
		"\x00\x00\x00\x15is_superuser\x00off\x00S\x00\x00\x00\x19server_v"
		"ersion\x00""7.4.6\x00S\x00\x00\x00\x1fsession_authorization\x00o"
		"ryx\x00K\x00\x00\x00\x0c\x00\x00X\xe8#\xde\x9d\xb8Z\x00\x00\x00"
		"\x05I" },
	{ 0, 75642000ULL, 126, false,
	  "P\x00\x00\x00\x0d\x00""begin\x00\x00\x00""B\x00\x00\x00\x0e\x00"
		"\x00\x00\x00\x00\x00\x00\x01\x00\x01""E\x00\x00\x00\x09\x00\x00"
		"\x00\x00\x00P\x00\x00\x00""1\x00select revision from mailstore f"
		"or update\x00\x00\x00""B\x00\x00\x00\x0e\x00\x00\x00\x00\x00\x00"
		"\x00\x01\x00\x01""D\x00\x00\x00\x06P\x00""E\x00\x00\x00\x09\x00"
		"\x00\x00\x00\x00S\x00\x00\x00\x04" },
	{ 1, 77950000ULL, 98, false,
	  "1\x00\x00\x00\x04""2\x00\x00\x00\x04""C\x00\x00\x00\x0a""BEGIN"
		"\x00""1\x00\x00\x00\x04""2\x00\x00\x00\x04T\x00\x00\x00!\x00\x01"
		"revision\x00\x00\x00""C?\x00\x01\x00\x00\x00\x17\x00\x04\xff\xff"
		"\xff\xff\x00\x01""D\x00\x00\x00\x0e\x00\x01\x00\x00\x00\x04\x00"
		"\x00\x00\x03""C\x00\x00\x00\x0bSELECT\x00Z\x00\x00\x00\x05T" },
	{ 0, 78422000ULL, 52, false,
	  "P\x00\x00\x00\x0e\x00""commit\x00\x00\x00""B\x00\x00\x00\x0e\x00"
		"\x00\x00\x00\x00\x00\x00\x01\x00\x01""D\x00\x00\x00\x06P\x00""E"
		"\x00\x00\x00\x09\x00\x00\x00\x00\x00S\x00\x00\x00\x04" },
	{ 1, 79547000ULL, 33, false,
	  "1\x00\x00\x00\x04""2\x00\x00\x00\x04n\x00\x00\x00\x04""C\x00\x00"
		"\x00\x0b""COMMIT\x00Z\x00\x00\x00\x05I" },
	{ 0, 8946480000ULL, 261, false,
	  "P\x00\x00\x00\xd5""4\x00select u.id, u.address, u.inbox, n.name "
		"as parentspace, u.login, u.id, u.secret, a.name, a.localpart, a."
		"domain from users u, addresses a, namespaces n where u.login=$1 "
		"and u.id=a.id and n.id=u.parentspace\x00\x00\x00""B\x00\x00\x00"
		"\x18\x00""4\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x03""ams\x00"
		"\x01\x00\x01""D\x00\x00\x00\x06P\x00""E\x00\x00\x00\x09\x00\x00"
		"\x00\x00\x00S\x00\x00\x00\x04" },
	{ 1, 9096240000ULL, 282, false,
	  "1\x00\x00\x00\x04""2\x00\x00\x00\x04T\x00\x00\x00\xfd\x00\x0aid"
		"\x00\x00\x00""CF\x00\x01\x00\x00\x00\x17\x00\x04\xff\xff\xff\xff"
		"\x00\x01""address\x00\x00\x00""CF\x00\x04\x00\x00\x00\x17\x00"
		"\x04\xff\xff\xff\xff\x00\x01inbox\x00\x00\x00""CF\x00\x05\x00"
		"\x00\x00\x17\x00\x04\xff\xff\xff\xff\x00\x01parentspace\x00\x00"
		"\x00""CR\x00\x02\x00\x00\x04\x13\xff\xff\x00\x00\x00\x84\x00\x01"
		"login\x00\x00\x00""CF\x00\x02\x00\x00\x00\x19\xff\xff\xff\xff"
		"\xff\xff\x00\x01id\x00\x00\x00""CF\x00\x01\x00\x00\x00\x17\x00"
		"\x04\xff\xff\xff\xff\x00\x01secret\x00\x00\x00""CF\x00\x03\x00"
		"\x00\x00\x19\xff\xff\xff\xff\xff\xff\x00\x01name\x00\x00\x00""C"
		"\xd2\x00\x02\x00\x00\x04\x13\xff\xff\x00\x00\x00\x84\x00\x01loca"
		"lpart\x00\x00\x00""C\xd2\x00\x03\x00\x00\x04\x13\xff\xff\x00\x00"
		"\x00\x84\x00\x01""domain\x00\x00\x00""C\xd2\x00\x04\x00\x00\x04"
		"\x13\xff\xff\x00\x00\x00\x84\x00\x01""C\x00\x00\x00\x0bSELECT"
		"\x00Z\x00\x00\x00\x05I" },
	{ 0, 15396968000ULL, 48, false,
	  "B\x00\x00\x00\x19\x00""4\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00"
		"\x04""arnt\x00\x01\x00\x01""D\x00\x00\x00\x06P\x00""E\x00\x00"
		"\x00\x09\x00\x00\x00\x00\x00S\x00\x00\x00\x04" },
	{ 1, 15397551000ULL, 277, false,
	  "2\x00\x00\x00\x04T\x00\x00\x00\xfd\x00\x0aid\x00\x00\x00""CF\x00"
		"\x01\x00\x00\x00\x17\x00\x04\xff\xff\xff\xff\x00\x01""address"
		"\x00\x00\x00""CF\x00\x04\x00\x00\x00\x17\x00\x04\xff\xff\xff\xff"
		"\x00\x01inbox\x00\x00\x00""CF\x00\x05\x00\x00\x00\x17\x00\x04"
		"\xff\xff\xff\xff\x00\x01parentspace\x00\x00\x00""CR\x00\x02\x00"
		"\x00\x04\x13\xff\xff\x00\x00\x00\x84\x00\x01login\x00\x00\x00""C"
		"F\x00\x02\x00\x00\x00\x19\xff\xff\xff\xff\xff\xff\x00\x01id\x00"
		"\x00\x00""CF\x00\x01\x00\x00\x00\x17\x00\x04\xff\xff\xff\xff\x00"
		"\x01secret\x00\x00\x00""CF\x00\x03\x00\x00\x00\x19\xff\xff\xff"
		"\xff\xff\xff\x00\x01name\x00\x00\x00""C\xd2\x00\x02\x00\x00\x04"
		"\x13\xff\xff\x00\x00\x00\x84\x00\x01localpart\x00\x00\x00""C\xd2"
		"\x00\x03\x00\x00\x04\x13\xff\xff\x00\x00\x00\x84\x00\x01""domain"
		"\x00\x00\x00""C\xd2\x00\x04\x00\x00\x04\x13\xff\xff\x00\x00\x00"
		"\x84\x00\x01""C\x00\x00\x00\x0bSELECT\x00Z\x00\x00\x00\x05I" },
};

static const struct l7_chunk pg_ssl[] = {
	{ 0, 0ULL, 8, false,
	  "\x00\x00\x00\x08\x04\xd2\x16/" },
	{ 1, 952000ULL, 1, false,
	  "N" },
	{ 0, 1005000ULL, 80, false,
	  "\x00\x00\x00P\x00\x03\x00\x00user\x00test\x00""database\x00postg"
		"res\x00""application_name\x00psql\x00""client_encoding\x00UTF8"
		"\x00\x00" },
	{ 1, 3053000ULL, 24, false,
	  "R\x00\x00\x00\x17\x00\x00\x00\x0aSCRAM-SHA-256\x00\x00" },
};

static const struct l7_chunk pg_gss[] = {
	{ 0, 0ULL, 8, false,
	  "\x00\x00\x00\x08\x04\xd2\x16""0" },
	{ 1, 500000ULL, 1, false,
	  "G" },
};

/* MariaDB: greeting, login, "select @@version_comment limit 1", quit. */
static void test_mysql_capture(void **state)
{
	struct l7_flow f;
	char *desc;

	(void)state;
	l7_flow_init(&f, &fm_l7_mysql);
	assert_int_equal(l7_flow_run(&f, mariadb, 1, 99, 0, 0), FM_L7_MATCH);
	l7_flow_run(&f, mariadb + 1, NCHUNKS(mariadb) - 1, 99, 0, 0);
	assert_int_equal(f.verdict, FM_L7_MATCH);
	assert_int_equal(f.nreqs, 1);
	assert_string_equal(f.reqs[0].method, "QUERY");
	assert_string_equal(f.reqs[0].route, "SELECT");
	assert_int_equal(f.reqs[0].status, 0);
	assert_false(f.reqs[0].failed);
	assert_int_equal(f.reqs[0].latency_ns,
			 mariadb[4].ts - mariadb[3].ts);
	desc = l7_flow_describe(&f);
	assert_string_equal(desc, "{\"requests\":1,\"server_version\":"
			    "\"5.5.5-10.6.12-MariaDB-0ubuntu0.22.04.1\","
			    "\"ssl\":false}");
	free(desc);
	l7_flow_free(&f);
	l7_check_splits(&fm_l7_mysql, mariadb, NCHUNKS(mariadb));
}

/* MySQL 8: greeting, SSLRequest, then TLS which is not followed. */
static void test_mysql_ssl(void **state)
{
	struct l7_flow f;
	char *desc;

	(void)state;
	l7_flow_init(&f, &fm_l7_mysql);
	assert_int_equal(l7_flow_run(&f, mysql_ssl, NCHUNKS(mysql_ssl), 99, 0,
				     0), FM_L7_MATCH);
	desc = l7_flow_describe(&f);
	assert_string_equal(desc, "{\"requests\":0,\"server_version\":"
			    "\"8.0.36\",\"ssl\":true}");
	free(desc);
	l7_flow_free(&f);
}

/* The client's HandshakeResponse first waits for the greeting. */
static void test_mysql_client_first(void **state)
{
	static uint8_t filler[1024];
	struct l7_flow f;
	int i;

	(void)state;
	l7_flow_init(&f, &fm_l7_mysql);
	assert_int_equal(l7_flow_feed(&f, 0, false, mariadb[1].data,
				      mariadb[1].len, 1, 0), FM_L7_NEED_MORE);
	assert_int_equal(l7_flow_feed(&f, 1, false, mariadb[0].data,
				      mariadb[0].len, 2, 0), FM_L7_MATCH);
	l7_flow_run(&f, mariadb + 2, NCHUNKS(mariadb) - 2, 99, 0, 0);
	assert_int_equal(f.nreqs, 1);
	l7_flow_free(&f);
	/* without a greeting: refused within the buffer's size */
	l7_flow_init(&f, &fm_l7_mysql);
	l7_flow_feed(&f, 0, false, mariadb[1].data, mariadb[1].len, 1, 0);
	for (i = 0; i < 5 && f.verdict == FM_L7_NEED_MORE; i++)
		l7_flow_feed(&f, 0, false, filler, sizeof(filler), 2, 0);
	assert_int_equal(f.verdict, FM_L7_NO_MATCH);
	l7_flow_free(&f);
}

static size_t my_packet(uint8_t *out, uint8_t seq, const void *payload,
			size_t len)
{
	out[0] = (uint8_t)len;
	out[1] = (uint8_t)(len >> 8);
	out[2] = 0;
	out[3] = seq;
	memcpy(out + 4, payload, len);
	return len + 4;
}

/* Commands after login: errors, ping, prepared statements. */
static void test_mysql_commands(void **state)
{
	static const struct {
		int dir;
		uint8_t seq;
		const char *payload;
		size_t len;
	} steps[] = {
#define STEP(d, q, s) { d, q, s, sizeof(s) - 1 }
		STEP(0, 0, "\x03  /* hint */ insert into t values (1)"),
		STEP(1, 1, "\xff\x26\x04#42S02Table 't' doesn't exist"),
		STEP(0, 0, "\x0e"),
		STEP(1, 1, "\x00\x00\x00\x02\x00\x00\x00"),
		STEP(0, 0, "\x16update t set a = ?"),
		STEP(1, 1, "\x00\x07\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00"),
		STEP(0, 0, "\x17\x07\x00\x00\x00\x00\x01\x00\x00\x00"),
		STEP(1, 1, "\x00\x01\x00\x02\x00\x00\x00"),
		STEP(0, 0, "\x19\x07\x00\x00\x00"),
		STEP(0, 0, "\x03"),
		STEP(1, 1, "\x01"),
		STEP(1, 2, "\x03" "def"),
		STEP(0, 0, "\x01"),
#undef STEP
	};
	static const char *const want[][3] = {
		{ "QUERY", "INSERT", "1062" }, { "PING", "PING", "0" },
		{ "PREPARE", "UPDATE", "0" }, { "EXECUTE", "UPDATE", "0" },
		{ "QUERY", "OTHER", "0" },
	};
	uint8_t pkt[128];
	struct l7_flow f;
	size_t i, n;

	(void)state;
	l7_flow_init(&f, &fm_l7_mysql);
	l7_flow_run(&f, mariadb, 3, 99, 0, 0);
	for (i = 0; i < NCHUNKS(steps); i++) {
		n = my_packet(pkt, steps[i].seq, steps[i].payload,
			      steps[i].len);
		assert_int_equal(l7_flow_feed(&f, steps[i].dir, false, pkt, n,
					      100 * i, 0), FM_L7_MATCH);
	}
	assert_int_equal(f.nreqs, NCHUNKS(want));
	for (i = 0; i < NCHUNKS(want); i++) {
		assert_string_equal(f.reqs[i].method, want[i][0]);
		assert_string_equal(f.reqs[i].route, want[i][1]);
		assert_int_equal(f.reqs[i].status, atoi(want[i][2]));
		assert_int_equal(f.reqs[i].failed, i == 0);
		assert_int_equal(f.reqs[i].latency_ns, 100);
	}
	l7_flow_free(&f);
}

static void test_mysql_malformed(void **state)
{
	static const struct {
		const char *what;
		int dir;
		const char *data;
		size_t len;
	} bad[] = {
#define BAD(w, d, s) { w, d, s, sizeof(s) - 1 }
		BAD("protocol 9", 1, "\x1a\x00\x00\x00\x09" "5.7.1\x00"
		    "12345678901234567890"),
		BAD("greeting seq 1", 1, "\x1a\x00\x00\x01\x0a" "5.7.1\x00"
		    "12345678901234567890"),
		BAD("no version end", 1, "\x08\x00\x00\x00\x0a" "5.7.1abc"),
		BAD("filler not zero", 1, "\x19\x00\x00\x00\x0a" "5.7.1\x00"
		    "1234" "12345678" "\x07" "12345"),
		BAD("client seq 0", 0, "\x40\x00\x00\x00\x85\xa6\xff\x01"),
		BAD("client no protocol 41", 0, "\x40\x00\x00\x01\x85\x00\x00"),
		BAD("empty packet", 1, "\x00\x00\x00\x00"),
#undef BAD
	};
	struct l7_flow f;
	size_t i;

	(void)state;
	for (i = 0; i < NCHUNKS(bad); i++) {
		l7_flow_init(&f, &fm_l7_mysql);
		if (l7_flow_feed(&f, bad[i].dir, false, bad[i].data, bad[i].len,
				 1, 0) != FM_L7_NO_MATCH)
			fail_msg("accepted %s", bad[i].what);
		l7_flow_free(&f);
	}
	/* access denied: the flow stays MySQL, nothing more is followed */
	l7_flow_init(&f, &fm_l7_mysql);
	l7_flow_run(&f, mariadb, 2, 99, 0, 0);
	assert_int_equal(l7_flow_feed(&f, 1, false,
				      "\x09\x00\x00\x02\xff\x15\x04#28000", 13,
				      1, 0), FM_L7_MATCH);
	assert_int_equal(l7_flow_feed(&f, 0, false, mariadb[3].data,
				      mariadb[3].len, 2, 0), FM_L7_MATCH);
	assert_int_equal(f.nreqs, 0);
	assert_int_equal(fm_l7_mysql.gap(f.state, 0), FM_L7_MATCH);
	l7_flow_free(&f);
}

static void test_mysql_foreign(void **state)
{
	static const char *const own[] = { "mysql greeting", NULL };

	(void)state;
	l7_check_foreign(&fm_l7_mysql, own);
}

/* Startup, md5 login, three extended-protocol batches. */
static void test_pg_capture(void **state)
{
	static const char *const want[] = { "BEGIN", "COMMIT", "SELECT",
					    "SELECT" };
	struct l7_flow f;
	char *desc;
	size_t i;

	(void)state;
	l7_flow_init(&f, &fm_l7_postgresql);
	assert_int_equal(l7_flow_run(&f, pg_ext, 1, 99, 0, 0), FM_L7_MATCH);
	l7_flow_run(&f, pg_ext + 1, NCHUNKS(pg_ext) - 1, 99, 0, 0);
	assert_int_equal(f.verdict, FM_L7_MATCH);
	assert_int_equal(f.nreqs, NCHUNKS(want));
	for (i = 0; i < NCHUNKS(want); i++) {
		assert_string_equal(f.reqs[i].method, "EXECUTE");
		assert_string_equal(f.reqs[i].route, want[i]);
		assert_int_equal(f.reqs[i].status, -1);
		assert_false(f.reqs[i].failed);
	}
	assert_int_equal(f.reqs[0].latency_ns, pg_ext[5].ts - pg_ext[4].ts);
	desc = l7_flow_describe(&f);
	assert_string_equal(desc, "{\"database\":\"mailstore\","
			    "\"requests\":4,\"server_version\":\"7.4.6\","
			    "\"sqlstate_classes\":{},\"ssl\":false,"
			    "\"user\":\"oryx\"}");
	free(desc);
	l7_flow_free(&f);
	l7_check_splits(&fm_l7_postgresql, pg_ext, NCHUNKS(pg_ext));
}

static void test_pg_ssl_refused(void **state)
{
	struct l7_flow f;
	char *desc;

	(void)state;
	l7_flow_init(&f, &fm_l7_postgresql);
	assert_int_equal(l7_flow_run(&f, pg_ssl, NCHUNKS(pg_ssl), 99, 0, 0),
			 FM_L7_MATCH);
	desc = l7_flow_describe(&f);
	assert_string_equal(desc, "{\"database\":\"postgres\","
			    "\"requests\":0,\"sqlstate_classes\":{},"
			    "\"ssl\":false,\"user\":\"test\"}");
	free(desc);
	l7_flow_free(&f);
	l7_check_splits(&fm_l7_postgresql, pg_ssl, NCHUNKS(pg_ssl));
	/* GSSENCRequest accepted: encrypted from then on */
	l7_flow_init(&f, &fm_l7_postgresql);
	assert_int_equal(l7_flow_run(&f, pg_gss, NCHUNKS(pg_gss), 99, 0, 0),
			 FM_L7_MATCH);
	assert_int_equal(l7_flow_feed(&f, 0, false, "\x16\x03\x01", 3, 9, 0),
			 FM_L7_MATCH);
	l7_flow_free(&f);
}

/* SSL accepted; the server's answer seen before the request. */
static void test_pg_ssl_accepted(void **state)
{
	struct l7_flow f;
	char *desc;

	(void)state;
	l7_flow_init(&f, &fm_l7_postgresql);
	assert_int_equal(l7_flow_feed(&f, 1, false, "S", 1, 2, 0),
			 FM_L7_NEED_MORE);
	assert_int_equal(l7_flow_feed(&f, 0, false, pg_ssl[0].data,
				      pg_ssl[0].len, 1, 0), FM_L7_MATCH);
	desc = l7_flow_describe(&f);
	assert_non_null(strstr(desc, "\"ssl\":true"));
	free(desc);
	l7_flow_free(&f);
}

static void test_pg_simple_query(void **state)
{
	static const char q1[] = "Q\x00\x00\x00\x17select * from nope\x00";
	static const char r1[] =
		"E\x00\x00\x00\x19" "SERROR\x00" "C42P01\x00" "Mno t\x00\x00"
		"Z\x00\x00\x00\x05I";
	static const char q2[] = "Q\x00\x00\x00\x0f" "-- x\nBEGIN\x00";
	static const char r2[] = "C\x00\x00\x00\x0a" "BEGIN\x00"
				 "Z\x00\x00\x00\x05T";
	struct l7_flow f;
	char *desc;

	(void)state;
	l7_flow_init(&f, &fm_l7_postgresql);
	l7_flow_run(&f, pg_ssl + 2, 1, 99, 0, 0);
	/* pipelined: both queries before the replies */
	l7_flow_feed(&f, 0, false, q1, sizeof(q1) - 1, 100, 0);
	l7_flow_feed(&f, 0, false, q2, sizeof(q2) - 1, 150, 0);
	l7_flow_feed(&f, 1, false, r1, sizeof(r1) - 1, 300, 0);
	l7_flow_feed(&f, 1, false, r2, sizeof(r2) - 1, 400, 0);
	assert_int_equal(f.verdict, FM_L7_MATCH);
	assert_int_equal(f.nreqs, 2);
	assert_string_equal(f.reqs[0].method, "QUERY");
	assert_string_equal(f.reqs[0].route, "SELECT");
	assert_true(f.reqs[0].failed);
	assert_int_equal(f.reqs[0].status, -1);
	assert_int_equal(f.reqs[0].latency_ns, 200);
	assert_string_equal(f.reqs[1].route, "BEGIN");
	assert_false(f.reqs[1].failed);
	assert_int_equal(f.reqs[1].latency_ns, 250);
	desc = l7_flow_describe(&f);
	assert_non_null(strstr(desc, "\"sqlstate_classes\":{\"42\":1}"));
	free(desc);
	l7_flow_free(&f);
}

static void test_pg_malformed(void **state)
{
	static const struct {
		const char *what;
		int dir;
		const char *data;
		size_t len;
	} bad[] = {
#define BAD(w, d, s) { w, d, s, sizeof(s) - 1 }
		BAD("protocol 2", 0, "\x00\x00\x00\x10\x00\x02\x00\x00user\x00x\x00\x00"),
		BAD("ssl request length", 0, "\x00\x00\x00\x09\x04\xd2\x16\x2f\x00"),
		BAD("unterminated parameters", 0,
		    "\x00\x00\x00\x0f\x00\x03\x00\x00user\x00x\x00"),
		BAD("trailing bytes", 0,
		    "\x00\x00\x00\x11\x00\x03\x00\x00user\x00x\x00\x00\x00"),
		BAD("server first", 1, "X\x00\x00\x00\x04"),
#undef BAD
	};
	struct l7_flow f;
	size_t i;

	(void)state;
	for (i = 0; i < NCHUNKS(bad); i++) {
		l7_flow_init(&f, &fm_l7_postgresql);
		if (l7_flow_feed(&f, bad[i].dir, false, bad[i].data, bad[i].len,
				 1, 0) != FM_L7_NO_MATCH)
			fail_msg("accepted %s", bad[i].what);
		l7_flow_free(&f);
	}
	/* an unknown message type after the match stops the following */
	l7_flow_init(&f, &fm_l7_postgresql);
	l7_flow_run(&f, pg_ssl + 2, 1, 99, 0, 0);
	assert_int_equal(l7_flow_feed(&f, 0, false, "!\x00\x00\x00\x04", 5, 1,
				      0), FM_L7_MATCH);
	assert_int_equal(l7_flow_feed(&f, 0, false, "Q\x00\x00\x00\x05\x00", 6,
				      1, 0), FM_L7_MATCH);
	l7_flow_feed(&f, 1, false, "Z\x00\x00\x00\x05I", 6, 2, 0);
	assert_int_equal(f.nreqs, 0);
	assert_int_equal(fm_l7_postgresql.gap(f.state, 1), FM_L7_MATCH);
	l7_flow_free(&f);
}

static void test_pg_foreign(void **state)
{
	static const char *const own[] = { "pg startup", NULL };

	(void)state;
	l7_check_foreign(&fm_l7_postgresql, own);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mysql_capture),
		cmocka_unit_test(test_mysql_ssl),
		cmocka_unit_test(test_mysql_client_first),
		cmocka_unit_test(test_mysql_commands),
		cmocka_unit_test(test_mysql_malformed),
		cmocka_unit_test(test_mysql_foreign),
		cmocka_unit_test(test_pg_capture),
		cmocka_unit_test(test_pg_ssl_refused),
		cmocka_unit_test(test_pg_ssl_accepted),
		cmocka_unit_test(test_pg_simple_query),
		cmocka_unit_test(test_pg_malformed),
		cmocka_unit_test(test_pg_foreign),
	};

	return cmocka_run_group_tests_name("l7_sql", tests, NULL, NULL);
}
