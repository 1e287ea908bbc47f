/*
 * scan.c - the GDELT scan: lines in, rows of one country pair out.
 *
 * Method.  Bytes are examined 64 at a time: one pass of vector compares
 * gives a bit mask of the tabs and one of the newlines in the block.  For
 * each line only the tabs around field 7 (Actor1CountryCode) are located;
 * if that field is neither country of the pair the rest of the line is only
 * counted (popcount of the tab mask up to the newline, which also gives the
 * layout), never split.  About 98% of rows stop there.  A row whose fields 7
 * and 17 are the pair, in either order, is split in full (split.c) and
 * handed to the sink.  The loop keeps the masks of a block across lines, so
 * every byte is loaded once.  An AVX2 version is chosen at run time when the
 * CPU has it; SSE2 is the x86-64 baseline; other machines use plain C.
 *
 * Plain files are split among the workers at newline boundaries and read
 * with pread(2) into a bounded buffer, or memory-mapped in windows
 * (PARLEY_GDELT_IO=mmap; scan_range_read says why pread is the default);
 * archives and standard input come through input.c.  Malformed lines are recorded per worker with a line number
 * relative to the worker's chunk and fixed up when the chunks are joined.
 */
#include "gdelt.h"
#include "engine.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define PL_X86 1
#endif

/* Mapping window per step of a worker; peak memory is about
 * workers x (WINDOW + PL_GDELT_MAX_LINE), whatever the file size. */
#define WINDOW ((size_t)16 << 20)

void pl_gdelt_worker_bad(pl_gdelt_worker *w, long line, const char *why)
{
	w->malformed++;
	if (w->nbad >= PL_GDELT_MAX_BAD_KEPT)
		return;
	if (!w->bad) {
		w->bad = calloc(PL_GDELT_MAX_BAD_KEPT, sizeof *w->bad);
		if (!w->bad) {
			w->status = PARLEY_ENOMEM;
			return;
		}
	}
	pl_gdelt_bad *b = &w->bad[w->nbad++];
	b->file = w->file;
	b->chunk = w->chunk;
	b->line = line;
	pl_strlcpy(b->why, why, sizeof b->why);
}

void pl_gdelt_scan_limit(pl_gdelt_worker *w, const char *fmt, ...)
{
	pl_gdelt_scan *s = w->scan;
	w->status = PARLEY_ELIMIT;
	if (atomic_exchange(&s->limit_hit, 1))
		return; /* another worker's message is kept */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->limit_msg, sizeof s->limit_msg, fmt, ap);
	va_end(ap);
}

int pl_gdelt_status_err(const pl_gdelt_scan *s, int status, int sys_errno, const char *name,
                        parley_err *err)
{
	if (status == PARLEY_ELIMIT)
		return parley_err_set(err, status, "%s", s->limit_msg);
	if (status == PARLEY_EIO)
		return parley_err_set(err, status, "%s: %s", name,
		                      sys_errno ? strerror(sys_errno)
		                                : "the file got shorter while it was read");
	return parley_err_set(err, status, "%s: out of memory", name);
}

/* Called once per line by the loop in scan_core.inc. */
static void pl_gdelt_line_done(pl_gdelt_worker *w, const char *ls, const char *nl,
                               int nfields, int passed)
{
	long line = ++w->lines;
	if (!pl_gdelt_layout_ok(nfields)) {
		char why[96];
		if (nl == ls || (nl == ls + 1 && ls[0] == '\r'))
			pl_gdelt_worker_bad(w, line, "empty line");
		else {
			snprintf(why, sizeof why, "%d fields (expected 57, 58 or 61)", nfields);
			pl_gdelt_worker_bad(w, line, why);
		}
		return;
	}
	w->rows[nfields == 57 ? 0 : nfields == 58 ? 1 : 2]++;
	if (!passed && !w->scan->o.all_rows)
		return;
	w->passed++;
	const char *why = NULL;
	if (!pl_gdelt_split(ls, (size_t)(nl - ls), &w->row, &why)) {
		pl_gdelt_worker_bad(w, line, why);
		return;
	}
	why = w->scan->o.row(w, &w->row);
	if (why)
		pl_gdelt_worker_bad(w, line, why);
}

