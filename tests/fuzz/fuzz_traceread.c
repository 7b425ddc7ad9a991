/* Fuzz target: a trace-event JSON file read back for dmasim report
 * --trace (src/report/traceread.c): any bytes are read as a trace or
 * refused with a reason, never a crash, a hang or a leak. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/base.h"
#include "report/traceread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct traceread *tr = NULL;
	char why[512];
	FILE *f;

	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/dmasim-fuzz-trace-%ld.json",
			 (long)getpid());
	f = fopen(path, "wb");
	if (!f)
		return 0;
	if (size && fwrite(data, 1, size, f) != size) {
		fclose(f);
		return 0;
	}
	fclose(f);
	why[0] = 0;
	switch (traceread_load(path, &tr, why, sizeof(why))) {
	case 0:
		/* what the page draws from: names and spans that hold */
		for (size_t t = 0; t < tr->ntrack; t++)
			for (size_t i = 0; i < tr->track[t].nspan; i++)
				if (tr->track[t].span[i].name >= tr->nname ||
				    tr->track[t].span[i].e <
				    tr->track[t].span[i].b)
					abort();
		traceread_free(tr);
		break;
	case DMASIM_EINVAL:	/* refused: it must say why */
		if (!why[0])
			abort();
		break;
	default:
		break;
	}
	return 0;
}
