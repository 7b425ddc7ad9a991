/* testutil: shared helpers for the cmocka suites. */
#define _DEFAULT_SOURCE
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *tu_path(const char *rel)
{
	static char buf[4][1024];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", DMASIM_SOURCE_DIR, rel);
	return buf[k];
}

static struct dmasim_run *run_va(const char *path, int *code, va_list ap)
{
	struct dmasim_run *run;
	const char *def;

	assert_int_equal(dmasim_run_new(&run), 0);
	while ((def = va_arg(ap, const char *)) != NULL)
		assert_int_equal(dmasim_run_define_arg(run, def), 0);
	*code = dmasim_run_file(run, path);
	return run;
}

struct dmasim_run *tu_run(const char *rel, int *code, ...)
{
	struct dmasim_run *run;
	va_list ap;

	va_start(ap, code);
	run = run_va(tu_path(rel), code, ap);
	va_end(ap);
	return run;
}

struct dmasim_run *tu_run_text(const char *text, int *code, ...)
{
	char path[] = "/tmp/dmasim-test-XXXXXX.lua";
	struct dmasim_run *run;
	int fd = mkstemps(path, 4);
	va_list ap;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	va_start(ap, code);
	run = run_va(path, code, ap);
	va_end(ap);
	unlink(path);
	return run;
}

static const struct rvalue *find(const struct dmasim_run *run,
				 const char *name)
{
	for (size_t i = 0; i < run->res.nitems; i++)
		if (!strcmp(run->res.items[i].name, name))
			return &run->res.items[i].v;
	fail_msg("no result named '%s' (error: %s)", name,
		 dmasim_run_error(run));
	return NULL;
}

int64_t tu_int(const struct dmasim_run *run, const char *name)
{
	const struct rvalue *v = find(run, name);

	assert_int_equal(v->type, RV_INT);
	return v->i;
}

double tu_num(const struct dmasim_run *run, const char *name)
{
	const struct rvalue *v = find(run, name);

	return v->type == RV_INT ? (double)v->i : v->d;
}
