/*
 * test_pcie_dll: what the link's wires carry beside TLPs (hw/pcie_dll.c):
 * Acks, UpdateFCs and SKP ordered sets, on the rig of test_pcie.c, which
 * includes this file; the wire times its header works out.
 */

/*
 * Acks and UpdateFCs for 8 posted writes: a 2048-byte write up with
 * finite posted credits.  Near hop 0 .. 32000; TLP k (256 bytes) goes
 * 32000 + 17774 k, arrives 149774 + 17774 k and is written on U from the
 * next edge for 4 beats (150000 .. 154000, ..., 275000 .. 279000), when
 * its receiver owes the sender its credits: 8 UpdateFCs down, one after
 * each write (the down wire is idle, so none waits), the last 279000 ..
 * 279508 and at the sender at 379508, the last event.  The AckNak timer
 * the first arrival started expires at 149774 + 168250 = 318024, after
 * all eight arrived: one Ack for them.  With ack_tlps = 4, an Ack goes
 * at the 4th arrival (203096) and one at the 8th (274192), and no timer
 * is left running.
 */
static void acks_and_updatefcs(void **state)
{
	struct rig r;
	struct pcie_link_config lc;
	static uint8_t src[2048], got[2048];
	const struct pcie_dir_stats *st;

	(void)state;
	link_cfg(&lc);
	lc.credits.ph = 64;
	lc.credits.pd = 1024;
	for (int every = 0; every <= 4; every += 4) {
		lc.ack_tlps = (uint32_t)every;
		rig_init(&r, &lc);
		fill(src, sizeof(src), 8);
		xm_start(&r.td, 0x10000, src, sizeof(src), true);
		sim_run(&r.sim, UINT64_MAX);
		memory_read(&r.mu, 0x10000, got, sizeof(got));
		assert_memory_equal(got, src, sizeof(got));
		assert_int_equal(r.sim.now, 379508);
		assert_int_equal(r.l.dir[PCIE_UP].st.writes, 8);
		st = &r.l.dir[PCIE_DOWN].st;
		assert_int_equal(st->updatefcs, 8);
		assert_int_equal(st->acks, every ? 2 : 1);
		assert_int_equal(st->dllp_bytes, 8 * (st->acks + 8));
		assert_int_equal(st->dllp_ps, 508 * (st->acks + 8));
		assert_int_equal(st->tlps, 0);
		assert_int_equal(st->busy_ps, 0);	/* TLPs' time only */
		/* the up wire carried nothing for the down way */
		assert_int_equal(r.l.dir[PCIE_UP].st.dllp_bytes, 0);
		assert_int_equal(r.l.dir[PCIE_UP].cr_ph, 64);
		rig_fini(&r);
	}
}

/*
 * UpdateFCs coalesce: credits freed while an UpdateFC of their type
 * still waits for the wire ride in it.  The down wire is held (as by a
 * TLP) 0 .. 10000 while the receiver up frees two posted TLPs and a
 * non-posted one: two UpdateFCs go, posted (2 headers, 32 data credits)
 * 10000 .. 10508 and non-posted 10508 .. 11016; the credits are back at
 * 110508 and 111016.
 */
static void updatefcs_coalesce(void **state)
{
	struct rig r;
	struct pcie_link_config lc;
	struct pcie_dir *up, *down;

	(void)state;
	link_cfg(&lc);
	lc.credits.ph = 4;
	lc.credits.pd = 64;
	lc.credits.nph = 4;
	rig_init(&r, &lc);
	up = &r.l.dir[PCIE_UP];
	down = &r.l.dir[PCIE_DOWN];
	up->cr_ph -= 2;		/* as if two TLPs of 256 bytes and a read */
	up->cr_pd -= 32;	/* request were in the receiver's buffer */
	up->cr_nph -= 1;
	pcie_wire_hold(down, 10000);
	pcie_credit_return(up, PCIE_MWR, 256, 0);
	pcie_credit_return(up, PCIE_MRD, 0, 0);
	pcie_credit_return(up, PCIE_MWR, 256, 0);
	sim_run(&r.sim, 110507);
	assert_int_equal(up->cr_ph, 2);
	sim_run(&r.sim, 110508);
	assert_int_equal(up->cr_ph, 4);
	assert_int_equal(up->cr_pd, 64);
	assert_int_equal(up->cr_nph, 3);
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(r.sim.now, 111016);
	assert_int_equal(up->cr_nph, 4);
	assert_int_equal(down->st.updatefcs, 2);
	assert_int_equal(down->st.dllp_ps, 2 * 508);
	rig_fini(&r);
}

/*
 * A TLP behind a SKP ordered set: the first SKP holds the up wire
 * 6012500 .. 6028750.  A 256-byte write started at 6016000 is ready at
 * 6020000 (4 beats on D) and goes at 6028750, 8750 ps later: on the
 * wire to 6046524, arriving 6146524, written on U 6147000 .. 6151000.
 * With skp_interval = 375 the SKP is due at 375 x 16250 = 6093750 and
 * the TLP goes at once.
 */
