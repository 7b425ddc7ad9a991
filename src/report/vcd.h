/*
 * vcd: a trace sink writing a value-change dump (IEEE 1364-2005 section
 * 18, the four-state VCD format), which GTKWave opens.
 *
 * `$timescale 1ps`, the simulation's own unit, so every time is exact.
 * Scopes: one module per system, then one per dot-separated part of a
 * track's name (busbench > bus > dma1); signals are wires of their trace
 * point's width, counters are real variables.  Declarations must come
 * before every value change, and systems may be created one after the
 * other in a run, each with its time starting at 0: so each system's
 * changes go to a temporary file, and closing the sink writes the header
 * and then merges the systems' changes by time.
 */
#ifndef DMASIM_REPORT_VCD_H
#define DMASIM_REPORT_VCD_H

#include <stdint.h>

#include "kernel/trace.h"

/*
 * Create the file at path, keeping the window [from, to] ps.  Returns 0
 * and the sink in *out, DMASIM_EIO (errno says why) or DMASIM_ENOMEM.
 */
int vcd_open(const char *path, uint64_t from, uint64_t to,
	     struct trace_sink **out);

/* The identifier code of variable number id: printable ASCII '!' to '~',
 * little-endian base 94.  OUT: buf (8 bytes suffice). */
char *vcd_id(uint32_t id, char *buf);

#endif
