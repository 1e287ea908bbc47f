/*
 * inflate.c - zip and gzip files read in parallel, one member per worker.
 *
 * GDELT publishes one zip per 15 minutes, so a year is 35,000 small
 * archives.  Streaming them one after another through libarchive's zlib
 * keeps one core busy at zlib's speed; here every zip member (and every
 * .gz file) is a job that the next free worker takes: it reads the
 * compressed bytes with pread(2), inflates them in one call with libdeflate
 * (2-3x zlib's speed) into a buffer of the member's declared size, checks
 * the CRC, and scans the buffer in place with the same loop as plain files.
 *
 * Memory: each worker keeps one compressed and one inflated buffer, grown
 * to the largest member it has met, so the total is bounded by workers x
 * (largest member + its compressed size), and never more than workers x 2 x
 * PL_GDELT_MAX_MEMBER.  A member declared larger than PL_GDELT_MAX_MEMBER,
 * a gzip file of several members, or a member that libdeflate finds damaged
 * is streamed instead through zlib into the line assembler (lines.c), which
 * is bounded by 64 KiB whatever the size and reads a damaged member up to
 * the damage, with a warning.  Archives this reader does not handle (zip64,
 * encrypted members, methods other than stored and deflate, a damaged
 * central directory) are left to libarchive (input.c), as are bzip2, xz and
 * standard input.
 *
 * Reports: workers never touch the report (it is not thread-safe); each
 * job keeps its warnings and the main thread adds them in job order, so
 * the output does not depend on which worker took which member.
 */
#include "gdelt.h"

#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

enum { JOB_GZIP, JOB_ZIP_STORED, JOB_ZIP_DEFLATE };

struct pl_gdelt_member {
	int file;          /* index in s->files of the member's name (for reports) */
	int src;           /* index in s->files of the archive */
	int kind;          /* JOB_* */
	uint64_t off;      /* zip: offset of the local header; gzip: 0 */
	uint64_t csize;    /* compressed size (gzip: the file's size) */
	uint64_t usize;    /* declared size (gzip: ISIZE, modulo 2^32) */
	uint32_t crc;      /* zip: declared CRC-32 */
	/* Results, filled by the worker, reported by the main thread. */
	int unterminated;
	long last_line;
	long damage_line;
	char damage[128];
	int fail;          /* a hard failure (PARLEY_ENOMEM, PARLEY_EIO) */
	int fail_errno;
};

static uint32_t le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return le16(p) | le16(p + 2) << 16;
}

static int add_job(pl_gdelt_scan *s, const pl_gdelt_member *m)
{
	if (s->njobs == s->cap_jobs) {
		size_t cap = s->cap_jobs ? s->cap_jobs * 2 : 64;
		pl_gdelt_member *v = realloc(s->jobs, cap * sizeof *v);
		if (!v)
			return PARLEY_ENOMEM;
		s->jobs = v;
		s->cap_jobs = cap;
	}
	s->jobs[s->njobs++] = *m;
	return PARLEY_OK;
}

/* Reads exactly n bytes at off; 0 or -1 (errno set; EIO when the file ended). */
static int pread_all(int fd, void *buf, size_t n, uint64_t off)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = pread(fd, (char *)buf + got, n - got, (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			return -1;
		}
		got += (size_t)r;
	}
	return 0;
}

/* The members of one archive, found by a worker (read_plan) and named and
 * queued by the main thread (pl_gdelt_run_members), in the order given. */
typedef struct arch_plan {
	int handled;          /* 1 planned, 0 left to libarchive, < 0 a status */
	pl_gdelt_member *m;   /* .file is set when queued */
	char **names;         /* member names (zip), malloc'd */
	size_t n, cap;
} arch_plan;

