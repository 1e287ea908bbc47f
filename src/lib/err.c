/*
 * err.c - the one error convention: an int status plus a parley_err that
 * says where and what.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

int parley_err_set(parley_err *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		err->code = code;
		int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
		/* A message cut short must not end inside a UTF-8 sequence (a long
		 * CJK value in it would make the message invalid text, which JSON
		 * writers then refuse): drop the partial character. */
		if (n >= (int)sizeof err->msg) {
			size_t len = strlen(err->msg), i = len;
			while (i > 0 && ((unsigned char)err->msg[i - 1] & 0xC0) == 0x80)
				i--;
			if (i > 0 && (unsigned char)err->msg[i - 1] >= 0xC0) {
				unsigned char lead = (unsigned char)err->msg[i - 1];
				size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
				if (len - (i - 1) < need)
					err->msg[i - 1] = '\0';
			}
		}
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
