/*
 * gpu-calibrate: measure the GPU of the machine it runs on and write the
 * figures as a Lua machine description that tests/gpu_calibrate.sh
 * compares with the simulator's gpu_copy and gpu_pipeline scenarios.
 *
 *   gpu-calibrate [OUT.lua] [--device N]
 *
 * Measured, each the best of several repetitions (CUDA events on the
 * stream for copies and kernels, the host's monotonic clock for calls):
 *   - host-to-device and device-to-host bandwidth from pinned
 *     (cudaHostAlloc) and pageable (malloc) memory, by size;
 *   - the fixed CPU cost of a cudaMemcpyAsync call (a 4-byte pinned copy);
 *   - a copy-kernel's rate over device memory (the pipeline's kernel);
 *   - the host's memcpy rate (the CPU's part of a staged copy);
 *   - copy/kernel overlap: a copy and a kernel on two streams against the
 *     two one after the other;
 *   - the pipeline of scenarios/gpu_pipeline.lua: 32 batches of 1 MiB
 *     from pageable memory through 4 pinned buffers, each copied by the
 *     CPU, sent on its own stream and passed through the kernel.
 * The PCIe link's generation and width are read from Linux's sysfs
 * (current_link_speed, current_link_width) for the device's PCI address.
 */
#include <cuda_runtime.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#define CK(call)                                                            \
	do {                                                                \
		cudaError_t e_ = (call);                                    \
		if (e_ != cudaSuccess) {                                    \
			fprintf(stderr, "gpu-calibrate: %s: %s (line %d)\n", \
				#call, cudaGetErrorString(e_), __LINE__);   \
			exit(1);                                            \
		}                                                           \
	} while (0)

static const size_t SIZES[] = { 4096, 65536, 1 << 20, 16 << 20 };
static const int NSIZES = sizeof(SIZES) / sizeof(SIZES[0]);
static const int REPS = 10;

__global__ void copy_kernel(const uint4 *in, uint4 *out, size_t n)
{
	size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x;
	size_t step = (size_t)gridDim.x * blockDim.x;

	for (; i < n; i += step)
		out[i] = in[i];
}

static void launch_copy(const void *in, void *out, size_t bytes,
			cudaStream_t s)
{
	size_t n = bytes / sizeof(uint4);

	copy_kernel<<<1024, 256, 0, s>>>((const uint4 *)in, (uint4 *)out, n);
	CK(cudaGetLastError());
}

static double now_s(void)
{
	using namespace std::chrono;
	return duration<double>(steady_clock::now().time_since_epoch())
		.count();
}

/* Seconds of one copy (best of REPS), timed by events on the stream; a
 * pageable copy is timed on the host (it is synchronous). */
static double time_copy(void *dst, const void *src, size_t n,
			cudaMemcpyKind kind, bool pageable, cudaStream_t s)
{
	cudaEvent_t a, b;
	double best = 1e30;

	CK(cudaEventCreate(&a));
	CK(cudaEventCreate(&b));
	for (int r = 0; r < REPS; r++) {
		float ms;

		if (pageable) {
			double t0 = now_s();

			CK(cudaMemcpy(dst, src, n, kind));
			double t = now_s() - t0;
			if (t < best)
				best = t;
			continue;
		}
		CK(cudaEventRecord(a, s));
		CK(cudaMemcpyAsync(dst, src, n, kind, s));
		CK(cudaEventRecord(b, s));
		CK(cudaEventSynchronize(b));
		CK(cudaEventElapsedTime(&ms, a, b));
		if (ms / 1e3 < best)
			best = ms / 1e3;
	}
	CK(cudaEventDestroy(a));
	CK(cudaEventDestroy(b));
	return best;
}

/* The PCIe generation and width of the device, from sysfs (0 when
 * unknown). */
static void link_of(int dev, int *gen, int *width)
{
	cudaDeviceProp prop;
	char path[256], buf[64];
	FILE *f;
	double gts = 0;

	*gen = *width = 0;
	CK(cudaGetDeviceProperties(&prop, dev));
	snprintf(path, sizeof(path),
		 "/sys/bus/pci/devices/%04x:%02x:%02x.0/current_link_speed",
		 prop.pciDomainID, prop.pciBusID, prop.pciDeviceID);
	if ((f = fopen(path, "r"))) {
		if (fgets(buf, sizeof(buf), f))
			gts = atof(buf);
		fclose(f);
	}
	*gen = gts >= 60 ? 6 : gts >= 30 ? 5 : gts >= 15 ? 4 : gts >= 7.5 ? 3 :
	       gts >= 4.5 ? 2 : gts > 0 ? 1 : 0;
	snprintf(path, sizeof(path),
		 "/sys/bus/pci/devices/%04x:%02x:%02x.0/current_link_width",
		 prop.pciDomainID, prop.pciBusID, prop.pciDeviceID);
	if ((f = fopen(path, "r"))) {
		if (fgets(buf, sizeof(buf), f))
			*width = atoi(buf);
		fclose(f);
	}
}

int main(int argc, char **argv)
{
	const char *out_path = "gpu-calibration.lua";
	int dev = 0, gen, width;
	size_t max = SIZES[NSIZES - 1];
	void *pin, *pag, *d, *d2;
	cudaStream_t s1, s2;
	double h2d[2][NSIZES], d2h[2][NSIZES];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--device") && i + 1 < argc)
			dev = atoi(argv[++i]);
		else if (argv[i][0] != '-')
			out_path = argv[i];
		else {
			fprintf(stderr, "usage: gpu-calibrate [OUT.lua] "
				"[--device N]\n");
			return 2;
		}
	}
	CK(cudaSetDevice(dev));
	link_of(dev, &gen, &width);
	CK(cudaStreamCreateWithFlags(&s1, cudaStreamNonBlocking));
	CK(cudaStreamCreateWithFlags(&s2, cudaStreamNonBlocking));
	CK(cudaHostAlloc(&pin, max, cudaHostAllocDefault));
	pag = malloc(max);
	if (!pag) {
		fprintf(stderr, "gpu-calibrate: out of host memory\n");
		return 1;
	}
	memset(pag, 1, max);
	memset(pin, 2, max);
	CK(cudaMalloc(&d, max));
	CK(cudaMalloc(&d2, max));

	/* bandwidth by size */
	for (int k = 0; k < 2; k++)
		for (int i = 0; i < NSIZES; i++) {
			void *h = k ? pag : pin;

			h2d[k][i] = SIZES[i] / time_copy(d, h, SIZES[i],
				cudaMemcpyHostToDevice, k == 1, s1);
			d2h[k][i] = SIZES[i] / time_copy(h, d, SIZES[i],
				cudaMemcpyDeviceToHost, k == 1, s1);
		}

	/* the host's memcpy rate (the CPU's staging copy) */
	double mcp = 1e30;
	{
		std::vector<char> x(max, 5), y(max, 6);

		for (int r = 0; r < REPS; r++) {
			double t0 = now_s();

			memcpy(y.data(), x.data(), max);
			double t = now_s() - t0;
			if (t < mcp)
				mcp = t;
		}
		if (y[max / 2] != 5)
			return 1;
	}

	/* the fixed cost of a copy call */
	double call = 1e30;
	for (int r = 0; r < 200; r++) {
		double t0 = now_s();

		CK(cudaMemcpyAsync(d, pin, 4, cudaMemcpyHostToDevice, s1));
		double t = now_s() - t0;
		CK(cudaStreamSynchronize(s1));
		if (t < call)
			call = t;
	}

	/* the copy kernel's rate, and copy/kernel overlap */
	cudaEvent_t a, b;
	float ms;
	double kern = 1e30, overlapped = 1e30;
	CK(cudaEventCreate(&a));
	CK(cudaEventCreate(&b));
	for (int r = 0; r < REPS; r++) {
		CK(cudaEventRecord(a, s1));
		launch_copy(d, d2, max, s1);
		CK(cudaEventRecord(b, s1));
		CK(cudaEventSynchronize(b));
		CK(cudaEventElapsedTime(&ms, a, b));
		if (ms / 1e3 < kern)
			kern = ms / 1e3;
	}
	double copy = max / h2d[0][NSIZES - 1];
	for (int r = 0; r < REPS; r++) {
		double t0;

		CK(cudaDeviceSynchronize());
		t0 = now_s();
		CK(cudaMemcpyAsync(d, pin, max, cudaMemcpyHostToDevice, s1));
		launch_copy(d2, (char *)d2 + max / 2, max / 2, s2);
		CK(cudaDeviceSynchronize());
		double t = now_s() - t0;
		if (t < overlapped)
			overlapped = t;
	}

	/* the pipeline: 32 batches of 1 MiB, 4 pinned buffers */
	const size_t B = 1 << 20;
	const int NB = 32, K = 4;
	std::vector<char> data((size_t)NB * B, 3);
	void *bufs[K], *dbuf[K], *res;
	cudaStream_t st[K];
	cudaEvent_t ev[K];
	CK(cudaMalloc(&res, (size_t)NB * B));
	for (int j = 0; j < K; j++) {
		CK(cudaHostAlloc(&bufs[j], B, cudaHostAllocDefault));
		CK(cudaMalloc(&dbuf[j], B));
		CK(cudaStreamCreateWithFlags(&st[j], cudaStreamNonBlocking));
		CK(cudaEventCreateWithFlags(&ev[j], cudaEventDisableTiming));
	}
	double pipe = 1e30;
	for (int r = 0; r < 3; r++) {
		CK(cudaDeviceSynchronize());
		double t0 = now_s();
		for (int i = 0; i < NB; i++) {
			int j = i % K;

			if (i >= K)
				CK(cudaEventSynchronize(ev[j]));
			memcpy(bufs[j], &data[(size_t)i * B], B);
			CK(cudaMemcpyAsync(dbuf[j], bufs[j], B,
					   cudaMemcpyHostToDevice, st[j]));
			CK(cudaEventRecord(ev[j], st[j]));
			launch_copy(dbuf[j], (char *)res + (size_t)i * B, B,
				    st[j]);
		}
		CK(cudaDeviceSynchronize());
		double t = now_s() - t0;
		if (t < pipe)
			pipe = t;
	}

	FILE *f = fopen(out_path, "w");
	if (!f) {
		perror(out_path);
		return 3;
	}
	cudaDeviceProp prop;
	CK(cudaGetDeviceProperties(&prop, dev));
	fprintf(f, "-- Written by gpu-calibrate on this machine's GPU: %s.\n",
		prop.name);
	fprintf(f, "-- Bandwidths in bytes/s, times in seconds.\nreturn {\n");
	fprintf(f, "  device = %s%s%s,\n", "\"", prop.name, "\"");
	fprintf(f, "  gen = %d, lanes = %d,\n", gen, width);
	fprintf(f, "  call = %.9g,\n", call);
	const char *names[2] = { "pinned", "pageable" };
	for (int k = 0; k < 2; k++) {
		fprintf(f, "  %s_h2d = {", names[k]);
		for (int i = 0; i < NSIZES; i++)
			fprintf(f, " [%zu] = %.6g,", SIZES[i], h2d[k][i]);
		fprintf(f, " },\n  %s_d2h = {", names[k]);
		for (int i = 0; i < NSIZES; i++)
			fprintf(f, " [%zu] = %.6g,", SIZES[i], d2h[k][i]);
		fprintf(f, " },\n");
	}
	fprintf(f, "  kernel_rate = %.6g,\n", max / kern);
	fprintf(f, "  memcpy_rate = %.6g,\n", max / mcp);
	fprintf(f, "  overlap = { copy = %.9g, kernel = %.9g, serial = %.9g, "
		"overlapped = %.9g },\n", copy, kern / 2, copy + kern / 2,
		overlapped);
	fprintf(f, "  pipeline = { batch = %zu, batches = %d, buffers = %d, "
		"rate = %.6g },\n", B, NB, K, (double)NB * B / pipe);
	fprintf(f, "}\n");
	fclose(f);
	printf("gpu-calibrate: wrote %s (Gen%d x%d)\n", out_path, gen, width);
	return 0;
}
