// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: TCP tracking driven by synthetic segment sequences, and the TCP
 * header and option parsers.  Client ISN 1000 and server ISN 5000 unless a
 * case says otherwise; times are microseconds.
 */
#include <kunit/test.h>
#include <linux/skbuff.h>
#include <net/tcp.h>
#include "tcp_track.h"

#define C2S	FLOWMESH_DIR_TX
#define S2C	FLOWMESH_DIR_RX
#define NO_RTT	U32_MAX
#define ANY	__FLOWMESH_STATE_MAX

#define OPEN	FLOWMESH_STATE_OPEN
#define EST	FLOWMESH_STATE_ESTABLISHED
#define CLOSING	FLOWMESH_STATE_CLOSING
#define CLOSED	FLOWMESH_STATE_CLOSED

#define SYN	TCPHDR_SYN
#define ACK	TCPHDR_ACK
#define SYNACK	(TCPHDR_SYN | TCPHDR_ACK)
#define DATA	(TCPHDR_PSH | TCPHDR_ACK)
#define FIN	(TCPHDR_FIN | TCPHDR_ACK)
#define RST	(TCPHDR_RST | TCPHDR_ACK)

struct step {
	enum flowmesh_dir dir;
	u8 flags;
	u32 seq, ack, len;
	bool ts;
	u32 tsval, tsecr;
	u32 at_us;
	u32 rtt_us;			/* sample expected, or NO_RTT */
	enum flowmesh_state state;	/* state expected after, or ANY */
};

/* A segment without timestamps and the state expected after it. */
#define SEG(d, f, sq, ak, l, t, st)					\
	.dir = (d), .flags = (f), .seq = (sq), .ack = (ak), .len = (l),	\
	.at_us = (t), .rtt_us = NO_RTT, .state = (st)

/* A segment with TSval @tv and TSecr @te and the sample expected. */
#define TSEG(d, f, sq, ak, l, tv, te, t, rtt)			\
	.dir = (d), .flags = (f), .seq = (sq), .ack = (ak), .len = (l),	\
	.ts = true, .tsval = (tv), .tsecr = (te), .at_us = (t),		\
	.rtt_us = (rtt), .state = ANY

static void run(struct kunit *test, struct flowmesh_tcp *tcp,
		const struct step *steps, unsigned int n, u64 base_ns)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		const struct step *s = &steps[i];
		struct flowmesh_tcp_seg seg = {
			.seq = s->seq,
			.ack_seq = s->ack,
			.payload = s->len,
			.window = 1000,
			.flags = s->flags,
			.has_ts = s->ts,
			.tsval = s->tsval,
			.tsecr = s->tsecr,
		};
		u64 now = base_ns + (u64)s->at_us * NSEC_PER_USEC;
		u32 rtt = NO_RTT;
		bool got;

		got = flowmesh_tcp_track(tcp, s->dir, &seg, now, &rtt);
		if (s->rtt_us == NO_RTT) {
			KUNIT_EXPECT_FALSE_MSG(test, got, "step %u", i);
			KUNIT_EXPECT_EQ_MSG(test, rtt, NO_RTT,
					    "step %u wrote rtt_us", i);
		} else {
			KUNIT_EXPECT_TRUE_MSG(test, got, "step %u", i);
			KUNIT_EXPECT_EQ_MSG(test, rtt, s->rtt_us, "step %u", i);
		}
		if (s->state != ANY)
			KUNIT_EXPECT_EQ_MSG(test, (int)flowmesh_tcp_state(tcp),
					    (int)s->state, "step %u", i);
	}
}

/* SYN at 0, SYN-ACK at 3 ms, ACK at 5 ms. */
static const struct step handshake[] = {
	{ SEG(C2S, SYN, 1000, 0, 0, 0, OPEN) },
	{ SEG(S2C, SYNACK, 5000, 1001, 0, 3000, OPEN) },
	{ SEG(C2S, ACK, 1001, 5001, 0, 5000, EST) },
};

/* A whole sequence and what the tracker must hold at its end. */
struct track_case {
	const char *name;
	bool handshake;		/* steps follow handshake[] */
	bool client_half;	/* steps follow client_half[] */
	const struct step *steps;
	unsigned int n;
	u64 base_ns;
	u32 hs_server_us, hs_client_us;
	u32 retrans[FLOWMESH_DIR_COUNT];
	u8 resets[FLOWMESH_DIR_COUNT];
};

#define STEPS(a)	.steps = (a), .n = ARRAY_SIZE(a)

