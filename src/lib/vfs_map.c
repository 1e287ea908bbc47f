/*
 * vfs_map.c - a VFS that maps the whole store file for readers.
 *
 * Debian's SQLite maps at most 2 GB of a file (SQLITE_MAX_MMAP_SIZE is
 * 0x7fff0000 in its build), however large PRAGMA mmap_size asks: every page
 * past it is copied in with one pread into a page-cache buffer of its own.
 * At 1M visits the store is 2.8 GB and most of the covering index the pair
 * analyses read (visit_by_dir_cover) lies past 2 GB: the eras of CHN-USA
 * made 2,239 preads and touched 10 MB of fresh heap for them (issue 13).
 *
 * This VFS wraps the default one and forwards everything to it except the
 * memory-mapped reads (xFetch, xUnfetch, the mmap size file control) of a
 * main store file, which it answers from its own read-only mapping of the
 * whole file, as the default VFS does below its cap.  The mapping follows
 * the default VFS's rules: it is made at the first fetch at the file's size
 * then, pages past it (a file grown since) are read as before, and it is
 * dropped whenever SQLite says so (xUnfetch of everything: at the start of
 * a read transaction after another connection changed the file, which may
 * have shrunk it) or the file is truncated under it.
 *
 * It maps through the descriptor the default VFS opened the file with
 * (caught through its documented system-call override for "open"), never
 * one of its own: closing a second descriptor of a file would drop every
 * POSIX lock this process holds on it.  When that descriptor cannot be
 * caught (the VFS reused one it kept from a closed connection), the
 * default VFS maps the file as before, up to its cap.
 */
#include "internal.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

typedef struct map_file {
	sqlite3_file base;  /* methods: map_io */
	sqlite3_file *real; /* the default VFS's file, right after this struct */
	int fd;             /* real's descriptor, -1 when unknown or not a main store */
	unsigned char *map; /* the mapping, or NULL */
	sqlite3_int64 mapped; /* bytes of it that may be read (<= its length) */
	sqlite3_int64 length; /* bytes mapped (for munmap) */
	sqlite3_int64 limit;  /* PRAGMA mmap_size as the pager asked; 0 = none */
	int out;              /* pages handed out by xFetch and not given back */
} map_file;

static sqlite3_vfs *root;      /* the default VFS */
static sqlite3_vfs map_vfs;    /* this one: root with xOpen replaced */
static sqlite3_syscall_ptr real_open;

/* The main store file whose xOpen runs on this thread, and its path:
 * hook_open records the descriptor the default VFS opens it with. */
static _Thread_local map_file *opening;
static _Thread_local const char *opening_path;

/* The default VFS's open(2) (the signature of its "open" system call). */
static int hook_open(const char *path, int flags, int mode)
{
	int fd = ((int (*)(const char *, int, int))real_open)(path, flags, mode);
	if (fd >= 0 && opening && path && opening_path && strcmp(path, opening_path) == 0)
		opening->fd = fd; /* a retry (a descriptor below 3 is closed and opened again) wins */
	return fd;
}

#define REAL(f) (((map_file *)(f))->real)

static void unmap(map_file *p)
{
	if (p->map)
		munmap(p->map, (size_t)p->length);
	p->map = NULL;
	p->mapped = p->length = 0;
}

static int map_close(sqlite3_file *f)
{
	map_file *p = (map_file *)f;
	unmap(p);
	return REAL(f)->pMethods->xClose(REAL(f));
}

static int map_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}

static int map_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}

static int map_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	map_file *p = (map_file *)f;
	int rc = REAL(f)->pMethods->xTruncate(REAL(f), size);
	/* pages past the new end must not be fetched from the mapping (as the
	 * default VFS: they are read from then on) */
	if (rc == SQLITE_OK && size < p->mapped)
		p->mapped = size;
	return rc;
}

static int map_sync(sqlite3_file *f, int flags)
{
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int map_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int map_lock(sqlite3_file *f, int level)
{
	return REAL(f)->pMethods->xLock(REAL(f), level);
}

static int map_unlock(sqlite3_file *f, int level)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), level);
}

static int map_reserved(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int map_control(sqlite3_file *f, int op, void *arg)
{
	map_file *p = (map_file *)f;
	if (op == SQLITE_FCNTL_MMAP_SIZE && p->fd >= 0) {
		/* as the default VFS: answer the limit in force, take a new one
		 * (negative: only asking) while no page is out; the default VFS
		 * below keeps its own limit, 0, and never maps */
		sqlite3_int64 want = *(sqlite3_int64 *)arg;
		*(sqlite3_int64 *)arg = p->limit;
		if (want >= 0 && want != p->limit && p->out == 0) {
			p->limit = want;
			unmap(p);
		}
		return SQLITE_OK;
	}
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int map_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int map_device(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int map_shm_map(sqlite3_file *f, int region, int size, int extend, void volatile **pp)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), region, size, extend, pp);
}

