/*
 * asciitl: a trace sink drawing an ASCII timeline in the terminal, one
 * row per lane (a bus: who owns it; a CPU: running, stalled, in an
 * interrupt handler; a DMA channel: transferring), one column per slice
 * of simulated time, printed as each system ends
 * (dmasim_run_set_timeline).
 *
 * A column shows the symbol of the span that covers most of its slice:
 * upper case when it covers at least half the slice, lower case when
 * less, '.' when nothing does.  Under each lane a legend gives each
 * symbol's name and its exact total time in the window, and the idle
 * time, which add up to the window.
 *
 * Memory is bounded whatever the run's length: each lane keeps, per
 * symbol, the time covered in each of at most `width` slices.  Without an
 * end to the window the slice grows as the run does (1, 2, 10, 20, 100 ps
 * and so on, merging slices), so a run is drawn in width/5 to width
 * columns.  Spans nested on a lane (a handler inside a run) count only
 * their innermost part.
 */
#ifndef DMASIM_REPORT_ASCIITL_H
#define DMASIM_REPORT_ASCIITL_H

/* Its entry points: asciitl_start() (run.h) and dmasim_run_set_timeline()
 * (dmasim.h). */

#endif
