// SPDX-License-Identifier: GPL-2.0
/*
 * flowmesh classify under libFuzzer: the input is a capture file (pcap or
 * pcapng), read from memory by libpcap and run through the verb's
 * pipeline: link layer, IP, flows, reassembly, every detector, and both
 * outputs.  Whatever the bytes, nothing may crash, leak or read out of
 * bounds.
 */
#include <stdint.h>
#include <stdio.h>
#include "cli/classify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct classify_run run;
	FILE *in, *out;
	pcap_t *pcap;

	if (!size)
		return 0;
	in = fmemopen((void *)data, size, "rb");
	if (!in)
		return 0;
	/* once open, libpcap owns @in: pcap_close() closes it */
	pcap = pcap_fopen_offline_with_tstamp_precision(in,
			PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!pcap) {
		fclose(in);
		return 0;
	}
	classify_init(&run);
	classify_read(&run, pcap, errbuf, sizeof(errbuf));
	pcap_close(pcap);
	classify_sort(&run);
	out = fopen("/dev/null", "w");
	if (out) {
		classify_print_json(out, &run);
		classify_print_table(out, &run);
		fclose(out);
	}
	classify_free(&run);
	return 0;
}
