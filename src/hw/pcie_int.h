/* pcie_int: what the two halves of the PCIe link share.  Private. */
#ifndef DMASIM_HW_PCIE_INT_H
#define DMASIM_HW_PCIE_INT_H

#include "bus.h"

#define CREDIT_BYTES 16	/* bytes per data credit */

extern const struct bus_master_ops pcie_iss_ops;	/* receivers */
extern const struct bus_master_ops pcie_ret_ops;	/* returners */
extern const struct bus_target_ops pcie_window_ops;	/* near hops */

#endif
