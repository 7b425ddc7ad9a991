/* units: parsing of human-written values.  See units.h. */
#include "units.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/base.h"

struct unit {
	const char *suffix;
	enum unit_kind kind;
	double scale;		/* base units per one of this unit */
};

static const struct unit unit_table[] = {
	{ "B", UNIT_SIZE, 1 },
	{ "KiB", UNIT_SIZE, 1024.0 },
	{ "MiB", UNIT_SIZE, 1048576.0 },
	{ "GiB", UNIT_SIZE, 1073741824.0 },
	{ "TiB", UNIT_SIZE, 1099511627776.0 },
	{ "KB", UNIT_SIZE, 1e3 },
	{ "kB", UNIT_SIZE, 1e3 },
	{ "MB", UNIT_SIZE, 1e6 },
	{ "GB", UNIT_SIZE, 1e9 },
	{ "TB", UNIT_SIZE, 1e12 },
	{ "ps", UNIT_TIME, 1 },
	{ "ns", UNIT_TIME, 1e3 },
	{ "us", UNIT_TIME, 1e6 },
	{ "ms", UNIT_TIME, 1e9 },
	{ "s", UNIT_TIME, 1e12 },
	{ "Hz", UNIT_FREQ, 1 },
	{ "kHz", UNIT_FREQ, 1e3 },
	{ "KHz", UNIT_FREQ, 1e3 },
	{ "MHz", UNIT_FREQ, 1e6 },
	{ "GHz", UNIT_FREQ, 1e9 },
	{ "B/s", UNIT_BANDWIDTH, 1 },
	{ "KB/s", UNIT_BANDWIDTH, 1e3 },
	{ "kB/s", UNIT_BANDWIDTH, 1e3 },
	{ "MB/s", UNIT_BANDWIDTH, 1e6 },
	{ "GB/s", UNIT_BANDWIDTH, 1e9 },
	{ "TB/s", UNIT_BANDWIDTH, 1e12 },
	{ "KiB/s", UNIT_BANDWIDTH, 1024.0 },
	{ "MiB/s", UNIT_BANDWIDTH, 1048576.0 },
	{ "GiB/s", UNIT_BANDWIDTH, 1073741824.0 },
	{ "b/s", UNIT_BANDWIDTH, 1.0 / 8 },
	{ "Kb/s", UNIT_BANDWIDTH, 1e3 / 8 },
	{ "kb/s", UNIT_BANDWIDTH, 1e3 / 8 },
	{ "Mb/s", UNIT_BANDWIDTH, 1e6 / 8 },
	{ "Gb/s", UNIT_BANDWIDTH, 1e9 / 8 },
	{ "Gbps", UNIT_BANDWIDTH, 1e9 / 8 },
	{ "Mbps", UNIT_BANDWIDTH, 1e6 / 8 },
};

int units_parse(const char *s, enum unit_kind kind, double *out)
{
	char *end;
	double v;

	if (!s)
		return DMASIM_EUNIT;
	while (*s == ' ')
		s++;
	if (!*s)
		return DMASIM_EUNIT;
	v = strtod(s, &end);
	if (end == s || !isfinite(v))
		return DMASIM_EUNIT;
	while (*end == ' ')
		end++;
	if (!*end) {
		*out = v;
		return 0;
	}
	if (kind == UNIT_NUMBER)
		return DMASIM_EUNIT;
	for (size_t i = 0; i < sizeof(unit_table) / sizeof(unit_table[0]); i++) {
		const struct unit *u = &unit_table[i];

		if (kind != UNIT_ANY && u->kind != kind)
			continue;
		if (strcmp(end, u->suffix) == 0) {
			v *= u->scale;
			if (!isfinite(v))	/* 1e300TiB */
				return DMASIM_EUNIT;
			*out = v;
			return 0;
		}
	}
	return DMASIM_EUNIT;
}

const char *units_expected(enum unit_kind kind)
{
	switch (kind) {
	case UNIT_NUMBER:
		return "a number";
	case UNIT_SIZE:
		return "a size: a number of bytes or a number with B, KiB, MiB, "
		       "GiB, TiB, KB, MB, GB or TB (e.g. 512KiB)";
	case UNIT_TIME:
		return "a time: a number of ps or a number with ps, ns, us, ms "
		       "or s (e.g. 100ns)";
	case UNIT_FREQ:
		return "a frequency: a number of Hz or a number with Hz, kHz, "
		       "MHz or GHz (e.g. 2GHz)";
	case UNIT_BANDWIDTH:
		return "a bandwidth: a number of bytes/s or a number with B/s, "
		       "KB/s, MB/s, GB/s, GiB/s or Gb/s (e.g. 16GB/s)";
	case UNIT_ANY:
		break;
	}
	return "a number, optionally with a unit (512KiB, 100ns, 2GHz, "
	       "16GB/s)";
}

char *units_format_size(double bytes, char *buf, unsigned len)
{
	static const char *const names[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int i = 0;

	while (i < 4 && bytes >= 1024 && fmod(bytes, 1024) == 0) {
		bytes /= 1024;
		i++;
	}
	snprintf(buf, len, "%.15g%s", bytes, names[i]);
	return buf;
}