/* Masks of tabs and newlines in the 64 bytes at p; bytes at or past end
 * read as zero (a copy is made near the end, so nothing is read beyond). */
static inline void masks_scalar(const char *p, const char *end, uint64_t *t, uint64_t *nl)
{
	uint64_t tm = 0, nm = 0;
	size_t n = (size_t)(end - p) < 64 ? (size_t)(end - p) : 64;
	for (size_t i = 0; i < n; i++) {
		tm |= (uint64_t)(p[i] == '\t') << i;
		nm |= (uint64_t)(p[i] == '\n') << i;
	}
	*t = tm;
	*nl = nm;
}

#ifdef PL_X86
static inline void masks_sse2(const char *p, const char *end, uint64_t *t, uint64_t *nl)
{
	char tmp[64];
	if (end - p < 64) {
		memset(tmp, 0, sizeof tmp);
		memcpy(tmp, p, (size_t)(end - p));
		p = tmp;
	}
	const __m128i tab = _mm_set1_epi8('\t'), lf = _mm_set1_epi8('\n');
	uint64_t tm = 0, nm = 0;
	for (int i = 0; i < 4; i++) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i));
		tm |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, tab)) << (16 * i);
		nm |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, lf)) << (16 * i);
	}
	*t = tm;
	*nl = nm;
}

__attribute__((target("avx2,popcnt,bmi"))) static inline void
masks_avx2(const char *p, const char *end, uint64_t *t, uint64_t *nl)
{
	char tmp[64];
	if (end - p < 64) {
		memset(tmp, 0, sizeof tmp);
		memcpy(tmp, p, (size_t)(end - p));
		p = tmp;
	}
	const __m256i tab = _mm256_set1_epi8('\t'), lf = _mm256_set1_epi8('\n');
	__m256i v0 = _mm256_loadu_si256((const __m256i *)(const void *)p);
	__m256i v1 = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32));
	*t = (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v0, tab)) |
	     (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v1, tab)) << 32;
	*nl = (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v0, lf)) |
	      (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v1, lf)) << 32;
}

#define SCAN_FN scan_sse2
#define SCAN_ATTR
#define MASKS masks_sse2
#include "scan_core.inc"
#undef SCAN_FN
#undef SCAN_ATTR
#undef MASKS

#define SCAN_FN scan_avx2
#define SCAN_ATTR __attribute__((target("avx2,popcnt,bmi")))
#define MASKS masks_avx2
#include "scan_core.inc"
#undef SCAN_FN
#undef SCAN_ATTR
#undef MASKS
#endif

#define SCAN_FN scan_plain
#define SCAN_ATTR
#define MASKS masks_scalar
#include "scan_core.inc"
#undef SCAN_FN
#undef SCAN_ATTR
#undef MASKS

/* PARLEY_GDELT_SIMD=none|sse2|avx2 forces a version (for tests and the
 * benchmark); otherwise the best the CPU has. */
static long (*pick_scan(void))(pl_gdelt_worker *, const char *, size_t)
{
	const char *force = getenv("PARLEY_GDELT_SIMD");
	if (force && strcmp(force, "none") == 0)
		return scan_plain;
#ifdef PL_X86
	if (force && strcmp(force, "sse2") == 0)
		return scan_sse2;
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt"))
		return scan_avx2;
	return scan_sse2;
#else
	return scan_plain;
#endif
}

long pl_gdelt_scan_lines(pl_gdelt_worker *w, const char *p, size_t n)
{
	static long (*fn)(pl_gdelt_worker *, const char *, size_t);
	if (!fn)
		fn = pick_scan(); /* idempotent, so a race only repeats it */
	return fn(w, p, n);
}