static int plan_add(arch_plan *p, const pl_gdelt_member *m, const char *name, size_t nlen)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 4;
		pl_gdelt_member *v = realloc(p->m, cap * sizeof *v);
		if (!v)
			return PARLEY_ENOMEM;
		p->m = v;
		char **w = realloc(p->names, cap * sizeof *w);
		if (!w)
			return PARLEY_ENOMEM;
		p->names = w;
		p->cap = cap;
	}
	p->names[p->n] = name ? pl_strndup(name, nlen) : NULL;
	if (name && !p->names[p->n])
		return PARLEY_ENOMEM;
	p->m[p->n++] = *m;
	return PARLEY_OK;
}

static void plan_free(arch_plan *p)
{
	for (size_t k = 0; k < p->n; k++)
		free(p->names[k]);
	free(p->names);
	free(p->m);
	memset(p, 0, sizeof *p);
}

/* Finds the end-of-central-directory record in the last len bytes (at tail);
 * its offset in tail, or -1. */
static long find_eocd(const unsigned char *tail, size_t len)
{
	for (long i = (long)len - 22; i >= 0; i--)
		if (le32(tail + i) == 0x06054b50)
			return i;
	return -1;
}

/* Lists the members of a zip from its central directory into p.  Returns 1
 * when done, 0 when this reader does not handle the archive (libarchive
 * streams it instead), or a negative status. */
static int plan_zip(arch_plan *p, int src, int fd, uint64_t size)
{
	/* The record is 22 bytes plus a comment of up to 64 KiB; read the last
	 * 4 KiB first (no comment, the usual case), then all that can hold it. */
	unsigned char tail[65557];
	size_t tn = size < 4096 ? (size_t)size : 4096;
	if (tn < 22 || pread_all(fd, tail, tn, size - tn) != 0)
		return 0;
	long eocd = find_eocd(tail, tn);
	if (eocd < 0 && size > tn) {
		tn = size < sizeof tail ? (size_t)size : sizeof tail;
		if (pread_all(fd, tail, tn, size - tn) != 0)
			return 0;
		eocd = find_eocd(tail, tn);
	}
	if (eocd < 0)
		return 0; /* cut short: libarchive reads what is there */
	const unsigned char *e = tail + eocd;
	uint32_t count = le16(e + 10), cd_size = le32(e + 12), cd_off = le32(e + 16);
	if (count == 0xffff || cd_size == 0xffffffffu || cd_off == 0xffffffffu)
		return 0; /* zip64 */
	if ((uint64_t)cd_off + cd_size > size || cd_size > (64u << 20))
		return 0;
	unsigned char *cd = malloc(cd_size ? cd_size : 1);
	if (!cd)
		return PARLEY_ENOMEM;
	if (pread_all(fd, cd, cd_size, cd_off) != 0) {
		free(cd);
		return 0;
	}
	size_t at = 0;
	int rc = 1;
	for (uint32_t k = 0; k < count && rc == 1; k++) {
		if (at + 46 > cd_size || le32(cd + at) != 0x02014b50) {
			rc = 0;
			break;
		}
		const unsigned char *h = cd + at;
		uint32_t flags = le16(h + 8), method = le16(h + 10);
		uint32_t nlen = le16(h + 28), xlen = le16(h + 30), clen = le16(h + 32);
		if (at + 46 + nlen + xlen + clen > cd_size) {
			rc = 0;
			break;
		}
		pl_gdelt_member m = {0};
		m.src = src;
		m.crc = le32(h + 16);
		m.csize = le32(h + 20);
		m.usize = le32(h + 24);
		m.off = le32(h + 42);
		const char *name = (const char *)h + 46;
		at += 46 + nlen + xlen + clen;
		if (nlen > 0 && name[nlen - 1] == '/')
			continue; /* a folder */
		if ((flags & 1) || (method != 0 && method != 8) || m.csize == 0xffffffffu ||
		    m.usize == 0xffffffffu || m.off == 0xffffffffu || m.off + 30 > size) {
			rc = 0; /* encrypted, another method, zip64: libarchive's */
			break;
		}
		m.kind = method == 0 ? JOB_ZIP_STORED : JOB_ZIP_DEFLATE;
		if (plan_add(p, &m, name, nlen) != PARLEY_OK)
			rc = PARLEY_ENOMEM;
	}
	free(cd);
	return rc;
}