static int map_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}

static void map_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int map_shm_unmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

/* SQLite may read a few bytes past a corrupt page: as the default VFS,
 * a page is handed out only with this much of the file after it. */
#define EOF_SLACK 256

/* Without the descriptor, the default VFS maps as it would (its 2 GB). */
static int real_fetches(sqlite3_file *f)
{
	return ((map_file *)f)->fd < 0 && REAL(f)->pMethods->iVersion >= 3;
}

static int map_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
	map_file *p = (map_file *)f;
	if (real_fetches(f))
		return REAL(f)->pMethods->xFetch(REAL(f), off, n, pp);
	*pp = NULL;
	if (p->fd < 0 || p->limit <= 0)
		return SQLITE_OK;
	if (!p->map) {
		struct stat st;
		if (fstat(p->fd, &st) != 0 || st.st_size <= 0)
			return SQLITE_OK; /* read instead */
		sqlite3_int64 len = st.st_size < p->limit ? (sqlite3_int64)st.st_size : p->limit;
		if ((uint64_t)len > SIZE_MAX)
			return SQLITE_OK;
		void *m = mmap(NULL, (size_t)len, PROT_READ, MAP_SHARED, p->fd, 0);
		if (m == MAP_FAILED)
			return SQLITE_OK;
		p->map = m;
		p->mapped = p->length = len;
	}
	if (off >= 0 && n >= 0 && off + n + EOF_SLACK <= p->mapped) {
		*pp = p->map + off;
		p->out++;
	}
	return SQLITE_OK;
}

static int map_unfetch(sqlite3_file *f, sqlite3_int64 off, void *page)
{
	map_file *p = (map_file *)f;
	if (real_fetches(f))
		return REAL(f)->pMethods->xUnfetch(REAL(f), off, page);
	if (page)
		p->out--;
	else
		unmap(p); /* SQLite asks this with no page out */
	return SQLITE_OK;
}

static const sqlite3_io_methods map_io = {
    3,           map_close,     map_read,       map_write,       map_truncate,
    map_sync,    map_size,      map_lock,       map_unlock,      map_reserved,
    map_control, map_sector,    map_device,     map_shm_map,     map_shm_lock,
    map_shm_barrier, map_shm_unmap, map_fetch, map_unfetch,
};

static int map_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
	(void)vfs;
	map_file *p = (map_file *)f;
	memset(p, 0, sizeof *p);
	p->fd = -1;
	p->real = (sqlite3_file *)(p + 1);
	int main_db = (flags & SQLITE_OPEN_MAIN_DB) && name;
	if (main_db) {
		opening = p;
		opening_path = name;
	}
	int rc = root->xOpen(root, name, p->real, flags, out);
	opening = NULL;
	opening_path = NULL;
	if (rc != SQLITE_OK)
		return rc; /* base.pMethods stays NULL: SQLite calls no xClose */
	struct stat st;
	if (p->fd >= 0 && (fstat(p->fd, &st) != 0 || !S_ISREG(st.st_mode)))
		p->fd = -1;
	p->base.pMethods = &map_io;
	return SQLITE_OK;
}

/* Registers the VFS once (store.c calls it before the first open). */
static const char *registered;

void pl_vfs_map_register(void)
{
	sqlite3_vfs *r = sqlite3_vfs_find(NULL);
	/* the "open" override is the default (unix) VFS's: without it, stores
	 * open with the default VFS, as before */
	if (!r || r->iVersion < 3 || !r->xGetSystemCall || !r->xSetSystemCall ||
	    !(real_open = r->xGetSystemCall(r, "open")))
		return;
	root = r;
	if (root->xSetSystemCall(root, "open", (sqlite3_syscall_ptr)hook_open) != SQLITE_OK)
		return;
	map_vfs = *root;
	map_vfs.zName = "parley-map";
	map_vfs.szOsFile = (int)sizeof(map_file) + root->szOsFile;
	map_vfs.xOpen = map_open;
	map_vfs.pNext = NULL;
	if (sqlite3_vfs_register(&map_vfs, 0) == SQLITE_OK)
		registered = map_vfs.zName;
}

const char *pl_vfs_map_name(void)
{
	return registered;
}
