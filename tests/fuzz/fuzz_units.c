/* Fuzz target: the unit parser (values such as "512KiB", "1.5us"). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dmasim/dmasim.h"
#include "kernel/units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	enum dmasim_unit u;
	double v;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	for (int k = UNIT_NUMBER; k <= UNIT_ANY; k++)
		if (!units_parse(s, (enum unit_kind)k, &v) && !isfinite(v))
			abort();	/* a value must be finite */
	if (!dmasim_parse_value(s, &u, &v) && !isfinite(v))
		abort();
	free(s);
	return 0;
}
