/*
 * tracejson: a trace sink writing Chrome trace-event JSON, which Perfetto
 * (ui.perfetto.dev) and chrome://tracing open.
 *
 * Format (the Trace Event Format, "JSON Object Format"): one process per
 * system (pid = the system's index + 1, named after it), one thread per
 * track (tid = the track's number, named "<system>.<track>"); spans are
 * complete events ("ph":"X" with "dur"), instants "ph":"i" on their
 * thread, counters "ph":"C" named "<system>.<track>.<point>" with one
 * series "value".  Times ("ts", "dur") are microseconds, written exactly:
 * six decimals are picoseconds.  Events are streamed as they come (a span
 * when it ends), so a file is not sorted by time; both viewers sort.
 */
#ifndef DMASIM_REPORT_TRACEJSON_H
#define DMASIM_REPORT_TRACEJSON_H

#include <stdint.h>

#include "kernel/trace.h"

/*
 * Create the file at path, keeping the window [from, to] ps.  Returns 0
 * and the sink in *out, DMASIM_EIO (errno says why) or DMASIM_ENOMEM.
 */
int tracejson_open(const char *path, uint64_t from, uint64_t to,
		   struct trace_sink **out);

#endif