/* ------------------------------------------------------------------ */
/* Plain files: memory-mapped windows, one chunk per worker            */
/* ------------------------------------------------------------------ */

typedef struct chunk_job {
	pl_gdelt_worker *w;
	int fd;
	off_t start, end;   /* [start, end) holds whole lines, except maybe at EOF */
	off_t fsize;
	int unterminated;   /* set when the file's last line has no newline */
} chunk_job;

/* What both I/O paths do with a block of bytes [*p, e): finish skipping an
 * over-long line if one is being skipped, then scan every whole line up to
 * the block's last newline and count them for the progress line.  *p moves
 * past what was consumed.  Returns -1 while still inside the over-long line
 * (no newline in the block), 0 when no whole line followed, 1 otherwise. */
static int scan_block(pl_gdelt_worker *w, const char **p, const char *e, int *skipping)
{
	if (*skipping) {
		const char *nl = memchr(*p, '\n', (size_t)(e - *p));
		if (!nl)
			return -1;
		*skipping = 0;
		*p = nl + 1;
	}
	long lines_before = w->lines;
	const char *last = *p < e ? memrchr(*p, '\n', (size_t)(e - *p)) : NULL;
	if (last) {
		pl_gdelt_scan_lines(w, *p, (size_t)(last + 1 - *p));
		*p = last + 1;
	}
	atomic_fetch_add_explicit(&w->scan->done_lines, (uint64_t)(w->lines - lines_before),
	                          memory_order_relaxed);
	return last != NULL;
}

static void scan_range(chunk_job *j)
{
	pl_gdelt_worker *w = j->w;
	long page = sysconf(_SC_PAGESIZE);
	off_t cur = j->start;
	int skipping = 0; /* inside a line longer than a whole window */
	while (cur < j->end && w->status == 0) {
		off_t mstart = cur - (cur % page);
		off_t mend = cur + (off_t)(WINDOW + PL_GDELT_MAX_LINE);
		if (mend > j->end)
			mend = j->end;
		size_t mlen = (size_t)(mend - mstart);
		char *map = mmap(NULL, mlen, PROT_READ, MAP_PRIVATE | MAP_POPULATE, j->fd, mstart);
		if (map == MAP_FAILED) {
			w->sys_errno = errno;
			w->status = PARLEY_EIO;
			return;
		}
		const char *p = map + (cur - mstart), *e = map + mlen;
		/* Whole lines only: up to the mapping's last newline. */
		int got = scan_block(w, &p, e, &skipping);
		if (got < 0) {
			cur = mend;
			munmap(map, mlen);
			continue;
		}
		if (mend == j->end && p < e) {
			/* A final line without a newline: scan a copy that has one. */
			size_t rest = (size_t)(e - p);
			j->unterminated = 1;
			if (rest > PL_GDELT_MAX_LINE) {
				pl_gdelt_worker_bad(w, w->lines + 1, PL_GDELT_TOO_LONG);
				w->lines++;
			} else {
				char *tmp = malloc(rest + 1);
				if (!tmp) {
					w->status = PARLEY_ENOMEM;
				} else {
					memcpy(tmp, p, rest);
					tmp[rest] = '\n';
					pl_gdelt_scan_lines(w, tmp, rest + 1);
					free(tmp);
				}
			}
			p = e;
		} else if (!got) {
			/* No newline in a whole window: report once, skip to the next. */
			pl_gdelt_worker_bad(w, w->lines + 1, PL_GDELT_TOO_LONG);
			w->lines++;
			skipping = 1;
			p = e;
		}
		atomic_fetch_add_explicit(&w->scan->done_bytes, (uint64_t)(p - (map + (cur - mstart))),
		                          memory_order_relaxed);
		cur += (off_t)(p - (map + (cur - mstart)));
		munmap(map, mlen);
	}
}