static void nothing(struct sim *sim, struct event *ev)
{
	(void)sim;
	(void)ev;
}

/* Time to t on an idle rig. */
static void idle_until(struct rig *r, uint64_t t)
{
	assert_non_null(sim_at(&r->sim, t, PHASE_REQUEST, nothing, NULL, NULL,
			       0));
	sim_run(&r->sim, t);
	assert_int_equal(r->sim.now, t);
}

static void tlp_waits_behind_skp(void **state)
{
	struct rig r;
	struct pcie_link_config lc;
	uint8_t src[256], got[256];
	const struct pcie_dir_stats *st;

	(void)state;
	link_cfg(&lc);
	rig_init(&r, &lc);
	fill(src, sizeof(src), 9);
	idle_until(&r, 6016000);
	xm_start(&r.td, 0x2000, src, sizeof(src), true);
	sim_run(&r.sim, 6150999);
	memory_read(&r.mu, 0x2000, got, sizeof(got));
	assert_memory_not_equal(got, src, sizeof(got));
	sim_run(&r.sim, 6151000);
	memory_read(&r.mu, 0x2000, got, sizeof(got));
	assert_memory_equal(got, src, sizeof(got));
	st = &r.l.dir[PCIE_UP].st;
	assert_int_equal(st->first_ps, 6028750);
	assert_int_equal(st->last_ps, 6046524);
	assert_int_equal(st->skps, 1);
	assert_int_equal(st->skp_ps, 16250);
	sim_run(&r.sim, UINT64_MAX);
	/* the Ack down at 6146524 + 168250 (the last event) for 508 ps;
	 * that wire's SKP went on time */
	assert_int_equal(r.sim.now, 6146524 + 168250);
	assert_int_equal(r.l.dir[PCIE_DOWN].wire_free, 6146524 + 168250 + 508);
	assert_int_equal(r.l.dir[PCIE_DOWN].st.skps, 1);
	rig_fini(&r);

	lc.skp_interval = 375;
	rig_init(&r, &lc);
	idle_until(&r, 6016000);
	xm_start(&r.td, 0x2000, src, sizeof(src), true);
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(r.l.dir[PCIE_UP].st.first_ps, 6020000);
	assert_int_equal(r.l.dir[PCIE_UP].st.skps, 0);
	rig_fini(&r);
}

/*
 * A TLP behind a DLLP: a 256-byte write up (near hop 0 .. 4000, on the
 * wire 4000 .. 21774) arrives at 121774; with ack_timer = 168 ns its Ack
 * holds the down wire 289774 .. 290282.  U's master writes 256 bytes
 * down from 286000: ready at 290000, it goes at 290282, 282 ps later.
 */
static void tlp_waits_behind_dllp(void **state)
{
	struct rig r;
	struct pcie_link_config lc;
	uint8_t a[256], b[256], got[256];

	(void)state;
	link_cfg(&lc);
	lc.ack_timer = 168000;
	rig_init(&r, &lc);
	fill(a, sizeof(a), 10);
	fill(b, sizeof(b), 11);
	xm_start(&r.td, 0x4000, a, sizeof(a), true);
	sim_run(&r.sim, 286000);
	xm_start(&r.tu, BAR + 0x800, b, sizeof(b), true);
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(r.tu.done_at, 290000);
	assert_int_equal(r.l.dir[PCIE_DOWN].st.acks, 1);
	assert_int_equal(r.l.dir[PCIE_DOWN].st.first_ps, 290282);
	memory_read(&r.md, 0x800, got, sizeof(got));
	assert_memory_equal(got, b, sizeof(got));
	rig_fini(&r);
	/* without the Ack in the way (the timer longer) it goes at once */
	lc.ack_timer = 170000;
	rig_init(&r, &lc);
	xm_start(&r.td, 0x4000, a, sizeof(a), true);
	sim_run(&r.sim, 286000);
	xm_start(&r.tu, BAR + 0x800, b, sizeof(b), true);
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(r.l.dir[PCIE_DOWN].st.first_ps, 290000);
	rig_fini(&r);
}

/*
 * The AckNak latency timer's limit, ((mps + 28) * AckFactor / width +
 * InternalDelay) symbol times, against the spec's table:
 *   Gen3 x16, 256:  284 * 3.0 / 16 + 115 = 168.25 symbol times of 1 ns
 *   Gen3 x16, 1024: 1052 * 2.0 / 16 + 115 = 246.5 (AckFactor 2.0 at x16
 *                   above 256 bytes: x8 and x16 wait the same)
 *   Gen3 x8, 1024:  1052 * 1.0 / 8 + 115 = 246.5
 *   Gen1 x1, 128:   156 * 1.4 + 19 = 237.4 symbol times of 4 ns (the
 *                   table's 237), 949.6 ns
 *   Gen2 x4, 512:   540 * 1.0 / 4 + 70 = 205 symbol times of 2 ns, 410 ns
 */
