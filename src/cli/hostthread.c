/* hostthread: the measurements that take a second thread: an offloaded
 * copy, a blocked thread's wake-up, and the overlap experiment.  See
 * hostmeasure.h. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "hostmeasure.h"
#include "hostmeasure_int.h"

#define KiB 1024ull
#define MiB (1024ull * KiB)

/* ---- a software DMA engine: a thread that copies ---- */

struct engine {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	const uint8_t *src;
	uint8_t *dst;
	uint64_t len;
	uint64_t submitted, done;	/* jobs */
	bool stream;		/* copy src to dst over and over until stopped */
	bool quit;
	double started_ns;	/* when the worker picked up the last job */
};

static void *engine_main(void *arg)
{
	struct engine *e = arg;

	pthread_mutex_lock(&e->mu);
	for (;;) {
		while (!e->quit && !e->stream && e->done == e->submitted)
			pthread_cond_wait(&e->cv, &e->mu);
		if (e->quit)
			break;
		e->started_ns = host_now_ns();
		const uint8_t *src = e->src;
		uint8_t *dst = e->dst;
		uint64_t len = e->len;
		bool stream = e->stream;

		pthread_mutex_unlock(&e->mu);
		memcpy(dst, src, len);
		__asm__ __volatile__("" : : "r"(dst) : "memory");
		pthread_mutex_lock(&e->mu);
		if (!stream) {
			e->done++;
			pthread_cond_broadcast(&e->cv);
		}
	}
	pthread_mutex_unlock(&e->mu);
	return NULL;
}

static int engine_start(struct engine *e)
{
	memset(e, 0, sizeof(*e));
	if (pthread_mutex_init(&e->mu, NULL))
		return -1;
	if (pthread_cond_init(&e->cv, NULL)) {
		pthread_mutex_destroy(&e->mu);
		return -1;
	}
	if (pthread_create(&e->th, NULL, engine_main, e)) {
		pthread_cond_destroy(&e->cv);
		pthread_mutex_destroy(&e->mu);
		return -1;
	}
	return 0;
}

static void engine_stop(struct engine *e)
{
	pthread_mutex_lock(&e->mu);
	e->quit = true;
	pthread_cond_broadcast(&e->cv);
	pthread_mutex_unlock(&e->mu);
	pthread_join(e->th, NULL);
	pthread_cond_destroy(&e->cv);
	pthread_mutex_destroy(&e->mu);
}

/* Hand a copy to the engine; returns when it was handed (not done). */
static void engine_submit(struct engine *e, uint8_t *dst, const uint8_t *src,
			  uint64_t len)
{
	pthread_mutex_lock(&e->mu);
	e->src = src;
	e->dst = dst;
	e->len = len;
	e->submitted++;
	pthread_cond_broadcast(&e->cv);
	pthread_mutex_unlock(&e->mu);
}

static void engine_wait(struct engine *e)
{
	pthread_mutex_lock(&e->mu);
	while (e->done != e->submitted)
		pthread_cond_wait(&e->cv, &e->mu);
	pthread_mutex_unlock(&e->mu);
}

/* The overlap experiment's work on a block: a dependent multiply-add per
 * 8-byte word (the same work in both arms). */
static uint64_t process(const uint8_t *p, uint64_t n)
{
	uint64_t acc = 1;

	for (uint64_t o = 0; o + 8 <= n; o += 8) {
		uint64_t w;

		memcpy(&w, p + o, 8);
		acc = acc * 31 + w;
	}
	return acc;
}

/* A compute rate: dependent multiply-adds per ns over about ms. */
static double compute_rate(double ms)
{
	uint64_t acc = 1, n = 0;
	double t0 = host_now_ns(), t;

	do {
		for (int i = 0; i < 4096; i++)
			acc = acc * 31 + (uint64_t)i;
		n += 4096;
		t = host_now_ns();
	} while (t - t0 < ms * 1e6);
	host_sink += acc;
	return (double)n / (t - t0);
}

int host_measure_offload(struct host_cal *c, bool quick)
{
	uint64_t len = quick ? 256 * KiB : 1 * MiB;
	uint64_t big = quick ? 8 * MiB : 64 * MiB;
	int reps = quick ? 20 : 100;
	uint8_t *src = aligned_alloc(64, big), *dst = aligned_alloc(64, big);
	struct engine e;
	double th[100], tt[100];

	if (!src || !dst || engine_start(&e)) {
		free(src);
		free(dst);
		return -1;
	}
	memset(src, 3, big);
	memset(dst, 0, big);
	for (int r = 0; r < reps; r++) {
		double t0 = host_now_ns();

		engine_submit(&e, dst, src, len);
		engine_wait(&e);
		tt[r] = host_now_ns() - t0;
		th[r] = e.started_ns - t0;	/* the worker's wake-up */
	}
	c->offload_handoff_ns = host_median(th, (size_t)reps);
	c->offload_bps = (double)len / (host_median(tt, (size_t)reps) * 1e-9);
	/* the submitter's compute rate, alone and beside a copying engine */
	double alone = compute_rate(quick ? 20 : 100);

	pthread_mutex_lock(&e.mu);
	e.src = src;
	e.dst = dst;
	e.len = big;
	e.stream = true;
	pthread_cond_broadcast(&e.cv);
	pthread_mutex_unlock(&e.mu);
	double beside = compute_rate(quick ? 20 : 100);

	pthread_mutex_lock(&e.mu);
	e.stream = false;
	pthread_mutex_unlock(&e.mu);
	c->offload_compute_kept = beside / alone;
	engine_stop(&e);
	free(src);
	free(dst);
	return 0;
}

