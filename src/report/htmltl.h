/*
 * htmltl: the timeline of a run on the HTML page (dmasim report --trace),
 * drawn from its trace (traceread.h) as inline SVG.  Per system of the
 * run: one row per track (the bus's owner, each master's waits and
 * tenures, each CPU's states, each DMA channel's transfers, in the
 * trace's order), spans as rectangles coloured by name (a span inside
 * another thinner than its parent), instants as ticks, a time axis with
 * its unit and a legend; each rectangle's title gives its name and exact
 * times.  The plot's horizontal coordinates are times (a power of ten of
 * ps each, at most 10^7 across the run), so the script (tlscript.h)
 * zooms and pans by changing the plot's viewBox alone; without the script
 * the SVG shows the whole run.
 *
 * The page's size is bounded: on a track of more than max_spans spans,
 * the spans narrower than a pixel at full view are merged.  Per pixel
 * column, they become one rectangle coloured by the name that took most
 * of their time, neighbouring columns of the same name one rectangle;
 * merged rectangles are paler, and the page says which tracks were
 * merged and how many rectangles it drew for how many spans.
 */
#ifndef DMASIM_REPORT_HTMLTL_H
#define DMASIM_REPORT_HTMLTL_H

#include <stddef.h>
#include <stdio.h>

#include "traceread.h"

/* Spans a track may have before its narrow spans are merged. */
#define HTMLTL_MAX_SPANS 4000

/* The page's style rules for timelines (inside its <style>). */
void htmltl_style(FILE *f);
/*
 * The timelines of one run's trace: a <section> per system, named
 * "tl<run>-<system>" (both counted from 1).  file is the trace's name as
 * the page shows it.  Returns 0 or DMASIM_ENOMEM.
 */
int htmltl_write(FILE *f, const struct traceread *tr, const char *file,
		 size_t run, size_t max_spans);
#endif
