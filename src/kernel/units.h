/*
 * units: values written the way people write them.  Sizes ("512KiB",
 * "4KB"), times ("100ns", "1.5us"), frequencies ("2GHz") and bandwidths
 * ("16GB/s", "10Gb/s") are parsed into base units: bytes, picoseconds,
 * hertz and bytes per second.  Binary prefixes (KiB = 1024) and decimal ones
 * (KB = 1000) mean what they say.
 */
#ifndef DMASIM_KERNEL_UNITS_H
#define DMASIM_KERNEL_UNITS_H

enum unit_kind {
	UNIT_NUMBER,	/* a plain number */
	UNIT_SIZE,	/* bytes */
	UNIT_TIME,	/* ps */
	UNIT_FREQ,	/* Hz */
	UNIT_BANDWIDTH,	/* bytes per second */
	UNIT_ANY	/* any of the above, whichever the suffix names */
};

/*
 * Parse s as a value of the given kind into base units.  A bare number is
 * accepted for every kind (it is already in base units).  Returns 0, or
 * DMASIM_EUNIT when s is not a number followed by a unit of that kind.
 */
int units_parse(const char *s, enum unit_kind kind, double *out);

/* A phrase naming the accepted forms, for error messages. */
const char *units_expected(enum unit_kind kind);

/* Format a byte count with the largest binary unit that divides it
 * ("512KiB", "3B") into buf; returns buf. */
char *units_format_size(double bytes, char *buf, unsigned len);

#endif
