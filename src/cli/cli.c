/* cli: exit statuses and option values the commands share.  See cli.h. */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef DMASIM_DATADIR
#define DMASIM_DATADIR "/usr/local/share/dmasim"
#endif

int cli_exit_for(int code)
{
	switch (code) {
	case 0:
		return 0;
	case DMASIM_EPARAM:
	case DMASIM_EUNIT:
	case DMASIM_ERANGE:
	case DMASIM_EINVAL:
		return EXIT_USAGE;
	case DMASIM_EIO:
		return EXIT_IO;
	case DMASIM_EDISAGREE:
		return EXIT_DISAGREE;
	case DMASIM_ELIMIT:
		return EXIT_LIMIT;
	}
	return EXIT_SCENARIO;
}

int cli_parse_seed(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	int base = 10;

	/* Decimal digits (a leading 0 is not octal), or 0x and hex digits;
	 * no sign, no blanks (strtoull would skip them and wrap "-1"). */
	errno = 0;
	if (!s)
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		base = 16;
	}
	if (!isxdigit((unsigned char)*s) ||
	    (base == 10 && !isdigit((unsigned char)*s)))
		return -1;
	v = strtoull(s, &end, base);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

int cli_parse_time(const char *s, uint64_t *ps)
{
	enum dmasim_unit unit;
	double v;

	if (dmasim_parse_value(s, &unit, &v) || v < 0 || v >= 1.8e19 ||
	    (unit != DMASIM_UNIT_TIME && unit != DMASIM_UNIT_NONE))
		return -1;
	*ps = (uint64_t)(v + 0.5);
	return 0;
}

char *cli_memdup(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

char *cli_strdup(const char *s)
{
	return cli_memdup(s, strlen(s));
}

const char *cli_scenarios_dir(char *buf, size_t len)
{
	const char *env = getenv("DMASIM_SCENARIOS");
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	static const char *const rel[] = { "/../scenarios",
		"/../share/dmasim/scenarios" };

	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			snprintf(buf, len, "%s%s/tour.txt", exe, rel[i]);
			if (access(buf, R_OK) == 0) {
				snprintf(buf, len, "%s%s", exe, rel[i]);
				return buf;
			}
		}
	}
	if (env && *env)
		return env;
	return DMASIM_DATADIR "/scenarios";
}

int cli_run_new(struct dmasim_run **out)
{
	char buf[PATH_MAX];
	int err = dmasim_run_new(out);

	if (err)
		return err;
	/* every statistic is kept only for run --stats */
	dmasim_run_set_stats(*out, 0);
	err = dmasim_run_set_libdir(*out, cli_scenarios_dir(buf, sizeof(buf)));
	if (err) {
		dmasim_run_free(*out);
		*out = NULL;
	}
	return err;
}

int cli_parse_seconds(const char *s, double *out)
{
	enum dmasim_unit unit;
	double v;

	if (!s || dmasim_parse_value(s, &unit, &v) ||
	    (unit != DMASIM_UNIT_NONE && unit != DMASIM_UNIT_TIME))
		return -1;
	if (unit == DMASIM_UNIT_TIME)
		v /= 1e12;	/* ps */
	if (!(v > 0) || !(v < 1e9))
		return -1;
	*out = v;
	return 0;
}