static void ack_limit_by_table(void **state)
{
	struct pcie_link_config lc;

	(void)state;
	link_cfg(&lc);
	assert_int_equal(pcie_ack_limit_ps(&lc), 168250);
	lc.mps = 1024;
	assert_int_equal(pcie_ack_limit_ps(&lc), 246500);
	lc.width = 8;
	assert_int_equal(pcie_ack_limit_ps(&lc), 246500);
	lc.gen = 1;
	lc.width = 1;
	lc.mps = 128;
	assert_int_equal(pcie_ack_limit_ps(&lc), 949600);
	lc.gen = 2;
	lc.width = 4;
	lc.mps = 512;
	assert_int_equal(pcie_ack_limit_ps(&lc), 410000);
}

/*
 * An Ack covers what arrives while it waits for the wire.  A 512-byte
 * write up: near hop 0 .. 8000, two TLPs on the wire 8000 .. 25774 ..
 * 43548, arriving 125774 and 143548.  With ack_timer = 10 ns the first
 * arrival's timer expires at 135774, while the down wire is held (as by
 * a TLP) 130000 .. 150000: the Ack waits, the second TLP arrives in the
 * meantime and starts no timer of its own, and the one Ack, sent 150000
 * (the last event: the held wire's end, which the Ack waited for) ..
 * 150508, acknowledges both.  With the wire held only to 140000 the Ack
 * goes 140000 .. 140508 before the second arrives, which starts a timer
 * of its own: a second Ack 153548 (the last event) .. 154056.
 */
static void ack_covers_arrivals_while_waiting(void **state)
{
	struct rig r;
	struct pcie_link_config lc;
	uint8_t src[512];

	(void)state;
	link_cfg(&lc);
	lc.ack_timer = 10000;
	fill(src, sizeof(src), 12);
	for (int late = 1; late >= 0; late--) {
		rig_init(&r, &lc);
		xm_start(&r.td, 0x6000, src, sizeof(src), true);
		sim_run(&r.sim, 130000);
		pcie_wire_hold(&r.l.dir[PCIE_DOWN], late ? 150000 : 140000);
		sim_run(&r.sim, UINT64_MAX);
		assert_int_equal(r.l.dir[PCIE_UP].st.tlps, 2);
		assert_int_equal(r.l.dir[PCIE_DOWN].st.acks, late ? 1 : 2);
		assert_int_equal(r.sim.now, late ? 150000 : 153548);
		assert_int_equal(r.l.dir[PCIE_DOWN].wire_free,
				 late ? 150508 : 154056);
		assert_int_equal(r.l.dir[PCIE_UP].unacked, 0);
		assert_false(evq_pending(r.l.dir[PCIE_UP].ack_ev));
		rig_fini(&r);
	}
}

/*
 * SKPs over a long idle time, counted in one step: with the first due at
 * 6012500 and each holding the wire 16250 ps, they start 6028750 ps
 * apart.  A 256-byte write up started at 994736000 is ready at 994740000,
 * when (994740000 - 6012500) / 6028750 = 164.0004: the 165th SKP started
 * at 6012500 + 164 * 6028750 = 994727500 and holds the wire to 994743750,
 * so the TLP goes then, 994743750 .. 994761524, arrives 994861524 and
 * lands 994862000 .. 994866000.  Its Ack goes down at 994861524 + 168250
 * = 995029774, when that wire too has sent 165 SKPs (164.05 periods), the
 * last over: the Ack goes at once (the last event), to 995030282.
 */
static void skps_over_a_long_idle(void **state)
{
	struct rig r;
	struct pcie_link_config lc;
	uint8_t src[256], got[256];
	const struct pcie_dir_stats *st;

	(void)state;
	link_cfg(&lc);
	rig_init(&r, &lc);
	fill(src, sizeof(src), 13);
	idle_until(&r, 994736000);
	xm_start(&r.td, 0x3000, src, sizeof(src), true);
	sim_run(&r.sim, UINT64_MAX);
	assert_int_equal(r.sim.now, 995029774);
	assert_int_equal(r.l.dir[PCIE_DOWN].wire_free, 995030282);
	memory_read(&r.mu, 0x3000, got, sizeof(got));
	assert_memory_equal(got, src, sizeof(got));
	st = &r.l.dir[PCIE_UP].st;
	assert_int_equal(st->first_ps, 994743750);
	assert_int_equal(st->skps, 165);
	assert_int_equal(st->skp_ps, 165 * 16250);
	st = &r.l.dir[PCIE_DOWN].st;
	assert_int_equal(st->skps, 165);
	assert_int_equal(st->acks, 1);
	assert_int_equal(st->first_ps, 0);	/* no TLP down */
	rig_fini(&r);
}

#define PCIE_DLL_TESTS                                                       \
	cmocka_unit_test(acks_and_updatefcs),                                \
	cmocka_unit_test(updatefcs_coalesce),                                \
	cmocka_unit_test(tlp_waits_behind_skp),                              \
	cmocka_unit_test(tlp_waits_behind_dllp),                             \
	cmocka_unit_test(ack_limit_by_table),                                \
	cmocka_unit_test(ack_covers_arrivals_while_waiting),                 \
	cmocka_unit_test(skps_over_a_long_idle),
