/*
 * err.c - the one error convention: an int status plus a parley_err that
 * says where and what.
 */
#include "internal.h"

#include <stdio.h>

int parley_err_set(parley_err *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		err->code = code;
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
	}
	return code;
}

void parley_err_clear(parley_err *err)
{
	if (err) {
		err->code = 0;
		err->msg[0] = '\0';
	}
}

const char *parley_strstatus(int code)
{
	switch (code) {
	case PARLEY_OK: return "ok";
	case PARLEY_ENOMEM: return "out of memory";
	case PARLEY_EINVAL: return "invalid argument";
	case PARLEY_EDATA: return "data error";
	case PARLEY_ENOTFOUND: return "not found";
	case PARLEY_EIO: return "input/output error";
	case PARLEY_EDB: return "database error";
	case PARLEY_ELIMIT: return "limit exceeded";
	case PARLEY_ECONFLICT: return "conflict";
	case PARLEY_EDENIED: return "denied";
	case PARLEY_EBUSY: return "store busy";
	default: return "unknown error";
	}
}
