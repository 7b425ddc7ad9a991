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

struct dmasim_run *tu_run_ok(const char *text)
{
	int code = -1;
	struct dmasim_run *run = tu_run_text(text, &code, NULL);

	if (code)
		fail_msg("the scenario failed (%d): %s", code,
			 dmasim_run_error(run));
	return run;
}

void tu_refused(const char *text, const char *needle)
{
	struct dmasim_run *run;
	int code;

	run = tu_run_text(text, &code, NULL);
	if (code == 0)
		fail_msg("accepted, want an error with '%s':\n%s", needle,
			 text);
	if (!strstr(dmasim_run_error(run), needle))
		fail_msg("'%s': error '%s' lacks '%s'", text,
			 dmasim_run_error(run), needle);
	dmasim_run_free(run);
}

/* The result named name, through the public API, into *v (whose text
 * may point into v itself); fails when missing. */
static void find(const struct dmasim_run *run, const char *name,
		 struct dmasim_value *v)
{
	for (int i = 0; i < dmasim_run_result_count(run); i++) {
		assert_int_equal(dmasim_run_result(run, i, v), 0);
		if (!strcmp(v->name, name))
			return;
	}
	fail_msg("no result named '%s' (error: %s)", name,
		 dmasim_run_error(run));
}

int64_t tu_int(const struct dmasim_run *run, const char *name)
{
	struct dmasim_value v;

	find(run, name, &v);
	char *end;
	long long i;

	assert_true(v.is_number);
	i = strtoll(v.text, &end, 10);
	if (*end)
		fail_msg("result '%s' = %s: expected an integer", name,
			 v.text);
	return i;
}

double tu_num(const struct dmasim_run *run, const char *name)
{
	struct dmasim_value v;

	find(run, name, &v);

	assert_true(v.is_number);
	return v.number;
}

const char *tu_str(const struct dmasim_run *run, const char *name)
{
	static char buf[4][256];
	static int k;
	struct dmasim_value v;

	find(run, name, &v);

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s", v.text);
	return buf[k];
}
