/*
 * tlscript: the script that zooms and pans the page's timelines
 * (htmltl.h): the mouse wheel zooms around the pointer, a drag pans,
 * the keys + and - zoom, the arrows pan and 0 (or the "Whole run"
 * button, which the script shows) goes back to the whole run; the time
 * axis follows.  When it has set every timeline up it sets
 * data-timelines (their number) on the page's root element, and an
 * uncaught error on the page sets data-script-errors there: a test
 * reads both from the DOM a browser renders.
 */
#ifndef DMASIM_REPORT_TLSCRIPT_H
#define DMASIM_REPORT_TLSCRIPT_H

#include <stdio.h>

/* The <script> element, its text in CDATA (the page stays well-formed
 * XML). */
void tlscript_write(FILE *f);

#endif
