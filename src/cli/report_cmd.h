/* report_cmd: `dmasim report RUN.json [--trace TRACE.json]... -o
 * PAGE.html`: the runs' JSON results, and the timelines of those whose
 * trace is given, as one self-contained HTML page. */
#ifndef DMASIM_CLI_REPORT_CMD_H
#define DMASIM_CLI_REPORT_CMD_H

int report_main(int argc, char **argv);

#endif
