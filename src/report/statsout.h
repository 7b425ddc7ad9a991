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

/* What a statistic means, from the last part of its name ("" if not
 * known). */
const char *statdesc(const char *name);

/* Its entry points: statsout_capture() and statsout_free() (run.h),
 * dmasim_run_write_stats() and dmasim_run_print_summary() (dmasim.h). */

#endif