/* The same with pread(2) into a 1 MiB buffer per worker instead of mmap.
 * On the project's machines (virtual, 4 KiB pages) scanning mapped page
 * cache ran 2.5x slower than copying it into a buffer that stays in the
 * cache and the TLB (docs/performance.md), so this is the default;
 * PARLEY_GDELT_IO=mmap selects the mapping. */
static void scan_range_read(chunk_job *j)
{
	pl_gdelt_worker *w = j->w;
	size_t cap = ((size_t)1 << 20) + PL_GDELT_MAX_LINE;
	char *buf = malloc(cap + 1);
	if (!buf) {
		w->status = PARLEY_ENOMEM;
		return;
	}
	off_t cur = j->start;
	size_t have = 0; /* bytes of a partial line kept at the start of buf */
	int skipping = 0;
	while (cur < j->end && w->status == 0) {
		size_t want = cap - have;
		if ((off_t)want > j->end - cur)
			want = (size_t)(j->end - cur);
		ssize_t got = pread(j->fd, buf + have, want, cur);
		if (got <= 0) {
			w->sys_errno = got < 0 ? errno : 0; /* 0: the file shrank under us */
			w->status = PARLEY_EIO;
			break;
		}
		cur += got;
		size_t n = have + (size_t)got;
		const char *p = buf, *e = buf + n;
		if (scan_block(w, &p, e, &skipping) < 0) {
			have = 0;
			continue;
		}
		atomic_fetch_add_explicit(&w->scan->done_bytes, (uint64_t)got, memory_order_relaxed);
		have = (size_t)(e - p);
		if (have > PL_GDELT_MAX_LINE) {
			pl_gdelt_worker_bad(w, w->lines + 1, PL_GDELT_TOO_LONG);
			w->lines++;
			skipping = 1;
			have = 0;
		} else {
			memmove(buf, p, have);
		}
	}
	if (w->status == 0 && have > 0) {
		/* A final line without a newline. */
		j->unterminated = 1;
		buf[have] = '\n';
		pl_gdelt_scan_lines(w, buf, have + 1);
	}
	free(buf);
}

static int use_read_io(void)
{
	const char *io = getenv("PARLEY_GDELT_IO");
	return io ? strcmp(io, "mmap") != 0 : 1;
}

static void *chunk_thread(void *arg)
{
	if (use_read_io())
		scan_range_read(arg);
	else
		scan_range(arg);
	return NULL;
}

/* The offset just after the first newline at or after off (or the end). */
static off_t next_line_start(int fd, off_t off, off_t size)
{
	char buf[4096];
	while (off < size) {
		ssize_t n = pread(fd, buf, sizeof buf, off);
		if (n <= 0)
			return size;
		const char *nl = memchr(buf, '\n', (size_t)n);
		if (nl)
			return off + (nl - buf) + 1;
		off += n;
	}
	return size;
}