/* Plans the archive s->files[file]: a zip's members, or a gzip file whole. */
static int read_plan(pl_gdelt_scan *s, int file, arch_plan *p)
{
	int fd = open(s->files[file], O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		if (fd >= 0)
			close(fd);
		return 0; /* libarchive says why */
	}
	uint64_t size = (uint64_t)st.st_size;
	unsigned char m[4] = {0};
	int rc = 0;
	if (size >= 4 && pread_all(fd, m, 4, 0) == 0) {
		if (m[0] == 'P' && m[1] == 'K' && m[2] == 3 && m[3] == 4) {
			rc = plan_zip(p, file, fd, size);
		} else if (m[0] == 0x1f && m[1] == 0x8b && size >= 18) {
			unsigned char t[4];
			if (pread_all(fd, t, 4, size - 4) == 0) {
				pl_gdelt_member j = {.src = file, .kind = JOB_GZIP, .csize = size,
				                     .usize = le32(t)};
				rc = plan_add(p, &j, NULL, 0) == PARLEY_OK ? 1 : PARLEY_ENOMEM;
			}
		}
	}
	close(fd);
	return rc;
}

int pl_gdelt_plan_archive(pl_gdelt_scan *s, int file)
{
	if (s->narch == s->cap_arch) {
		size_t cap = s->cap_arch ? s->cap_arch * 2 : 64;
		int *v = realloc(s->arch, cap * sizeof *v);
		if (!v)
			return PARLEY_ENOMEM;
		s->arch = v;
		s->cap_arch = cap;
	}
	s->arch[s->narch++] = file;
	return PARLEY_OK;
}

/* ------------------------------------------------------------------ */
/* One worker                                                           */
/* ------------------------------------------------------------------ */

typedef struct inflater {
	pl_gdelt_worker *w;
	struct libdeflate_decompressor *d;
	unsigned char *in;
	size_t in_cap;
	char *out;
	size_t out_cap;
} inflater;

static int grow(void *pp, size_t *cap, size_t want)
{
	if (want <= *cap)
		return 0;
	void *v = realloc(*(void **)pp, want);
	if (!v)
		return -1;
	*(void **)pp = v;
	*cap = want;
	return 0;
}

static void job_damage(pl_gdelt_member *j, long line, const char *why)
{
	j->damage_line = line;
	pl_strlcpy(j->damage, why, sizeof j->damage);
}

/* Scans n inflated bytes in place; buf has room for one more byte. */
static void scan_buffer(pl_gdelt_worker *w, pl_gdelt_member *j, char *buf, size_t n)
{
	if (n == 0)
		return;
	if (buf[n - 1] != '\n') {
		buf[n++] = '\n';
		j->unterminated = 1;
	}
	long k = pl_gdelt_scan_lines(w, buf, n);
	atomic_fetch_add_explicit(&w->scan->done_lines, (uint64_t)k, memory_order_relaxed);
	j->last_line = w->lines;
}

static long stream_block(void *ctx, const char *p, size_t n, long first_line)
{
	pl_gdelt_worker *w = ctx;
	w->lines = first_line - 1;
	long k = pl_gdelt_scan_lines(w, p, n);
	atomic_fetch_add_explicit(&w->scan->done_lines, (uint64_t)k, memory_order_relaxed);
	return w->status ? w->status : k;
}

static void stream_long(void *ctx, long line, const char *why)
{
	pl_gdelt_worker_bad(ctx, line, why);
}

/* Streams a member through zlib and the line assembler: for members over
 * the size limit, gzip files of several members, and damaged data (read up
 * to the damage).  data_off is where the compressed bytes start. */
