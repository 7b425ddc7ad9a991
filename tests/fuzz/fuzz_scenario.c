/*
 * Fuzz target: the scenario loader on arbitrary Lua source, under run
 * limits so that no input can hang it, with the results written as JSON.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dmasim/dmasim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64], json[64];
	struct dmasim_run *run;
	FILE *f;

	if (!path[0]) {
		snprintf(path, sizeof(path), "/tmp/dmasim-fuzz-%d.lua",
			 (int)getpid());
		snprintf(json, sizeof(json), "/tmp/dmasim-fuzz-%d.json",
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
	dmasim_run_file(run, path);
	dmasim_run_write_json(run, json);
	dmasim_run_free(run);
	unlink(path);
	unlink(json);
	return 0;
}