/* Scans one plain file with all workers.  Returns 0 or a failure status. */
static int scan_file(pl_gdelt_scan *s, int file, int fd, off_t size, parley_err *err)
{
	int nw = s->nworkers;
	if (size < (off_t)(1 << 20))
		nw = 1; /* not worth the threads */
	chunk_job jobs[64];
	if (nw > (int)PL_ARRAY_LEN(jobs))
		nw = (int)PL_ARRAY_LEN(jobs);
	off_t prev = 0;
	for (int i = 0; i < nw; i++) {
		off_t e = i == nw - 1 ? size : next_line_start(fd, size / nw * (i + 1), size);
		if (e < prev)
			e = prev;
		jobs[i] = (chunk_job){.w = &s->workers[i], .fd = fd, .start = prev, .end = e, .fsize = size};
		pl_gdelt_worker *w = &s->workers[i];
		w->file = file;
		w->chunk = i;
		w->lines = 0;
		prev = e;
	}
	size_t mark[64];
	for (int i = 0; i < nw; i++)
		mark[i] = s->workers[i].nbad;
	pthread_t th[64];
	int started[64] = {0};
	for (int i = 1; i < nw; i++)
		started[i] = pthread_create(&th[i], NULL, chunk_thread, &jobs[i]) == 0;
	chunk_thread(&jobs[0]);
	for (int i = 1; i < nw; i++) {
		if (started[i])
			pthread_join(th[i], NULL);
		else
			chunk_thread(&jobs[i]); /* could not start a thread: do it here */
	}
	/* Chunk-relative line numbers become file line numbers. */
	long base = 0;
	for (int i = 0; i < nw; i++) {
		pl_gdelt_worker *w = &s->workers[i];
		for (size_t k = mark[i]; k < w->nbad; k++)
			if (w->bad[k].file == file)
				w->bad[k].line += base;
		base += w->lines;
		if (jobs[i].unterminated)
			s->unterminated++;
		if (w->status)
			return pl_gdelt_status_err(s, w->status, w->sys_errno, s->files[file], err);
	}
	if (jobs[nw - 1].unterminated && s->rep)
		parley_report_add(s->rep, PARLEY_WARNING, s->files[file], base, 0, NULL, NULL,
		                  "gdelt-no-final-newline", "the last line has no newline at its end");
	return PARLEY_OK;
}

/* ------------------------------------------------------------------ */
/* The run                                                              */
/* ------------------------------------------------------------------ */

static int is_compressed(int fd)
{
	unsigned char m[6] = {0};
	ssize_t n = pread(fd, m, sizeof m, 0);
	if (n >= 4 && m[0] == 'P' && m[1] == 'K' && m[2] == 3 && m[3] == 4)
		return 2;
	if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b)
		return 2;
	if (n >= 3 && m[0] == 'B' && m[1] == 'Z' && m[2] == 'h')
		return 1;
	if (n >= 6 && memcmp(m, "\xfd" "7zXZ\0", 6) == 0)
		return 1;
	return 0;
}

/* What is not a regular file: a FIFO is read as a stream (as from
 * `<(zcat x.gz)`) once bytes arrive, or refused when none come within
 * PL_GDELT_FIFO_WAIT seconds (no writer); devices and sockets are refused
 * (/dev/zero would be an endless line). */
static int read_special(pl_gdelt_scan *s, const char *name, int fd, const struct stat *st,
                        parley_err *err)
{
	const char *what = S_ISCHR(st->st_mode)    ? "a character device"
	                   : S_ISBLK(st->st_mode)  ? "a block device"
	                   : S_ISSOCK(st->st_mode) ? "a socket"
	                   : S_ISDIR(st->st_mode)  ? "a folder"
	                                           : NULL;
	if (!S_ISFIFO(st->st_mode)) {
		if (s->rep)
			parley_report_add(s->rep, PARLEY_ERROR, name, 0, 0, NULL, NULL, "gdelt-not-a-file",
			                  "%s, not a file: give its data on standard input (-) to read it",
			                  what ? what : "not a regular file");
		return parley_err_set(err, PARLEY_EIO, "%s: %s, not a file", name,
		                      what ? what : "not a regular file");
	}
	const char *env = getenv("PARLEY_GDELT_FIFO_WAIT");
	int wait = env && *env ? atoi(env) : PL_GDELT_FIFO_WAIT;
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int r;
	do
		r = poll(&p, 1, wait * 1000);
	while (r < 0 && errno == EINTR);
	if (r == 0) {
		if (s->rep)
			parley_report_add(s->rep, PARLEY_ERROR, name, 0, 0, NULL, NULL, "gdelt-fifo-no-writer",
			                  "a FIFO with nothing written to it within %d s: no writer?",
			                  wait);
		return parley_err_set(err, PARLEY_EIO, "%s: a FIFO with nothing written to it within %d s (no writer?)",
		                      name, wait);
	}
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	return pl_gdelt_read_stream(&s->workers[0], name, fd, err);
}

static int online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