static void stream_member(inflater *f, pl_gdelt_member *j, int fd, uint64_t data_off)
{
	pl_gdelt_worker *w = f->w;
	enum { CHUNK = 1 << 18 };
	unsigned char *in = malloc(CHUNK);
	unsigned char *out = malloc(CHUNK);
	pl_gdelt_lines L;
	if (!in || !out || pl_gdelt_lines_init(&L, stream_block, stream_long, w) != PARLEY_OK) {
		free(in);
		free(out);
		j->fail = PARLEY_ENOMEM;
		return;
	}
	z_stream z;
	memset(&z, 0, sizeof z);
	int gz = j->kind == JOB_GZIP;
	int zr = inflateInit2(&z, gz ? 15 + 16 : -15);
	uint64_t left = j->csize, pos = data_off, total = 0;
	uLong crc = crc32(0L, Z_NULL, 0);
	const char *why = NULL;
	if (zr != Z_OK)
		why = "cannot start zlib";
	while (!why && w->status == 0) {
		if (z.avail_in == 0) {
			if (left == 0) {
				why = j->kind == JOB_ZIP_STORED ? NULL : "the compressed data stops before its end (damaged or cut short)";
				break;
			}
			size_t want = left < CHUNK ? (size_t)left : CHUNK;
			ssize_t r = pread(fd, in, want, (off_t)pos);
			if (r <= 0) {
				why = r < 0 ? strerror(errno) : "the file ends too soon";
				break;
			}
			pos += (uint64_t)r;
			left -= (uint64_t)r;
			z.next_in = in;
			z.avail_in = (uInt)r;
		}
		size_t got;
		if (j->kind == JOB_ZIP_STORED) {
			got = z.avail_in;
			memcpy(out, z.next_in, got);
			z.avail_in = 0;
			zr = left == 0 ? Z_STREAM_END : Z_OK;
		} else {
			z.next_out = out;
			z.avail_out = CHUNK;
			zr = inflate(&z, Z_NO_FLUSH);
			got = CHUNK - z.avail_out;
		}
		total += got;
		crc = crc32(crc, out, (uInt)got);
		if (got && pl_gdelt_lines_feed(&L, (const char *)out, got) != 0) {
			j->fail = PARLEY_ENOMEM;
			break;
		}
		if (zr == Z_STREAM_END) {
			if (gz && (z.avail_in > 0 || left > 0)) {
				/* Another gzip member follows (as `cat a.gz b.gz` makes). */
				unsigned char *next = z.next_in;
				uInt avail = z.avail_in;
				if (inflateReset(&z) != Z_OK) {
					why = "cannot restart zlib";
					break;
				}
				z.next_in = next;
				z.avail_in = avail;
				continue;
			}
			break;
		}
		if (zr == Z_BUF_ERROR && z.avail_in == 0)
			continue; /* needs more input */
		if (zr != Z_OK) {
			why = z.msg ? z.msg : "damaged compressed data";
			break;
		}
	}
	if (!why && !gz && j->fail == 0 && w->status == 0 && ((uint32_t)crc != j->crc || total != j->usize))
		why = "the data does not match its CRC-32 or size (damaged)";
	if (why && j->fail == 0) {
		char msg[128];
		snprintf(msg, sizeof msg, "cannot read further: %s", why);
		job_damage(j, L.line, msg);
		w->malformed++;
	}
	int unterminated = 0;
	if (j->fail == 0 && pl_gdelt_lines_finish(&L, &unterminated) != 0)
		j->fail = PARLEY_ENOMEM;
	j->unterminated = unterminated;
	j->last_line = L.line - 1;
	inflateEnd(&z);
	pl_gdelt_lines_free(&L);
	free(in);
	free(out);
}

/* Reads one member: inflated in one call when it fits the limit and is
 * whole, else streamed. */
