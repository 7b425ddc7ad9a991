/* calibrate: the `dmasim calibrate` command (see calibrate.c). */
#ifndef DMASIM_CLI_CALIBRATE_H
#define DMASIM_CLI_CALIBRATE_H

/* argv: the arguments after "calibrate".  Returns the exit status. */
int calibrate_main(int argc, char **argv);

#endif
