/*
 * /harden/host_oom: the host running out of memory mid-run is a failure of
 * the run, never a simulated bus error.  The memory's chunk allocations are
 * made to fail by interposing calloc (not under AddressSanitizer, whose
 * runtime owns calloc).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/memory.h"
#include "testutil.h"

#if defined(__SANITIZE_ADDRESS__)
#define NO_INTERPOSE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NO_INTERPOSE 1
#endif
#endif

#ifndef NO_INTERPOSE
static int fail_chunks;

extern void *__libc_calloc(size_t n, size_t size);

void *calloc(size_t n, size_t size)
{
	if (fail_chunks && n == 1 && size == MEM_CHUNK)
		return NULL;
	return __libc_calloc(n, size);
}
#endif

static void store_without_host_memory(void **state)
{
#ifdef NO_INTERPOSE
	(void)state;
	skip();
#else
	struct dmasim_run *run;
	int code;

	(void)state;
	fail_chunks = 1;
	run = tu_run_text("local s = dmasim.system{}\n"
			  "s:memory{ base = 0, size = '1MiB' }\n"
			  "local cpu = s:cpu{}\n"
			  "s:spawn(function()\n"
			  "  dmasim.report('r', tostring(cpu:store(0, 'x')))\n"
			  "end)\ns:run()\n", &code, NULL);
	fail_chunks = 0;
	if (code == 0)
		fail_msg("the run succeeded; store gave %s",
			 tu_str(run, "r"));
	if (!strstr(dmasim_run_error(run), "the host ran out of memory"))
		fail_msg("error '%s'", dmasim_run_error(run));
	dmasim_run_free(run);
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(store_without_host_memory),
	};

	return cmocka_run_group_tests_name("/harden/host_oom", tests, NULL,
					   NULL);
}