static void do_job(inflater *f, pl_gdelt_member *j, int fd)
{
	pl_gdelt_worker *w = f->w;
	w->file = j->file;
	w->chunk = 0;
	w->lines = 0;
	uint64_t data_off = 0;
	if (j->kind != JOB_GZIP) {
		unsigned char lh[30];
		if (pread_all(fd, lh, sizeof lh, j->off) != 0 || le32(lh) != 0x04034b50) {
			job_damage(j, 1, "cannot read further: the member's local header is damaged");
			w->malformed++;
			return;
		}
		data_off = j->off + 30 + le16(lh + 26) + le16(lh + 28);
	}
	int inmem = j->usize <= PL_GDELT_MAX_MEMBER && j->csize <= PL_GDELT_MAX_MEMBER &&
	            (j->kind != JOB_GZIP || j->usize >= j->csize / 1100);
	if (inmem && j->kind == JOB_ZIP_STORED && j->csize != j->usize)
		inmem = 0;
	if (inmem) {
		size_t cs = (size_t)j->csize, us = (size_t)j->usize;
		if (grow(&f->in, &f->in_cap, cs ? cs : 1) || grow(&f->out, &f->out_cap, us + 1)) {
			j->fail = PARLEY_ENOMEM;
			return;
		}
		if (pread_all(fd, f->in, cs, data_off) != 0) {
			inmem = 0; /* cut short: the stream reads what there is */
		} else if (j->kind == JOB_ZIP_STORED) {
			memcpy(f->out, f->in, cs);
			inmem = libdeflate_crc32(0, f->out, us) == j->crc;
		} else {
			size_t in_used = 0, got = 0;
			enum libdeflate_result r =
			    j->kind == JOB_GZIP
			        ? libdeflate_gzip_decompress_ex(f->d, f->in, cs, f->out, us, &in_used, &got)
			        : libdeflate_deflate_decompress(f->d, f->in, cs, f->out, us, &got);
			inmem = r == LIBDEFLATE_SUCCESS && got == us;
			if (inmem && j->kind == JOB_GZIP)
				inmem = in_used == cs; /* else several members: streamed */
			if (inmem && j->kind == JOB_ZIP_DEFLATE)
				inmem = libdeflate_crc32(0, f->out, us) == j->crc;
		}
		if (inmem)
			scan_buffer(w, j, f->out, us);
	}
	if (!inmem)
		stream_member(f, j, fd, data_off);
	atomic_fetch_add_explicit(&w->scan->done_bytes, j->csize, memory_order_relaxed);
}

/* The workers take the next item (an archive to plan, then a member to
 * read) from a shared counter. */
typedef struct pool {
	pl_gdelt_scan *s;
	arch_plan *plans;  /* phase 1: one per archive */
	_Atomic size_t next;
} pool;

typedef struct pool_arg {
	pool *p;
	int index;
} pool_arg;

static void *plan_thread(void *arg)
{
	pool_arg *a = arg;
	pl_gdelt_scan *s = a->p->s;
	for (;;) {
		size_t k = atomic_fetch_add(&a->p->next, 1);
		if (k >= s->narch)
			break;
		arch_plan *p = &a->p->plans[k];
		p->handled = read_plan(s, s->arch[k], p);
		if (p->handled <= 0 && p->handled != PARLEY_ENOMEM)
			plan_free(p);
	}
	return NULL;
}

static void *read_thread(void *arg)
{
	pool_arg *a = arg;
	pl_gdelt_scan *s = a->p->s;
	inflater f = {.w = &s->workers[a->index]};
	f.d = libdeflate_alloc_decompressor();
	int fd = -1, fd_src = -1;
	for (;;) {
		size_t k = atomic_fetch_add(&a->p->next, 1);
		if (k >= s->njobs || f.w->status)
			break;
		pl_gdelt_member *j = &s->jobs[k];
		if (!f.d) {
			j->fail = PARLEY_ENOMEM;
			continue;
		}
		if (j->src != fd_src) {
			if (fd >= 0)
				close(fd);
			fd = open(s->files[j->src], O_RDONLY | O_CLOEXEC);
			fd_src = j->src;
		}
		if (fd < 0) {
			j->fail = PARLEY_EIO;
			j->fail_errno = errno;
			fd_src = -1;
			continue;
		}
		do_job(&f, j, fd);
	}
	if (fd >= 0)
		close(fd);
	if (f.d)
		libdeflate_free_decompressor(f.d);
	free(f.in);
	free(f.out);
	return NULL;
}

