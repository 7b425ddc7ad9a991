/* report_cmd: `dmasim report RUN.json... -o PAGE.html`: the runs' JSON
 * results as one self-contained HTML page. */
#ifndef DMASIM_CLI_REPORT_CMD_H
#define DMASIM_CLI_REPORT_CMD_H

int report_main(int argc, char **argv);

#endif
