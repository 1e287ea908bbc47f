/*
 * input.c - what a scan reads: names expanded, archives and pipes streamed.
 *
 * A path may be a file, a folder (its GDELT-looking files, sorted by name,
 * not recursive), a glob pattern the shell did not expand, or "-" for
 * standard input.  Plain files are scanned in place by scan.c (pread by
 * default, mmap on request; scan.c says why).  Zip and gzip files are
 * read in parallel by inflate.c; the archives it leaves (zip64, bzip2, xz,
 * damaged zips), FIFOs and standard input are streamed here through
 * libarchive, which decompresses without seeking; each zip member is read
 * as its own input.
 */
#include "gdelt.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

int pl_gdelt_add_name(pl_gdelt_scan *s, const char *name)
{
	if (s->nfiles == s->cap_files) {
		size_t cap = s->cap_files ? s->cap_files * 2 : 16;
		char **v = realloc(s->files, cap * sizeof *v);
		if (!v)
			return -1;
		s->files = v;
		s->cap_files = cap;
	}
	char *copy = pl_strdup(name);
	if (!copy)
		return -1;
	s->files[s->nfiles] = copy;
	return (int)s->nfiles++;
}

/* Folder members worth reading: data and archive extensions only, so a
 * README.md or a stray script is not reported as a thousand bad lines. */
