/*
 * statsout: every statistic of every system of a run, with its unit and
 * what it means, kept as each system is freed; written as text, one per
 * line in the manner of gem5's stats.txt, or as JSON
 * (dmasim_run_write_stats); and a short account of where each system's
 * time went (dmasim_run_print_summary): each bus's utilisation and who
 * held it, each CPU's busy, stalled, interrupt and idle time, each DMA
 * channel's bytes and bus time, each interrupt line, and what was left
 * unfinished (processes still waiting, channels never started, interrupts
 * never handled, a system never run).
 */
#ifndef DMASIM_REPORT_STATSOUT_H
#define DMASIM_REPORT_STATSOUT_H

#include <jansson.h>

struct dmasim_run;
struct dmasim_sys;

/* What a statistic means, from the last part of its name ("" if not
 * known). */
const char *statdesc(const char *name);

/* Keep sys's statistics and its summary in the run as its slot'th system
 * (called as the system is freed).  Returns 0 or DMASIM_ENOMEM. */
int statsout_capture(struct dmasim_run *run, int slot, struct dmasim_sys *sys);
/* Free what statsout_capture kept. */
void statsout_free(struct dmasim_run *run);

#endif
