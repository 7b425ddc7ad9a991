/*
 * traceread: a Chrome trace-event JSON file (the Trace Event Format's
 * "JSON Object Format", or its bare array of events) read back as tracks
 * of spans and instants, for the timeline of the HTML page.
 *
 * What is read: complete events ("ph":"X", with "ts" and "dur") as
 * spans, instant events ("i", "I") as instants, and the metadata
 * process_name, process_sort_index, thread_name and thread_sort_index;
 * events of other phases (counters, begin/end pairs, flows) are counted
 * and skipped.  "otherData.from_ps" (dmasim run --trace writes it) is
 * where the timeline starts.  Times are microseconds in the file,
 * picoseconds here (tracejson.h writes them exactly to the ps).
 *
 * The file is streamed: one event at a time is parsed, so a trace of
 * millions of events costs its spans (24 bytes each), never a tree of
 * the whole file.
 */
#ifndef DMASIM_REPORT_TRACEREAD_H
#define DMASIM_REPORT_TRACEREAD_H

#include <stddef.h>
#include <stdint.h>

struct traceread_span {
	int64_t b, e;		/* ps: begin and end */
	uint32_t name;		/* index in traceread.name */
	uint32_t depth;		/* spans of its track that contain it */
};

struct traceread_inst {
	int64_t at;		/* ps */
	uint32_t name;
};

/* One thread of the file: a track of one system. */
struct traceread_track {
	int64_t pid, tid;
	char *name;		/* thread_name, or "tid N" */
	int64_t sort;		/* thread_sort_index, or tid */
	struct traceread_span *span;	/* by begin, then longest first */
	size_t nspan, cspan;
	struct traceread_inst *inst;	/* by time */
	size_t ninst, cinst;
};

/* One process of the file: a system, its tracks in their order. */
struct traceread_sys {
	int64_t pid;
	char *name;		/* process_name, or "pid N" */
	int64_t sort;		/* process_sort_index, or pid */
	size_t *track;		/* indices in traceread.track */
	size_t ntrack;
	int64_t t0, t1;		/* ps: from the window's start (or the first
				 * event) to the last end */
	size_t nspan, ninst;
};

struct traceread {
	struct traceread_track *track;
	size_t ntrack;
	struct traceread_sys *sys;	/* in process_sort_index order */
	size_t nsys;
	char **name;		/* span and instant names, interned */
	size_t nname;
	size_t skipped;		/* events of other phases */
	/* private: the look-up tables */
	size_t *tslot, tcap;	/* (pid, tid) -> track + 1 */
	size_t *nslot, ncap;	/* name -> index + 1 */
	size_t cname, ctrack;
	int64_t from;
	int has_from;
};

/*
 * Read the trace at path.  Returns 0 and the trace in *out (free it with
 * traceread_free); DMASIM_EIO when the file cannot be opened or read
 * (errno says why); DMASIM_EINVAL when it is not a trace-event JSON,
 * with why (a sentence naming the file, the line and what was expected)
 * in why[len]; DMASIM_ENOMEM.
 */
int traceread_load(const char *path, struct traceread **out, char *why,
		   size_t len);
void traceread_free(struct traceread *tr);

#endif
