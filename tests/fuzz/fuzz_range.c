/* Fuzz target: -D name=VALUES of dmasim sweep (lists, A..B*R, A..B+S). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/range.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct range_grid g;
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	memset(&g, 0, sizeof(g));
	/* Two axes from one input: split at the first newline. */
	{
		char *nl = strchr(s, '\n');

		int err;

		if (nl)
			*nl = '\0';
		err = range_add(&g, s, "fuzz");
		if (!err && nl)
			err = range_add(&g, nl + 1, "fuzz");
		/* as sweep does: a grid only from axes that all parsed */
		if (err)
			g.npoints = 0;
		else
			err = range_count(&g, "fuzz");
		if (err)
			g.npoints = 0;
	}
	if (g.npoints) {
		char buf[256];

		for (size_t p = 0; p < g.npoints; p += 1 + g.npoints / 16)
			range_point_name(&g, p, buf, sizeof(buf));
	}
	range_free(&g);
	free(s);
	return 0;
}