/* ---- wake-up of a blocked thread through an eventfd ---- */

struct pingpong {
	int a, b;	/* eventfds: to the echo thread, back */
	int rounds;
};

static void *echo_main(void *arg)
{
	struct pingpong *pp = arg;
	uint64_t v;

	for (int i = 0; i < pp->rounds; i++) {
		if (read(pp->a, &v, sizeof(v)) != sizeof(v) ||
		    write(pp->b, &v, sizeof(v)) != sizeof(v))
			break;
	}
	return NULL;
}

void host_measure_wakeup(struct host_cal *c, bool quick)
{
	struct pingpong pp = { eventfd(0, 0), eventfd(0, 0),
			       quick ? 50 : 400 };
	double t[400];
	pthread_t th;
	int n = 0;

	c->wakeup_ns = -1;
	if (pp.a < 0 || pp.b < 0 || pthread_create(&th, NULL, echo_main, &pp))
		goto out;
	for (int i = 0; i < pp.rounds; i++) {
		uint64_t v = 1;
		double t0 = host_now_ns();

		if (write(pp.a, &v, sizeof(v)) != sizeof(v) ||
		    read(pp.b, &v, sizeof(v)) != sizeof(v))
			break;
		t[n++] = (host_now_ns() - t0) / 2;
	}
	pthread_join(th, NULL);
	if (n)
		c->wakeup_ns = host_median(t, (size_t)n);
out:
	if (pp.a >= 0)
		close(pp.a);
	if (pp.b >= 0)
		close(pp.b);
}

/* ---- the overlap experiment ---- */

int host_measure_overlap(struct host_cal *c, bool quick)
{
	static const uint64_t full[] = { 16 * KiB, 64 * KiB, 256 * KiB,
					 1 * MiB };
	static const uint64_t small[] = { 64 * KiB, 256 * KiB };
	const uint64_t *blocks = quick ? small : full;
	size_t nb = quick ? 2 : 4;
	const uint64_t K = 16;
	uint64_t maxb = blocks[nb - 1];
	uint8_t *src = aligned_alloc(64, K * maxb);
	uint8_t *buf = aligned_alloc(64, 2 * maxb);
	struct engine e;

	if (!src || !buf || engine_start(&e)) {
		free(src);
		free(buf);
		return -1;
	}
	for (uint64_t i = 0; i < K * maxb; i++)
		src[i] = (uint8_t)(i * 7);
	memset(buf, 0, 2 * maxb);
	/* the work per byte, on a cache-resident block */
	{
		double t[5];

		for (int r = 0; r < 5; r++) {
			double t0 = host_now_ns();

			for (int k = 0; k < 16; k++)
				host_sink += process(src, 64 * KiB);
			t[r] = (host_now_ns() - t0) / (16.0 * 64 * KiB);
		}
		c->process_ns_per_byte = host_median(t, 5);
	}
	c->noverlap = 0;
	for (size_t bi = 0; bi < nb; bi++) {
		uint64_t B = blocks[bi];
		double ts[3], to[3];

		for (int r = 0; r < 3; r++) {
			uint64_t acc = 0;
			double t0 = host_now_ns();

			for (uint64_t k = 0; k < K; k++) {
				memcpy(buf, src + k * B, B);
				acc += process(buf, B);
			}
			ts[r] = host_now_ns() - t0;
			t0 = host_now_ns();
			engine_submit(&e, buf, src, B);
			engine_wait(&e);
			for (uint64_t k = 0; k < K; k++) {
				if (k + 1 < K)
					engine_submit(&e, buf + ((k + 1) % 2) * B,
						      src + (k + 1) * B, B);
				acc += process(buf + (k % 2) * B, B);
				if (k + 1 < K)
					engine_wait(&e);
			}
			to[r] = host_now_ns() - t0;
			host_sink += acc;
		}
		c->overlap[c->noverlap++] = (struct host_overlap){
			B, (double)(K * B) / (host_median(ts, 3) * 1e-9),
			(double)(K * B) / (host_median(to, 3) * 1e-9) };
	}
	engine_stop(&e);
	free(src);
	free(buf);
	return 0;
}
