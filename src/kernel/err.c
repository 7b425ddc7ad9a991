/* err: look-ups in the error table.  See base.h. */
#include "base.h"

#include <stddef.h>

#include "util.h"

const char *dmasim_strerror(int code)
{
	if (!code)
		return "success";
	switch (code) {
		DMASIM_ERRNO_MAP(UTIL_CASE_TEXT)
	}
	return "unknown error";
}

const char *dmasim_errname(int code)
{
	switch (code) {
#define ERR_CASE_NAME(name, code, text)                                      \
	case code:                                                           \
		return "DMASIM_E" #name;
		DMASIM_ERRNO_MAP(ERR_CASE_NAME)
#undef ERR_CASE_NAME
	}
	return NULL;
}
