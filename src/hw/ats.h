/*
 * ats.h - what a device and an IOMMU say to each other under PCIe Address
 * Translation Services, as this model puts it on the wire.
 *
 * A translation request is an 8-byte read of a 4 KiB page's I/O address,
 * marked ats_req (hw/xact.h); the IOMMU answers with the page's
 * translation as the read's data: the physical page's address and its
 * read and write permissions (ATS_R, ATS_W), 0 for none (the IOMMU's own
 * page-table entries use the same bits, hw/iommu.h).
 *
 * An invalidation request is a 24-byte posted write to the device's
 * invalidation register: the I/O address, the length (0: everything) and
 * where its completion goes; the device answers with a 4-byte write
 * there, marked message, once the range is gone from its cache.
 */
#ifndef DMASIM_HW_ATS_H
#define DMASIM_HW_ATS_H

#define ATS_R 0x1ull
#define ATS_W 0x2ull
#define ATS_ADDR 0x000ffffffffff000ull
#define ATS_PAGE 4096ull

#define ATS_INV_SIZE 24		/* addr u64, len u64, completion's u64 */
#define ATS_CPL_SIZE 4

#endif