/* Runs fn on up to n workers (the calling thread is one of them). */
static void run_pool(pool *p, void *(*fn)(void *), size_t n)
{
	int nw = p->s->nworkers < (int)n ? p->s->nworkers : (int)n;
	pool_arg args[64];
	pthread_t th[64];
	int started[64] = {0};
	atomic_store(&p->next, 0);
	for (int i = 0; i < nw; i++)
		args[i] = (pool_arg){.p = p, .index = i};
	for (int i = 1; i < nw; i++)
		started[i] = pthread_create(&th[i], NULL, fn, &args[i]) == 0;
	if (nw > 0)
		fn(&args[0]);
	for (int i = 1; i < nw; i++)
		if (started[i])
			pthread_join(th[i], NULL);
}

/* Names and queues the planned members in the order the archives were
 * given (so reports do not depend on which worker planned what); streams
 * the archives this reader leaves to libarchive. */
static int queue_members(pl_gdelt_scan *s, arch_plan *plans, parley_err *err)
{
	int rc = PARLEY_OK;
	for (size_t k = 0; k < s->narch && rc == PARLEY_OK; k++) {
		arch_plan *p = &plans[k];
		int file = s->arch[k];
		if (p->handled < 0) {
			rc = parley_err_set(err, p->handled, "%s: out of memory", s->files[file]);
			break;
		}
		if (p->handled == 0) {
			rc = pl_gdelt_read_stream(&s->workers[0], s->files[file], -1, err);
			continue;
		}
		for (size_t i = 0; i < p->n && rc == PARLEY_OK; i++) {
			pl_gdelt_member *m = &p->m[i];
			m->file = file;
			if (p->names[i]) {
				pl_buf nb;
				pl_buf_init(&nb, 8192);
				int idx = pl_buf_printf(&nb, "%s:%s", s->files[file], p->names[i]) == PARLEY_OK
				              ? pl_gdelt_add_name(s, nb.data)
				              : -1;
				pl_buf_free(&nb);
				m->file = idx;
			}
			if (m->file < 0 || add_job(s, m) != PARLEY_OK)
				rc = parley_err_set(err, PARLEY_ENOMEM, "%s: out of memory", s->files[file]);
		}
	}
	for (size_t k = 0; k < s->narch; k++)
		plan_free(&plans[k]);
	return rc;
}

int pl_gdelt_run_members(pl_gdelt_scan *s, parley_err *err)
{
	if (s->narch == 0)
		return PARLEY_OK;
	pool p = {.s = s};
	p.plans = calloc(s->narch, sizeof *p.plans);
	if (!p.plans)
		return parley_err_set(err, PARLEY_ENOMEM, "gdelt scan: out of memory");
	run_pool(&p, plan_thread, s->narch);
	int rc = queue_members(s, p.plans, err);
	free(p.plans);
	if (rc)
		return rc;
	run_pool(&p, read_thread, s->njobs);
	for (int i = 0; i < s->nworkers; i++)
		if (s->workers[i].status)
			return pl_gdelt_status_err(s, s->workers[i].status, 0, "gdelt scan", err);
	/* Findings in job order, whichever worker read the member. */
	for (size_t k = 0; k < s->njobs; k++) {
		pl_gdelt_member *j = &s->jobs[k];
		const char *name = s->files[j->file];
		if (j->fail)
			return parley_err_set(err, j->fail, "%s: %s", s->files[j->src],
			                      j->fail == PARLEY_EIO ? strerror(j->fail_errno) : "out of memory");
		s->files_read++;
		if (j->damage[0] && s->rep)
			parley_report_add(s->rep, PARLEY_WARNING, name, j->damage_line, 0, NULL, NULL,
			                  "gdelt-truncated-archive", "%s", j->damage);
		if (j->unterminated) {
			s->unterminated++;
			if (s->rep)
				parley_report_add(s->rep, PARLEY_WARNING, name, j->last_line, 0, NULL, NULL,
				                  "gdelt-no-final-newline",
				                  "the last line has no newline at its end");
		}
	}
	return PARLEY_OK;
}