static void track_case_desc(const struct track_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

/*
 * A flow sample needs both halves: to the server and back (client data
 * echoed), to the client and back (server data echoed).  Cases about the
 * server half's clock first run client_half[], which measures the client
 * half as 1 ms, so each of their samples is their server half + 1000.
 * Their own time 0 is when it is measured, 1 ms after base_ns.
 */
#define CLIENT_HALF_US	1000U

static const struct step client_half[] = {
	{ TSEG(S2C, DATA, 4900, 1000, 100, 6900, 0, 0, NO_RTT) },
	/* The first echo of the flow: one half alone is no sample. */
	{ TSEG(C2S, ACK, 1000, 5000, 0, 400, 6900, CLIENT_HALF_US, NO_RTT) },
};

static void run_case(struct kunit *test)
{
	const struct track_case *c = test->param_value;
	struct flowmesh_tcp tcp = {};
	u64 base_ns = c->base_ns;
	unsigned int i;

	if (c->handshake)
		run(test, &tcp, handshake, ARRAY_SIZE(handshake), base_ns);
	if (c->client_half) {
		run(test, &tcp, client_half, ARRAY_SIZE(client_half), base_ns);
		KUNIT_EXPECT_EQ(test, (u32)tcp.dir[S2C].rtt_us, CLIENT_HALF_US);
		base_ns += CLIENT_HALF_US * NSEC_PER_USEC;
	}
	run(test, &tcp, c->steps, c->n, base_ns);
	KUNIT_EXPECT_EQ(test, tcp.hs_server_us, c->hs_server_us);
	KUNIT_EXPECT_EQ(test, tcp.hs_client_us, c->hs_client_us);
	for (i = 0; i < FLOWMESH_DIR_COUNT; i++) {
		KUNIT_EXPECT_EQ_MSG(test, tcp.dir[i].retrans, c->retrans[i],
				    "dir %u", i);
		KUNIT_EXPECT_EQ_MSG(test, tcp.dir[i].resets, c->resets[i],
				    "dir %u", i);
	}
}

/* ---- State machine ---- */

static const struct step client_closes[] = {
	{ SEG(C2S, DATA, 1001, 5001, 100, 6000, EST) },
	{ SEG(S2C, DATA, 5001, 1101, 200, 7000, EST) },
	{ SEG(C2S, FIN, 1101, 5201, 0, 8000, CLOSING) },
	{ SEG(S2C, ACK, 5201, 1102, 0, 9000, CLOSING) },
	/* The second FIN is not enough: its ACK closes. */
	{ SEG(S2C, FIN, 5201, 1102, 0, 10000, CLOSING) },
	{ SEG(C2S, ACK, 1102, 5202, 0, 11000, CLOSED) },
};

static const struct step server_closes[] = {
	{ SEG(S2C, FIN, 5001, 1001, 0, 6000, CLOSING) },
	{ SEG(C2S, FIN, 1001, 5002, 0, 7000, CLOSING) },
	{ SEG(S2C, ACK, 5002, 1002, 0, 8000, CLOSED) },
};

static const struct step simultaneous_close[] = {
	/* Both FINs cross: neither acknowledges the other. */
	{ SEG(C2S, FIN, 1001, 5001, 0, 6000, CLOSING) },
	{ SEG(S2C, FIN, 5001, 1001, 0, 6000, CLOSING) },
	{ SEG(C2S, ACK, 1002, 5002, 0, 7000, CLOSING) },
	{ SEG(S2C, ACK, 5002, 1002, 0, 7000, CLOSED) },
};

static const struct step last_ack_lost[] = {
	{ SEG(C2S, FIN, 1001, 5001, 0, 6000, CLOSING) },
	{ SEG(S2C, FIN, 5001, 1002, 0, 7000, CLOSING) },
	{ SEG(S2C, FIN, 5001, 1002, 0, 207000, CLOSING) },
	{ SEG(C2S, ACK, 1002, 5002, 0, 208000, CLOSED) },
};

static const struct step client_resets[] = {
	{ SEG(C2S, DATA, 1001, 5001, 100, 6000, EST) },
	{ SEG(C2S, RST, 1101, 5001, 0, 7000, CLOSED) },
	/* Data in flight draws more resets; nothing reopens. */
	{ SEG(S2C, DATA, 5001, 1101, 100, 7500, CLOSED) },
	{ SEG(C2S, RST, 1101, 5101, 0, 8000, CLOSED) },
};

static const struct step server_resets[] = {
	{ SEG(S2C, RST, 5001, 1001, 0, 6000, CLOSED) },
};

static const struct step syn_refused[] = {
	{ SEG(C2S, SYN, 1000, 0, 0, 0, OPEN) },
	{ SEG(S2C, RST, 0, 1001, 0, 100, CLOSED) },
};

static const struct step mid_stream[] = {
	{ SEG(S2C, DATA, 77000, 33000, 500, 0, EST) },
	{ SEG(C2S, ACK, 33000, 77500, 0, 100, EST) },
	{ SEG(C2S, FIN, 33000, 77500, 0, 200, CLOSING) },
	{ SEG(S2C, FIN, 77500, 33001, 0, 300, CLOSING) },
	{ SEG(C2S, ACK, 33001, 77501, 0, 400, CLOSED) },
};

static const struct track_case state_cases[] = {
	{ "client closes", true, STEPS(client_closes),
	  .hs_server_us = 3000, .hs_client_us = 2000 },
	{ "server closes", true, STEPS(server_closes),
	  .hs_server_us = 3000, .hs_client_us = 2000 },
	{ "simultaneous close", true, STEPS(simultaneous_close),
	  .hs_server_us = 3000, .hs_client_us = 2000 },
	{ "last ACK lost", true, STEPS(last_ack_lost),
	  .hs_server_us = 3000, .hs_client_us = 2000, .retrans = { 0, 1 } },
	{ "client resets", true, STEPS(client_resets),
	  .hs_server_us = 3000, .hs_client_us = 2000, .resets = { 2, 0 } },
	{ "server resets", true, STEPS(server_resets),
	  .hs_server_us = 3000, .hs_client_us = 2000, .resets = { 0, 1 } },
	{ "SYN refused", false, STEPS(syn_refused), .resets = { 0, 1 } },
	{ "met mid-stream", false, STEPS(mid_stream) },
};

KUNIT_ARRAY_PARAM(state, state_cases, track_case_desc);

static void state_sequences(struct kunit *test)
{
	run_case(test);
}

static void state_empty_is_open(struct kunit *test)
{
	struct flowmesh_tcp tcp = {};

	KUNIT_EXPECT_EQ(test, (int)flowmesh_tcp_state(&tcp), (int)OPEN);
}

static void flags_per_direction(struct kunit *test)
{
	static const struct step steps[] = {
		{ SEG(C2S, SYN | TCPHDR_ECE | TCPHDR_CWR, 1000, 0, 0, 0, OPEN) },
		{ SEG(S2C, SYNACK | TCPHDR_ECE, 5000, 1001, 0, 10, OPEN) },
		{ SEG(C2S, ACK, 1001, 5001, 0, 20, EST) },
		{ SEG(C2S, DATA | TCPHDR_URG, 1001, 5001, 10, 30, EST) },
		{ SEG(S2C, ACK, 5001, 1011, 0, 40, EST) },
		{ SEG(C2S, RST, 1011, 5001, 0, 50, CLOSED) },
	};
	struct flowmesh_tcp tcp = {};

	run(test, &tcp, steps, ARRAY_SIZE(steps), 0);
	KUNIT_EXPECT_EQ(test, tcp.dir[C2S].flags,
			(u8)(TCPHDR_SYN | TCPHDR_ECE | TCPHDR_CWR | TCPHDR_ACK |
			     TCPHDR_PSH | TCPHDR_URG | TCPHDR_RST));
	KUNIT_EXPECT_EQ(test, tcp.dir[S2C].flags,
			(u8)(TCPHDR_SYN | TCPHDR_ACK | TCPHDR_ECE));
}

/* ---- Handshake RTT split ---- */

/* The SYN-ACK measures the server half alone: the ACK gives the sample. */
static const struct step hs_ts[] = {
	{ TSEG(C2S, SYN, 1000, 0, 0, 100, 0, 0, NO_RTT) },
	{ TSEG(S2C, SYNACK, 5000, 1001, 0, 9000, 100, 3000, NO_RTT) },
	{ TSEG(C2S, ACK, 1001, 5001, 0, 103, 9000, 5000, 5000) },
};

static const struct step hs_syn_resent[] = {
	{ SEG(C2S, SYN, 1000, 0, 0, 0, OPEN) },
	{ SEG(C2S, SYN, 1000, 0, 0, 1000000, OPEN) },
	{ SEG(S2C, SYNACK, 5000, 1001, 0, 1003000, OPEN) },
	{ SEG(C2S, ACK, 1001, 5001, 0, 1005000, EST) },
};

/*
 * The resent SYN cancelled its TSval, so the ACK measures only the client
 * half (2 ms): no sample.  The next data echoed gives the server half too.
 */
static const struct step hs_syn_resent_echo_last[] = {
	{ TSEG(C2S, SYN, 1000, 0, 0, 100, 0, 0, NO_RTT) },
	{ TSEG(C2S, SYN, 1000, 0, 0, 1100, 0, 1000000, NO_RTT) },
	{ TSEG(S2C, SYNACK, 5000, 1001, 0, 9000, 1100, 1003000, NO_RTT) },
	{ TSEG(C2S, ACK, 1001, 5001, 0, 1103, 9000, 1005000, NO_RTT) },
	{ TSEG(C2S, DATA, 1001, 5001, 100, 1104, 9000, 1006000, NO_RTT) },
	{ TSEG(S2C, ACK, 5001, 1101, 0, 9006, 1104, 1009000, 5000) },
};

static const struct step hs_syn_resent_echo_first[] = {
	{ TSEG(C2S, SYN, 1000, 0, 0, 100, 0, 0, NO_RTT) },
	{ TSEG(C2S, SYN, 1000, 0, 0, 1100, 0, 1000000, NO_RTT) },
	{ TSEG(S2C, SYNACK, 5000, 1001, 0, 9000, 100, 1003000, NO_RTT) },
	{ TSEG(C2S, ACK, 1001, 5001, 0, 1103, 9000, 1005000, NO_RTT) },
	{ TSEG(C2S, DATA, 1001, 5001, 100, 1104, 9000, 1006000, NO_RTT) },
	{ TSEG(S2C, ACK, 5001, 1101, 0, 9006, 1104, 1009000, 5000) },
};

static const struct step hs_synack_resent[] = {
	{ SEG(C2S, SYN, 1000, 0, 0, 0, OPEN) },
	{ SEG(S2C, SYNACK, 5000, 1001, 0, 3000, OPEN) },
	{ SEG(S2C, SYNACK, 5000, 1001, 0, 1003000, OPEN) },
	{ SEG(C2S, ACK, 1001, 5001, 0, 1005000, EST) },
};

/*
 * The SYN-ACK measures the server half (3 ms) alone; the resent one
 * cancelled its TSval, so the ACK adds nothing.  The next data echoed gives
 * the client half too.
 */
static const struct step hs_synack_resent_echo_last[] = {
	{ TSEG(C2S, SYN, 1000, 0, 0, 100, 0, 0, NO_RTT) },
	{ TSEG(S2C, SYNACK, 5000, 1001, 0, 9000, 100, 3000, NO_RTT) },
	{ TSEG(S2C, SYNACK, 5000, 1001, 0, 10000, 100, 1003000, NO_RTT) },
	{ TSEG(C2S, ACK, 1001, 5001, 0, 1103, 10000, 1005000, NO_RTT) },
	{ TSEG(S2C, DATA, 5001, 1001, 100, 10001, 1103, 1006000, NO_RTT) },
	{ TSEG(C2S, ACK, 1001, 5101, 0, 1106, 10001, 1008000, 5000) },
};

static const struct step hs_synack_resent_echo_first[] = {
	{ TSEG(C2S, SYN, 1000, 0, 0, 100, 0, 0, NO_RTT) },
	{ TSEG(S2C, SYNACK, 5000, 1001, 0, 9000, 100, 3000, NO_RTT) },
	{ TSEG(S2C, SYNACK, 5000, 1001, 0, 10000, 100, 1003000, NO_RTT) },
	{ TSEG(C2S, ACK, 1001, 5001, 0, 1103, 9000, 1005000, NO_RTT) },
	{ TSEG(S2C, DATA, 5001, 1001, 100, 10001, 1103, 1006000, NO_RTT) },
	{ TSEG(C2S, ACK, 1001, 5101, 0, 1106, 10001, 1008000, 5000) },
};

static const struct step hs_syn_missed[] = {
	{ SEG(S2C, SYNACK, 5000, 1001, 0, 0, OPEN) },
	{ SEG(C2S, ACK, 1001, 5001, 0, 2000, EST) },
};

static const struct track_case handshake_cases[] = {
	{ "plain", false, STEPS(handshake),
	  .hs_server_us = 3000, .hs_client_us = 2000 },
	{ "timestamps", false, STEPS(hs_ts),
	  .hs_server_us = 3000, .hs_client_us = 2000 },
	{ "SYN resent", false, STEPS(hs_syn_resent),
	  .hs_server_us = 0, .hs_client_us = 2000, .retrans = { 1, 0 } },
	{ "SYN resent, last echoed", false, STEPS(hs_syn_resent_echo_last),
	  .hs_server_us = 3000, .hs_client_us = 2000, .retrans = { 1, 0 } },
	{ "SYN resent, first echoed", false, STEPS(hs_syn_resent_echo_first),
	  .hs_server_us = 0, .hs_client_us = 2000, .retrans = { 1, 0 } },
	{ "SYN-ACK resent", false, STEPS(hs_synack_resent),
	  .hs_server_us = 3000, .hs_client_us = 0, .retrans = { 0, 1 } },
	{ "SYN-ACK resent, last echoed", false,
	  STEPS(hs_synack_resent_echo_last),
	  .hs_server_us = 3000, .hs_client_us = 2000, .retrans = { 0, 1 } },
	{ "SYN-ACK resent, first echoed", false,
	  STEPS(hs_synack_resent_echo_first),
	  .hs_server_us = 3000, .hs_client_us = 0, .retrans = { 0, 1 } },
	{ "SYN not seen", false, STEPS(hs_syn_missed), .hs_client_us = 2000 },
};

KUNIT_ARRAY_PARAM(handshake, handshake_cases, track_case_desc);

static void handshake_rtt(struct kunit *test)
{
	run_case(test);
}

static void handshake_zero_until_measured(struct kunit *test)
{
	struct flowmesh_tcp tcp = {};

	run(test, &tcp, &handshake[0], 1, 0);
	KUNIT_EXPECT_EQ(test, tcp.hs_server_us, 0U);
	KUNIT_EXPECT_EQ(test, tcp.hs_client_us, 0U);
	run(test, &tcp, &handshake[1], 1, 0);
	KUNIT_EXPECT_EQ(test, tcp.hs_server_us, 3000U);
	KUNIT_EXPECT_EQ(test, tcp.hs_client_us, 0U);
	run(test, &tcp, &handshake[2], 1, 0);
	KUNIT_EXPECT_EQ(test, tcp.hs_client_us, 2000U);
}

/* ---- Retransmissions, zero windows ---- */

static void feed(struct flowmesh_tcp *tcp, enum flowmesh_dir dir, u8 flags,
		 u32 seq, u32 ack, u32 len, u16 window)
{
	struct flowmesh_tcp_seg seg = {
		.seq = seq, .ack_seq = ack, .payload = len,
		.window = window, .flags = flags,
	};
	u32 rtt;

	flowmesh_tcp_track(tcp, dir, &seg, 0, &rtt);
}

static void retrans_data_not_acks(struct kunit *test)
{
	struct flowmesh_tcp tcp = {};
	int i;

	feed(&tcp, C2S, SYN, 1000, 0, 0, 1000);
	feed(&tcp, S2C, SYNACK, 5000, 1001, 0, 1000);
	feed(&tcp, C2S, ACK, 1001, 5001, 0, 1000);
	feed(&tcp, C2S, DATA, 1001, 5001, 100, 1000);
	feed(&tcp, C2S, DATA, 1101, 5001, 100, 1000);
	feed(&tcp, C2S, DATA, 1201, 5001, 100, 1000);
	KUNIT_EXPECT_EQ(test, tcp.dir[C2S].retrans, 0U);

	/* Duplicate ACKs and window updates are pure ACKs. */
	for (i = 0; i < 3; i++)
		feed(&tcp, S2C, ACK, 5001, 1101, 0, 1000);
	feed(&tcp, S2C, ACK, 5001, 1101, 0, 2000);
	KUNIT_EXPECT_EQ(test, tcp.dir[S2C].retrans, 0U);

	feed(&tcp, C2S, DATA, 1101, 5001, 100, 1000);
	KUNIT_EXPECT_EQ(test, tcp.dir[C2S].retrans, 1U);
	/* Reaching past the highest end is new data, not a resend. */
	feed(&tcp, C2S, DATA, 1201, 5001, 150, 1000);
	KUNIT_EXPECT_EQ(test, tcp.dir[C2S].retrans, 1U);
	/* Keep-alive: one old byte counts, a zero-length probe does not. */
	feed(&tcp, C2S, ACK, 1350, 5001, 1, 1000);
	KUNIT_EXPECT_EQ(test, tcp.dir[C2S].retrans, 2U);
	feed(&tcp, C2S, ACK, 1350, 5001, 0, 1000);
	KUNIT_EXPECT_EQ(test, tcp.dir[C2S].retrans, 2U);
	/* A RST is never a retransmission. */
	feed(&tcp, C2S, RST, 1001, 5001, 0, 0);
	KUNIT_EXPECT_EQ(test, tcp.dir[C2S].retrans, 2U);
	KUNIT_EXPECT_EQ(test, tcp.dir[S2C].retrans, 0U);
}

static void retrans_fin(struct kunit *test)
{
	struct flowmesh_tcp tcp = {};

	feed(&tcp, C2S, DATA, 1000, 5000, 100, 1000);
	feed(&tcp, C2S, FIN, 1100, 5000, 0, 1000);
	KUNIT_EXPECT_EQ(test, tcp.dir[C2S].retrans, 0U);
	feed(&tcp, C2S, FIN, 1100, 5000, 0, 1000);
	KUNIT_EXPECT_EQ(test, tcp.dir[C2S].retrans, 1U);
	/* The ACK sent after the FIN sits at its end: still a pure ACK. */
	feed(&tcp, C2S, ACK, 1101, 5001, 0, 1000);
	KUNIT_EXPECT_EQ(test, tcp.dir[C2S].retrans, 1U);
}

static void retrans_seq_wraparound(struct kunit *test)
{
	struct flowmesh_tcp tcp = {};

	feed(&tcp, C2S, SYN, 0xffffff00, 0, 0, 1000);
	feed(&tcp, S2C, SYNACK, 0x7ffffff0, 0xffffff01, 0, 1000);
	feed(&tcp, C2S, ACK, 0xffffff01, 0x7ffffff1, 0, 1000);
	feed(&tcp, C2S, DATA, 0xffffff01, 0x7ffffff1, 0x80, 1000);
	feed(&tcp, C2S, DATA, 0xffffff81, 0x7ffffff1, 0x100, 1000);
	feed(&tcp, C2S, DATA, 0x81, 0x7ffffff1, 0x100, 1000);
	/* The server's sequence crosses 2^31 from its ISN. */
	feed(&tcp, S2C, DATA, 0x7ffffff1, 0x181, 0x20, 1000);
	feed(&tcp, S2C, DATA, 0x80000011, 0x181, 0x20, 1000);
	KUNIT_EXPECT_EQ(test, tcp.dir[C2S].retrans, 0U);
	KUNIT_EXPECT_EQ(test, tcp.dir[S2C].retrans, 0U);

	feed(&tcp, C2S, DATA, 0xffffff81, 0x7ffffff1, 0x100, 1000);
	KUNIT_EXPECT_EQ(test, tcp.dir[C2S].retrans, 1U);
	feed(&tcp, C2S, DATA, 0x81, 0x7ffffff1, 0x100, 1000);
	KUNIT_EXPECT_EQ(test, tcp.dir[C2S].retrans, 2U);
	feed(&tcp, C2S, DATA, 0x181, 0x7ffffff1, 1, 1000);
	KUNIT_EXPECT_EQ(test, tcp.dir[C2S].retrans, 2U);
	feed(&tcp, S2C, DATA, 0x7ffffff1, 0x182, 0x20, 1000);
	KUNIT_EXPECT_EQ(test, tcp.dir[S2C].retrans, 1U);
}

static void zero_window_episodes(struct kunit *test)
{
	struct flowmesh_tcp tcp = {};

	feed(&tcp, C2S, DATA, 1000, 5000, 100, 1000);
	feed(&tcp, S2C, ACK, 5000, 1100, 0, 0);
	KUNIT_EXPECT_EQ(test, tcp.dir[S2C].zero_wins, 1);
	/* Repeated zero-window ACKs (answers to probes) are one episode. */
	feed(&tcp, S2C, ACK, 5000, 1100, 0, 0);
	feed(&tcp, S2C, ACK, 5000, 1100, 0, 0);
	KUNIT_EXPECT_EQ(test, tcp.dir[S2C].zero_wins, 1);
	feed(&tcp, S2C, ACK, 5000, 1100, 0, 512);
	KUNIT_EXPECT_EQ(test, tcp.dir[S2C].zero_wins, 1);
	feed(&tcp, S2C, ACK, 5000, 1100, 0, 0);
	KUNIT_EXPECT_EQ(test, tcp.dir[S2C].zero_wins, 2);
	KUNIT_EXPECT_EQ(test, tcp.dir[C2S].zero_wins, 0);

	/* A RST advertises nothing. */
	feed(&tcp, C2S, RST, 1100, 5000, 0, 0);
	KUNIT_EXPECT_EQ(test, tcp.dir[C2S].zero_wins, 0);
	feed(&tcp, C2S, ACK, 1100, 5000, 0, 0);
	KUNIT_EXPECT_EQ(test, tcp.dir[C2S].zero_wins, 1);
	KUNIT_EXPECT_EQ(test, tcp.dir[S2C].zero_wins, 2);
}

/* ---- Continuous RTT from timestamps ---- */

/*
 * A node between client and server: 2 ms to the client and back, 6 ms to
 * the server and back, later 9 ms.  Each sample is the sum of the halves,
 * so there is none until both are measured.
 */
static const struct step ts_middle[] = {
	{ TSEG(C2S, SYN, 1000, 0, 0, 100, 0, 0, NO_RTT) },
	{ TSEG(S2C, SYNACK, 5000, 1001, 0, 9000, 100, 6000, NO_RTT) },
	{ TSEG(C2S, ACK, 1001, 5001, 0, 102, 9000, 8000, 8000) },
	{ TSEG(C2S, DATA, 1001, 5001, 100, 103, 9000, 8000, NO_RTT) },
	{ TSEG(S2C, DATA, 5001, 1101, 1000, 9006, 103, 14000, 8000) },
	{ TSEG(C2S, ACK, 1101, 6001, 0, 110, 9006, 16000, 8000) },
	{ TSEG(C2S, DATA, 1101, 6001, 100, 111, 9006, 16000, NO_RTT) },
	{ TSEG(S2C, DATA, 6001, 1201, 1000, 9015, 111, 25000, 11000) },
	{ TSEG(C2S, ACK, 1201, 7001, 0, 120, 9015, 27000, 11000) },
};

/*
 * At the client: the server half is the RTT, the client half ~0.  The first
 * sample waits for both.
 */
static const struct step ts_client_endpoint[] = {
	{ TSEG(C2S, DATA, 1000, 5000, 100, 500, 7000, 0, NO_RTT) },
	{ TSEG(S2C, DATA, 5000, 1100, 1400, 7010, 500, 10000, NO_RTT) },
	{ TSEG(C2S, ACK, 1100, 6400, 0, 510, 7010, 10050, 10050) },
};

/*
 * At the server, 40 ms from the client: the SYN-ACK echoes the SYN 200 us
 * later, the near-zero local half, which alone is no sample.  The client's
 * ACK of the SYN-ACK brings the other half: 40 ms + 200 us, as every
 * sample after.
 */
static const struct step ts_server_endpoint[] = {
	{ TSEG(C2S, SYN, 1000, 0, 0, 100, 0, 0, NO_RTT) },
	{ TSEG(S2C, SYNACK, 5000, 1001, 0, 9000, 100, 200, NO_RTT) },
	{ TSEG(C2S, ACK, 1001, 5001, 0, 140, 9000, 40200, 40200) },
	{ TSEG(C2S, DATA, 1001, 5001, 100, 141, 9000, 41200, NO_RTT) },
	{ TSEG(S2C, DATA, 5001, 1101, 1000, 9041, 141, 41400, 40200) },
	{ TSEG(C2S, ACK, 1101, 6001, 0, 181, 9041, 81400, 40200) },
};

/* Only the first segment carrying a TSval starts a sample. */
static const struct step ts_repeated[] = {
	{ TSEG(C2S, DATA, 1000, 5000, 100, 500, 7000, 0, NO_RTT) },
	{ TSEG(C2S, DATA, 1100, 5000, 100, 500, 7000, 1000, NO_RTT) },
	{ TSEG(S2C, ACK, 5000, 1200, 0, 7006, 500, 6000, 7000) },
	{ TSEG(C2S, DATA, 1200, 5000, 100, 500, 7006, 7000, NO_RTT) },
	{ TSEG(S2C, ACK, 5000, 1300, 0, 7013, 500, 13000, NO_RTT) },
};

static const struct step ts_retrans[] = {
	{ TSEG(C2S, DATA, 1000, 5000, 100, 500, 7000, 0, NO_RTT) },
	/* Resent with a new TSval: whichever copy is echoed, no sample. */
	{ TSEG(C2S, DATA, 1000, 5000, 100, 700, 7000, 200000, NO_RTT) },
	{ TSEG(S2C, ACK, 5000, 1100, 0, 7206, 700, 206000, NO_RTT) },
	{ TSEG(S2C, ACK, 5000, 1100, 0, 7207, 500, 206500, NO_RTT) },
	{ TSEG(C2S, DATA, 1100, 5000, 100, 710, 7207, 210000, NO_RTT) },
	{ TSEG(S2C, ACK, 5000, 1200, 0, 7216, 710, 216000, 7000) },
	/* A resend with nothing waiting does not start a sample either. */
	{ TSEG(C2S, DATA, 1100, 5000, 100, 720, 7216, 220000, NO_RTT) },
	{ TSEG(S2C, ACK, 5000, 1200, 0, 7226, 720, 226000, NO_RTT) },
};

static const struct step ts_reorder[] = {
	{ TSEG(C2S, DATA, 1000, 5000, 100, 500, 7000, 0, NO_RTT) },
	/* An echo older than the waiting TSval does not complete it. */
	{ TSEG(S2C, ACK, 5000, 1000, 0, 7003, 499, 3000, NO_RTT) },
	{ TSEG(S2C, ACK, 5000, 1100, 0, 7006, 500, 6000, 7000) },
	/* An older TSval never starts a sample. */
	{ TSEG(C2S, DATA, 1100, 5000, 100, 490, 7006, 7000, NO_RTT) },
	{ TSEG(S2C, ACK, 5000, 1200, 0, 7009, 490, 9000, NO_RTT) },
	{ TSEG(C2S, DATA, 1200, 5000, 100, 501, 7009, 10000, NO_RTT) },
	{ TSEG(C2S, DATA, 1300, 5000, 100, 502, 7009, 10000, NO_RTT) },
	/* A later TSval echoed completes it; the late older ACK is moot. */
	{ TSEG(S2C, ACK, 5000, 1400, 0, 7016, 502, 16000, 7000) },
	{ TSEG(S2C, ACK, 5000, 1300, 0, 7015, 501, 16500, NO_RTT) },
};

static const struct step ts_wrap[] = {
	{ TSEG(C2S, DATA, 1000, 5000, 100, 0xfffffff0, 0xfffffffe, 0, NO_RTT) },
	{ TSEG(S2C, DATA, 5000, 1100, 100, 0xffffffff, 0xfffffff0, 5000, NO_RTT) },
	{ TSEG(C2S, DATA, 1100, 5100, 100, 4, 0xffffffff, 6000, 6000) },
	{ TSEG(S2C, DATA, 5100, 1200, 100, 3, 4, 11000, 6000) },
	{ TSEG(C2S, ACK, 1200, 5200, 0, 5, 3, 12000, 6000) },
	/* From before the wrap: older, starts nothing. */
	{ TSEG(C2S, DATA, 1200, 5200, 100, 0xfffffff8, 3, 13000, NO_RTT) },
	{ TSEG(S2C, ACK, 5200, 1300, 0, 8, 0xfffffff8, 18000, NO_RTT) },
};

static const struct step ts_none[] = {
	{ SEG(C2S, DATA, 1001, 5001, 100, 6000, EST) },
	{ SEG(S2C, DATA, 5001, 1101, 200, 12000, EST) },
	{ SEG(C2S, ACK, 1101, 5201, 0, 14000, EST) },
	{ SEG(C2S, FIN, 1101, 5201, 0, 15000, CLOSING) },
	{ SEG(S2C, FIN, 5201, 1102, 0, 21000, CLOSING) },
	{ SEG(C2S, ACK, 1102, 5202, 0, 23000, CLOSED) },
};

static const struct step ts_bad_echo[] = {
	{ TSEG(C2S, DATA, 1000, 5000, 100, 500, 7000, 0, NO_RTT) },
	/* TSecr counts only with ACK set, and 0 means none. */
	{ TSEG(S2C, TCPHDR_PSH, 5000, 0, 100, 7003, 500, 3000, NO_RTT) },
	{ TSEG(S2C, ACK, 5100, 1100, 0, 7004, 0, 4000, NO_RTT) },
	/* An echo of a TSval never sent is not believed. */
	{ TSEG(S2C, ACK, 5100, 1100, 0, 7005, 600, 5000, NO_RTT) },
	{ TSEG(S2C, ACK, 5100, 1100, 0, 7006, 500, 6000, 7000) },
};

/* A pure ACK is echoed whenever the peer next sends: no sample. */
static const struct step ts_pure_ack[] = {
	{ TSEG(C2S, ACK, 1000, 5000, 0, 600, 7000, 0, NO_RTT) },
	{ TSEG(S2C, DATA, 5000, 1000, 100, 7030, 600, 30000, NO_RTT) },
};

static const struct step ts_acked_unechoed[] = {
	{ TSEG(C2S, DATA, 1000, 5000, 100, 699, 7000, 0, NO_RTT) },
	{ TSEG(S2C, ACK, 5000, 1100, 0, 7003, 699, 3000, 4000) },
	{ TSEG(C2S, DATA, 1100, 5000, 100, 700, 7003, 4000, NO_RTT) },
	{ TSEG(C2S, DATA, 1200, 5000, 100, 701, 7003, 4100, NO_RTT) },
	/* All acknowledged, an older TSval echoed: the wait is over. */
	{ TSEG(S2C, ACK, 5000, 1300, 0, 7007, 699, 7000, NO_RTT) },
	{ TSEG(S2C, DATA, 5000, 1300, 100, 7030, 701, 30000, NO_RTT) },
};

/* 32-bit microseconds wrap between sending and echo (at 1 ms). */
static const struct step ts_clock_wrap[] = {
	{ TSEG(C2S, DATA, 1000, 5000, 100, 500, 7000, 0, NO_RTT) },
	{ TSEG(S2C, ACK, 5000, 1100, 0, 7003, 500, 3000, 4000) },
};

/* An echo that takes minutes is not a round trip. */
static const struct step ts_late_echo[] = {
	{ TSEG(C2S, DATA, 1000, 5000, 100, 500, 7000, 0, NO_RTT) },
	{ TSEG(S2C, ACK, 5000, 1000, 0, 7003, 499, 3000, NO_RTT) },
	{ TSEG(S2C, ACK, 5000, 1100, 0, 7500, 500, 200000000, NO_RTT) },
	{ TSEG(C2S, DATA, 1100, 5000, 100, 900, 7500, 200001000, NO_RTT) },
	{ TSEG(S2C, ACK, 5000, 1200, 0, 7510, 900, 200005000, 5000) },
};

static const struct track_case ts_cases[] = {
	{ "middle node", false, STEPS(ts_middle),
	  .hs_server_us = 6000, .hs_client_us = 2000 },
	{ "client endpoint", false, STEPS(ts_client_endpoint) },
	{ "server endpoint", false, STEPS(ts_server_endpoint),
	  .hs_server_us = 200, .hs_client_us = 40000 },
	{ "repeated TSval", false, true, STEPS(ts_repeated) },
	{ "retransmission", false, true, STEPS(ts_retrans),
	  .retrans = { 2, 0 } },
	{ "reordering", false, true, STEPS(ts_reorder) },
	{ "TSval wraparound", false, STEPS(ts_wrap) },
	{ "no timestamps", true, STEPS(ts_none),
	  .hs_server_us = 3000, .hs_client_us = 2000 },
	{ "bad echoes", false, true, STEPS(ts_bad_echo) },
	{ "pure ACK", false, true, STEPS(ts_pure_ack) },
	{ "acknowledged, not echoed", false, true, STEPS(ts_acked_unechoed) },
	{ "clock wraparound", false, true, STEPS(ts_clock_wrap),
	  .base_ns = ((1ULL << 32) - 2000) * NSEC_PER_USEC },
	{ "echo minutes late", false, true, STEPS(ts_late_echo) },
};

KUNIT_ARRAY_PARAM(ts, ts_cases, track_case_desc);

static void timestamp_rtt(struct kunit *test)
{
	run_case(test);
}

/* ---- Parsers ---- */

/* The timestamp option in these cases: 8, 10, 1, 2, 3, 4, 5, 6, 7, 8. */
#define TSVAL	0x01020304U
#define TSECR	0x05060708U

struct opt_case {
	const char *name;
	u8 len;
	u8 opt[MAX_TCP_OPTION_SPACE];
	bool has_ts;		/* and then TSval TSVAL, TSecr TSECR */
};

static const struct opt_case opt_cases[] = {
	{ "timestamp", 10,
	  { 8, 10, 1, 2, 3, 4, 5, 6, 7, 8 }, true },
	{ "NOP padding", 12,
	  { 1, 1, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8 }, true },
	{ "SYN: MSS SACK-permitted TS NOP WS", 20,
	  { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8,
	    1, 3, 3, 7 }, true },
	{ "SACK blocks after TS", 24,
	  { 1, 1, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8,
	    1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2 }, true },
	{ "EOL before TS", 11,
	  { 0, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8 }, false },
	{ "EOL after TS", 14,
	  { 8, 10, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0xff, 0xff, 0xff }, true },
	{ "TS of wrong length skipped", 18,
	  { 8, 8, 9, 9, 9, 9, 9, 9, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8 }, true },
	{ "truncated TS", 6,
	  { 8, 10, 1, 2, 3, 4 }, false },
	{ "length 0", 12,
	  { 3, 0, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8 }, false },
	{ "length 1", 12,
	  { 3, 1, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8 }, false },
	{ "longer than the buffer", 8,
	  { 1, 1, 5, 10, 0, 0, 0, 1 }, false },
	{ "kind without length", 11,
	  { 8, 10, 1, 2, 3, 4, 5, 6, 7, 8, 2 }, false },
	{ "bad length after TS", 12,
	  { 8, 10, 1, 2, 3, 4, 5, 6, 7, 8, 2, 0 }, false },
	{ "NOPs only", 3, { 1, 1, 1 }, false },
	{ "empty", 0, { 0 }, false },
};

static void opt_case_desc(const struct opt_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(opt, opt_cases, opt_case_desc);

static void parse_options(struct kunit *test)
{
	const struct opt_case *c = test->param_value;
	struct flowmesh_tcp_seg seg = {
		.has_ts = !c->has_ts, .tsval = 1, .tsecr = 1,
	};
	u8 *opt;

	/* Exactly @len bytes, so KASAN sees any read past them. */
	opt = kunit_kmalloc(test, max_t(unsigned int, c->len, 1), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, opt);
	memcpy(opt, c->opt, c->len);
	flowmesh_tcp_parse_options(opt, c->len, &seg);
	KUNIT_EXPECT_EQ(test, seg.has_ts, c->has_ts);
	KUNIT_EXPECT_EQ(test, seg.tsval, c->has_ts ? TSVAL : 0);
	KUNIT_EXPECT_EQ(test, seg.tsecr, c->has_ts ? TSECR : 0);
}

/* 20 bytes standing in for an IP header, then TCP, then payload. */
#define THOFF		20
#define PAYLOAD		30

static unsigned int build_packet(u8 *buf, u8 doff, u8 flags)
{
	static const u8 opts[] = { 1, 1, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8 };
	u8 *th = buf + THOFF;
	unsigned int hlen = doff * 4, len = THOFF + max(hlen, 20U);

	memset(buf, 0, len);
	th[0] = 0x9c;			/* source port 40000 */
	th[1] = 0x40;
	th[2] = 0;			/* destination port 80 */
	th[3] = 80;
	th[4] = 0x01;			/* seq */
	th[5] = 0x02;
	th[6] = 0x03;
	th[7] = 0x04;
	th[8] = 0xa0;			/* ack_seq */
	th[9] = 0xb0;
	th[10] = 0xc0;
	th[11] = 0xd0;
	th[12] = doff << 4;
	th[13] = flags;
	th[14] = 0x72;			/* window */
	th[15] = 0x10;
	if (hlen > 20)
		memcpy(th + 20, opts, min_t(unsigned int, hlen - 20,
					    sizeof(opts)));
	memset(buf + len, 0x5a, PAYLOAD);
	return len + PAYLOAD;
}

/*
 * @len bytes of @data: the first @head in the linear area, the rest in
 * page fragments split at @split (0: one fragment).
 */
static struct sk_buff *build_skb_split(struct kunit *test, const u8 *data,
				       unsigned int len, unsigned int head,
				       unsigned int split)
{
	unsigned int bounds[] = { head, split ? split : len, len };
	struct sk_buff *skb;
	int i;

	skb = alloc_skb(head, GFP_KERNEL);
	if (!skb)
		return NULL;
	skb_put_data(skb, data, head);
	for (i = 0; i < 2 && bounds[i] < bounds[i + 1]; i++) {
		unsigned int n = bounds[i + 1] - bounds[i];
		struct page *page = alloc_page(GFP_KERNEL);

		if (!page) {
			kfree_skb(skb);
			return NULL;
		}
		memcpy(page_address(page), data + bounds[i], n);
		skb_add_rx_frag(skb, i, page, 0, n, PAGE_SIZE);
	}
	KUNIT_EXPECT_EQ(test, skb->len, len);
	return skb;
}

struct skb_case {
	const char *name;
	unsigned int head, split;
};

static const struct skb_case skb_cases[] = {
	{ "linear", 200, 0 },
	{ "header split from linear area", THOFF + 6, 0 },
	{ "options split across fragments", THOFF, THOFF + 25 },
	{ "all in fragments", 0, THOFF + 13 },
};

static void skb_case_desc(const struct skb_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(skb, skb_cases, skb_case_desc);

static void parse_skb(struct kunit *test)
{
	const struct skb_case *c = test->param_value;
	struct flowmesh_tcp_seg seg = {};
	struct sk_buff *skb;
	u8 buf[128];
	unsigned int len;

	len = build_packet(buf, 8, TCPHDR_PSH | TCPHDR_ACK);
	skb = build_skb_split(test, buf, len, min(c->head, len), c->split);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_EQ(test, flowmesh_tcp_parse(skb, THOFF, len, &seg), 0);
	KUNIT_EXPECT_EQ(test, ntohs(seg.source), 40000);
	KUNIT_EXPECT_EQ(test, ntohs(seg.dest), 80);
	KUNIT_EXPECT_EQ(test, seg.seq, 0x01020304U);
	KUNIT_EXPECT_EQ(test, seg.ack_seq, 0xa0b0c0d0U);
	KUNIT_EXPECT_EQ(test, seg.payload, (u32)PAYLOAD);
	KUNIT_EXPECT_EQ(test, seg.window, 0x7210);
	KUNIT_EXPECT_EQ(test, seg.flags, TCPHDR_PSH | TCPHDR_ACK);
	KUNIT_EXPECT_TRUE(test, seg.has_ts);
	KUNIT_EXPECT_EQ(test, seg.tsval, TSVAL);
	KUNIT_EXPECT_EQ(test, seg.tsecr, TSECR);
	/* Trailing bytes past the IP payload (Ethernet padding) are not TCP. */
	KUNIT_EXPECT_EQ(test, flowmesh_tcp_parse(skb, THOFF, len - 4, &seg),
			0);
	KUNIT_EXPECT_EQ(test, seg.payload, (u32)PAYLOAD - 4);
	kfree_skb(skb);
}

static void parse_skb_no_options(struct kunit *test)
{
	struct flowmesh_tcp_seg seg = { .has_ts = true };
	struct sk_buff *skb;
	u8 buf[128];
	unsigned int len;

	len = build_packet(buf, 5, TCPHDR_SYN);
	skb = build_skb_split(test, buf, len, len, 0);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_EQ(test, flowmesh_tcp_parse(skb, THOFF, len, &seg), 0);
	KUNIT_EXPECT_FALSE(test, seg.has_ts);
	KUNIT_EXPECT_EQ(test, seg.flags, TCPHDR_SYN);
	KUNIT_EXPECT_EQ(test, seg.payload, (u32)PAYLOAD);
	kfree_skb(skb);
}

static void parse_skb_invalid(struct kunit *test)
{
	struct flowmesh_tcp_seg seg;
	struct sk_buff *skb;
	u8 buf[128];
	unsigned int len;

	/* doff below 5 */
	len = build_packet(buf, 4, TCPHDR_ACK);
	skb = build_skb_split(test, buf, len, THOFF + 4, 0);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_EQ(test, flowmesh_tcp_parse(skb, THOFF, len, &seg),
			-EINVAL);
	kfree_skb(skb);

	/* Options claimed past the end of the payload. */
	len = build_packet(buf, 15, TCPHDR_ACK);
	skb = build_skb_split(test, buf, len, len, 0);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_EQ(test, flowmesh_tcp_parse(skb, THOFF, THOFF + 40, &seg),
			-EINVAL);
	kfree_skb(skb);

	/* Header truncated, payload end past the packet, thoff past it. */
	len = build_packet(buf, 8, TCPHDR_ACK);
	skb = build_skb_split(test, buf, len, THOFF + 6, 0);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_EQ(test, flowmesh_tcp_parse(skb, THOFF, THOFF + 19, &seg),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, flowmesh_tcp_parse(skb, THOFF, len + 1, &seg),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, flowmesh_tcp_parse(skb, len, len - 1, &seg),
			-EINVAL);
	kfree_skb(skb);
}

static struct kunit_case tcp_track_cases[] = {
	KUNIT_CASE_PARAM(state_sequences, state_gen_params),
	KUNIT_CASE(state_empty_is_open),
	KUNIT_CASE(flags_per_direction),
	KUNIT_CASE_PARAM(handshake_rtt, handshake_gen_params),
	KUNIT_CASE(handshake_zero_until_measured),
	KUNIT_CASE(retrans_data_not_acks),
	KUNIT_CASE(retrans_fin),
	KUNIT_CASE(retrans_seq_wraparound),
	KUNIT_CASE(zero_window_episodes),
	KUNIT_CASE_PARAM(timestamp_rtt, ts_gen_params),
	KUNIT_CASE_PARAM(parse_options, opt_gen_params),
	KUNIT_CASE_PARAM(parse_skb, skb_gen_params),
	KUNIT_CASE(parse_skb_no_options),
	KUNIT_CASE(parse_skb_invalid),
	{}
};

static struct kunit_suite tcp_track_suite = {
	.name = "flowmesh_tcp_track",
	.test_cases = tcp_track_cases,
};

kunit_test_suite(tcp_track_suite);