static int wanted_in_folder(const char *name)
{
	static const char *const exts[] = {".csv", ".tsv", ".txt", ".zip", ".gz", ".bz2", ".xz"};
	if (name[0] == '.')
		return 0;
	const char *dot = strrchr(name, '.');
	if (!dot)
		return 0;
	for (size_t i = 0; i < PL_ARRAY_LEN(exts); i++)
		if (strcasecmp(dot, exts[i]) == 0)
			return 1;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_folder(pl_gdelt_scan *s, const char *dir, parley_err *err)
{
	DIR *d = opendir(dir);
	if (!d)
		return parley_err_set(err, PARLEY_EIO, "%s: %s", dir, strerror(errno));
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = PARLEY_OK;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (!wanted_in_folder(de->d_name))
			continue;
		pl_buf b;
		pl_buf_init(&b, 4096);
		if (pl_buf_printf(&b, "%s/%s", dir, de->d_name) != PARLEY_OK) {
			pl_buf_free(&b);
			rc = parley_err_set(err, PARLEY_ELIMIT, "%s: path too long", dir);
			break;
		}
		/* An entry that cannot be read is skipped, and said so: a dangling
		 * link, a loop of links, a FIFO (it could block) or a folder. */
		struct stat st;
		const char *skip = NULL;
		if (stat(b.data, &st) != 0) {
			struct stat lst;
			skip = errno == ELOOP ? "a loop of symbolic links"
			       : lstat(b.data, &lst) == 0 && S_ISLNK(lst.st_mode) ? "a dangling symbolic link"
			                                                          : strerror(errno);
		} else if (!S_ISREG(st.st_mode)) {
			skip = S_ISDIR(st.st_mode) ? "a folder (folders are not read recursively)"
			       : S_ISFIFO(st.st_mode) ? "a FIFO (give it by name to read it)"
			                              : "not a regular file";
		}
		if (skip) {
			if (s->rep)
				parley_report_add(s->rep, PARLEY_WARNING, b.data, 0, 0, NULL, NULL,
				                  "gdelt-skipped", "skipped: %s", skip);
			pl_buf_free(&b);
			continue;
		}
		char **v = pl_grow(names, &cap, n + 1, sizeof *v, 32);
		if (!v) {
			pl_buf_free(&b);
			rc = parley_err_set(err, PARLEY_ENOMEM, "%s: out of memory", dir);
			break;
		}
		names = v;
		names[n++] = pl_buf_take(&b);
		pl_buf_free(&b);
	}
	closedir(d);
	if (rc == PARLEY_OK) {
		if (n)
			qsort(names, n, sizeof *names, cmp_str);
		for (size_t i = 0; i < n && rc == PARLEY_OK; i++)
			if (pl_gdelt_add_name(s, names[i]) < 0)
				rc = parley_err_set(err, PARLEY_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int pl_gdelt_expand(pl_gdelt_scan *s, const char *const *paths, size_t npaths, parley_err *err)
{
	if (npaths == 0)
		return parley_err_set(err, PARLEY_EINVAL, "discover gdelt: no input (give files, folders or -)");
	for (size_t i = 0; i < npaths; i++) {
		const char *p = paths[i];
		struct stat st;
		int rc = PARLEY_OK;
		if (strcmp(p, "-") == 0) {
			if (pl_gdelt_add_name(s, "-") < 0)
				rc = PARLEY_ENOMEM;
		} else if (stat(p, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				rc = add_folder(s, p, err);
			else if (pl_gdelt_add_name(s, p) < 0)
				rc = PARLEY_ENOMEM;
		} else if (strpbrk(p, "*?[")) {
			glob_t g;
			int gr = glob(p, 0, NULL, &g);
			if (gr == GLOB_NOMATCH) {
				if (s->rep)
					parley_report_add(s->rep, PARLEY_ERROR, p, 0, 0, NULL, NULL,
					                  "gdelt-no-match", "the pattern matches no file");
				rc = parley_err_set(err, PARLEY_EIO, "%s: the pattern matches no file", p);
			} else if (gr != 0) {
				rc = parley_err_set(err, PARLEY_EIO, "%s: cannot expand the pattern", p);
			} else {
				for (size_t k = 0; k < g.gl_pathc && rc == PARLEY_OK; k++)
					if (pl_gdelt_add_name(s, g.gl_pathv[k]) < 0)
						rc = PARLEY_ENOMEM;
			}
			if (gr != GLOB_NOMATCH)
				globfree(&g);
		} else {
			int e = errno; /* stat's reason, before report_add can change it */
			if (s->rep)
				parley_report_add(s->rep, PARLEY_ERROR, p, 0, 0, NULL, NULL, "gdelt-unreadable",
				                  "cannot read: %s", strerror(e));
			rc = parley_err_set(err, PARLEY_EIO, "%s: %s", p, strerror(e));
		}
		if (rc == PARLEY_ENOMEM)
			return parley_err_set(err, rc, "out of memory");
		if (rc)
			return rc;
	}
	return PARLEY_OK;
}

/* ------------------------------------------------------------------ */
/* Streams                                                              */
/* ------------------------------------------------------------------ */

/* The line assembler's callbacks for a worker, shared by every input
 * (streams here, zip members in inflate.c, ClickHouse answers). */
long pl_gdelt_worker_block(void *ctx, const char *p, size_t n, long first_line)
{
	pl_gdelt_worker *w = ctx;
	w->lines = first_line - 1; /* the assembler's numbering includes skipped lines */
	long k = pl_gdelt_scan_lines(w, p, n);
	atomic_fetch_add_explicit(&w->scan->done_lines, (uint64_t)k, memory_order_relaxed);
	return w->status ? w->status : k;
}

void pl_gdelt_worker_long(void *ctx, long line, const char *why)
{
	pl_gdelt_worker_bad(ctx, line, why);
}

int pl_gdelt_read_stream(pl_gdelt_worker *w, const char *name, int fd, parley_err *err)
{
	pl_gdelt_scan *s = w->scan;
	struct archive *a = archive_read_new();
	if (!a)
		return parley_err_set(err, PARLEY_ENOMEM, "%s: out of memory", name);
	archive_read_support_filter_all(a);
	archive_read_support_format_zip(a);
	archive_read_support_format_raw(a);
	int is_stdin = strcmp(name, "-") == 0;
	int r = is_stdin ? archive_read_open_fd(a, 0, 1 << 20)
	        : fd >= 0 ? archive_read_open_fd(a, fd, 1 << 20)
	                  : archive_read_open_filename(a, name, 1 << 20);
	if (r != ARCHIVE_OK) {
		int rc = parley_err_set(err, PARLEY_EIO, "%s: %s", is_stdin ? "standard input" : name,
		                        archive_error_string(a) ? archive_error_string(a) : "cannot open");
		archive_read_free(a);
		return rc;
	}
	int rc = PARLEY_OK;
	pl_gdelt_lines L;
	if (pl_gdelt_lines_init(&L, pl_gdelt_worker_block, pl_gdelt_worker_long, w) != PARLEY_OK) {
		archive_read_free(a);
		return parley_err_set(err, PARLEY_ENOMEM, "%s: out of memory", name);
	}
	struct archive_entry *ent;
	int64_t counted = 0;
	while (rc == PARLEY_OK && (r = archive_read_next_header(a, &ent)) == ARCHIVE_OK) {
		if (archive_entry_filetype(ent) == AE_IFDIR)
			continue;
		/* raw format (gz, plain stdin) has one entry, named "data". */
		int raw = archive_format(a) == ARCHIVE_FORMAT_RAW;
		pl_buf nb;
		pl_buf_init(&nb, 8192);
		const char *member = archive_entry_pathname(ent);
		if (raw || !member)
			pl_buf_adds(&nb, is_stdin ? "(stdin)" : name);
		else
			pl_buf_addf(&nb, "%s:%s", is_stdin ? "(stdin)" : name, member);
		int idx = pl_gdelt_add_name(s, !pl_buf_failed(&nb) && nb.data ? nb.data : name);
		pl_buf_free(&nb);
		if (idx < 0) {
			rc = parley_err_set(err, PARLEY_ENOMEM, "%s: out of memory", name);
			break;
		}
		s->files_read++;
		w->file = idx;
		w->chunk = 0;
		w->lines = 0;
		L.line = 1;
		L.carry_len = 0;
		L.skipping = 0;
		const void *buf;
		size_t size;
		int64_t off;
		while ((r = archive_read_data_block(a, &buf, &size, &off)) == ARCHIVE_OK) {
			int frc = pl_gdelt_lines_feed(&L, buf, size);
			int64_t now = archive_filter_bytes(a, -1);
			atomic_fetch_add_explicit(&s->done_bytes, (uint64_t)(now - counted), memory_order_relaxed);
			counted = now;
			if (frc) {
				rc = pl_gdelt_status_err(s, frc, 0, name, err);
				break;
			}
		}
		if (rc)
			break;
		if (r != ARCHIVE_EOF) {
			/* A damaged or cut archive: keep what was read, report the rest. */
			if (s->rep)
				parley_report_add(s->rep, PARLEY_WARNING, s->files[idx], L.line, 0, NULL, NULL,
				                  "gdelt-truncated-archive", "cannot read further: %s",
				                  archive_error_string(a) ? archive_error_string(a) : "error");
			w->malformed++;
		}
		int unterminated = 0;
		int frc = pl_gdelt_lines_finish(&L, &unterminated);
		if (frc) {
			rc = parley_err_set(err, frc, "%s: out of memory", name);
			break;
		}
		if (unterminated) {
			s->unterminated++;
			if (s->rep)
				parley_report_add(s->rep, PARLEY_WARNING, s->files[idx], L.line - 1, 0, NULL,
				                  NULL, "gdelt-no-final-newline",
				                  "the last line has no newline at its end");
		}
		if (r != ARCHIVE_EOF && r != ARCHIVE_OK)
			break;
	}
	if (rc == PARLEY_OK && r != ARCHIVE_EOF && r != ARCHIVE_OK && r != ARCHIVE_WARN && s->rep &&
	    archive_error_string(a))
		parley_report_add(s->rep, PARLEY_WARNING, is_stdin ? "(stdin)" : name, 0, 0, NULL, NULL,
		                  "gdelt-archive", "%s", archive_error_string(a));
	pl_gdelt_lines_free(&L);
	archive_read_free(a);
	return rc;
}
