/*
 * module.h - parley's loadable modules (not public).
 *
 * Two features need heavy libraries that nothing else does: PNG charts
 * (librsvg, cairo, and through them glib, pango, fontconfig, X11...) and
 * the ClickHouse engine (libcurl and its TLS, Kerberos, LDAP...).  Linked
 * into the tool, they made the dynamic loader map 90 libraries on every
 * run, ~15-20 ms of CPU before main() (docs/performance.md).  So each is a
 * shared module (parley-png.so, parley-http.so) opened with dlopen on first
 * use; the module exports one typed table of functions (png_module.h,
 * http_module.h) whose first field is its ABI version.
 *
 * A module is looked for beside the code that asks (the running executable
 * and, for a program linking libparley.so, that library): in the same
 * folder and its parent (the build tree: build/parley, build/tests/...),
 * in <dir>/parley (an installed libparley.so's libdir), in
 * <bindir>/<relative path to libdir>/parley (an installed tool, wherever
 * its prefix was moved), and last in the libdir configured at build time.
 */
#ifndef PL_MODULE_H
#define PL_MODULE_H

#include "internal.h"

/* Gives in *table the table that module `file` (e.g. "parley-png.so")
 * exports as `symbol`, after checking that its first field, an unsigned
 * ABI version, is abi.  Loads the module on the first call and keeps it
 * for the life of the process (thread-safe); never frees *table.
 * PARLEY_EIO (an installation fault, not the caller's) with a message
 * naming the module file and the folders looked in when it is missing, or
 * dlopen's reason when it cannot be loaded or is of another version.  `feature` says what needs it, for messages. */
int pl_module_table(const char *file, const char *symbol, unsigned abi, const char *feature,
                    const void **table, parley_err *err);

#endif /* PL_MODULE_H */