static int bad_cmp(const void *a, const void *b)
{
	const pl_gdelt_bad *x = a, *y = b;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Turns the kept malformed lines into findings, in file and line order. */
static void report_bad(pl_gdelt_scan *s)
{
	if (!s->rep)
		return;
	size_t total = 0;
	long count = 0;
	for (int i = 0; i < s->nworkers; i++) {
		total += s->workers[i].nbad;
		count += s->workers[i].malformed;
	}
	pl_gdelt_bad *all = total ? malloc(total * sizeof *all) : NULL;
	if (all) {
		size_t k = 0;
		for (int i = 0; i < s->nworkers; i++)
			for (size_t j = 0; j < s->workers[i].nbad; j++)
				all[k++] = s->workers[i].bad[j];
		qsort(all, total, sizeof *all, bad_cmp);
		size_t show = total < PL_GDELT_MAX_BAD_KEPT ? total : PL_GDELT_MAX_BAD_KEPT;
		for (size_t j = 0; j < show; j++)
			parley_report_add(s->rep, PARLEY_WARNING, s->files[all[j].file], all[j].line, 0,
			                  NULL, NULL, "gdelt-malformed", "malformed line skipped: %s",
			                  all[j].why);
		free(all);
		if ((long)show < count)
			parley_report_add(s->rep, PARLEY_WARNING, NULL, 0, 0, NULL, NULL,
			                  "gdelt-malformed", "%ld more malformed lines not listed",
			                  count - (long)show);
	}
	if (count > 0)
		parley_report_add(s->rep, PARLEY_INFO, NULL, 0, 0, NULL, NULL, "gdelt-malformed-total",
		                  "%ld malformed lines skipped in all", count);
}

int pl_gdelt_scan_run(pl_gdelt_scan *s, const pl_gdelt_scan_opts *o,
                      const char *const *paths, size_t npaths, parley_report *rep,
                      parley_err *err)
{
	memset(s, 0, sizeof *s);
	s->o = *o;
	s->rep = rep;
	if (strlen(o->a) != 3 || strlen(o->b) != 3)
		return parley_err_set(err, PARLEY_EINVAL,
		                      "--between: country codes have 3 letters (e.g. CHN:PRK)");
	char a4[4] = {o->a[0], o->a[1], o->a[2], '\t'}, b4[4] = {o->b[0], o->b[1], o->b[2], '\t'};
	memcpy(&s->a32, a4, 4);
	memcpy(&s->b32, b4, 4);
	s->nworkers = o->threads > 0 ? (o->threads > 64 ? 64 : o->threads) : online_cpus();
	s->workers = calloc((size_t)s->nworkers, sizeof *s->workers);
	if (!s->workers)
		return parley_err_set(err, PARLEY_ENOMEM, "gdelt scan: out of memory");
	for (int i = 0; i < s->nworkers; i++) {
		s->workers[i].scan = s;
		s->workers[i].index = i;
		if (o->user_new) {
			s->workers[i].user = o->user_new(o->sink_ctx);
			if (!s->workers[i].user)
				return parley_err_set(err, PARLEY_ENOMEM, "gdelt scan: out of memory");
		}
	}
	if (o->engine) { /* the engine selects the rows of the pair (engine.h) */
		int erc = o->engine->scan(o->engine, s, err);
		if (erc == 0)
			report_bad(s);
		return erc;
	}
	int rc = pl_gdelt_expand(s, paths, npaths, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < s->nfiles; i++) {
		struct stat st;
		if (strcmp(s->files[i], "-") != 0 && stat(s->files[i], &st) == 0)
			s->total_bytes += (uint64_t)st.st_size;
	}
	pl_gdelt_progress *prog = o->progress ? pl_gdelt_progress_start(s) : NULL;
	size_t nexpanded = s->nfiles; /* archive members are appended to s->files */
	for (size_t i = 0; i < nexpanded && rc == 0; i++) {
		const char *name = s->files[i];
		if (strcmp(name, "-") == 0) {
			rc = pl_gdelt_read_stream(&s->workers[0], name, -1, err);
			continue;
		}
		/* Non-blocking, so that opening a FIFO with no writer returns. */
		int fd = open(name, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		struct stat st;
		if (fd < 0 || fstat(fd, &st) != 0) {
			int e = errno; /* before report_add and close can change it */
			if (rep)
				parley_report_add(rep, PARLEY_ERROR, name, 0, 0, NULL, NULL, "gdelt-unreadable",
				                  "cannot read: %s", strerror(e));
			if (fd >= 0)
				close(fd);
			rc = parley_err_set(err, PARLEY_EIO, "%s: %s", name, strerror(e));
			break;
		}
		if (!S_ISREG(st.st_mode)) {
			rc = read_special(s, name, fd, &st, err);
			close(fd);
			continue;
		}
		int kind = is_compressed(fd);
		if (kind) {
			close(fd);
			/* zip and gzip: read in parallel after this loop (inflate.c). */
			if (kind == 2)
				rc = pl_gdelt_plan_archive(s, (int)i) == PARLEY_OK
				         ? PARLEY_OK
				         : parley_err_set(err, PARLEY_ENOMEM, "%s: out of memory", name);
			else
				rc = pl_gdelt_read_stream(&s->workers[0], name, -1, err);
			continue;
		}
		s->files_read++;
		if (st.st_size > 0)
			rc = scan_file(s, (int)i, fd, st.st_size, err);
		close(fd);
	}
	if (rc == 0)
		rc = pl_gdelt_run_members(s, err);
	pl_gdelt_progress_stop(prog);
	if (rc == 0)
		report_bad(s);
	return rc;
}

void pl_gdelt_scan_totals(const pl_gdelt_scan *s, parley_gdelt_stats *st)
{
	memset(st, 0, sizeof *st);
	st->files = s->files_read;
	for (int i = 0; i < s->nworkers; i++) {
		const pl_gdelt_worker *w = &s->workers[i];
		st->rows57 += w->rows[0];
		st->rows58 += w->rows[1];
		st->rows61 += w->rows[2];
		st->malformed += w->malformed;
	}
	st->rows = st->rows57 + st->rows58 + st->rows61;
	st->bytes = atomic_load(&s->done_bytes);
}

void pl_gdelt_scan_free(pl_gdelt_scan *s)
{
	if (!s)
		return;
	for (int i = 0; s->workers && i < s->nworkers; i++)
		free(s->workers[i].bad);
	free(s->workers);
	for (size_t i = 0; i < s->nfiles; i++)
		free(s->files[i]);
	free(s->files);
	free(s->jobs);
	free(s->arch);
	s->arch = NULL;
	s->narch = s->cap_arch = 0;
	s->jobs = NULL;
	s->njobs = s->cap_jobs = 0;
	s->workers = NULL;
	s->files = NULL;
	s->nfiles = 0;
}

void pl_gdelt_scan_opts_for(pl_gdelt_scan_opts *o, const parley_gdelt_query *q,
                            pl_gdelt_row_fn row, void *(*user_new)(void *sink_ctx),
                            void *sink_ctx)
{
	memset(o, 0, sizeof *o);
	pl_strlcpy(o->a, q->country_a, sizeof o->a);
	pl_strlcpy(o->b, q->country_b, sizeof o->b);
	o->threads = q->threads;
	o->progress = q->progress;
	o->row = row;
	o->user_new = user_new;
	o->sink_ctx = sink_ctx;
	o->engine = q->engine;
	o->query = q;
}

void pl_gdelt_scan_stats(const pl_gdelt_scan *s, parley_gdelt_stats *st, long matched,
                         const struct timespec *t0, const struct timespec *t1)
{
	pl_gdelt_scan_totals(s, st);
	st->matched = matched;
	st->seconds = (double)(t1->tv_sec - t0->tv_sec) + (double)(t1->tv_nsec - t0->tv_nsec) / 1e9;
}
