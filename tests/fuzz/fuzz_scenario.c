/*
 * Fuzz target: the scenario loader on arbitrary Lua source, under run
 * limits so that no input can hang it, with the results written as JSON
 * and the timelines as a trace and a VCD, and the trace read back as
 * dmasim report --trace reads it (a trace dmasim wrote is one it reads).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dmasim/dmasim.h"
#include "report/traceread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64], json[64], trace[64], vcd[64];
	struct traceread *tr = NULL;
	char why[256];
	struct dmasim_run *run;
	FILE *f;

	if (!path[0]) {
		snprintf(path, sizeof(path), "/tmp/dmasim-fuzz-%d.lua",
			 (int)getpid());
		snprintf(json, sizeof(json), "/tmp/dmasim-fuzz-%d.json",
			 (int)getpid());
		snprintf(trace, sizeof(trace), "/tmp/dmasim-fuzz-%d.trace",
			 (int)getpid());
		snprintf(vcd, sizeof(vcd), "/tmp/dmasim-fuzz-%d.vcd",
			 (int)getpid());
	}
	f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	if (dmasim_run_new(&run))
		return 0;
	dmasim_run_set_limits(run, 1u << 20, 2.0, 2000000);
	dmasim_run_set_trace(run, trace, 0, UINT64_MAX);
	dmasim_run_set_vcd(run, vcd, 0, UINT64_MAX);
	if (dmasim_run_file(run, path) == 0 &&
	    traceread_load(trace, &tr, why, sizeof(why)) == DMASIM_EINVAL)
		abort();	/* dmasim wrote a trace it cannot read */
	traceread_free(tr);
	dmasim_run_write_json(run, json);
	dmasim_run_free(run);
	unlink(path);
	unlink(json);
	unlink(trace);
	unlink(vcd);
	return 0;
}
