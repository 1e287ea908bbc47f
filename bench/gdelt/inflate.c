/* inflate.c - the floor for zipped archives in bench/gdelt/zips: inflate
 * alone, as fast as this machine can, on all cores.  Each thread takes the
 * next zip file, reads each member's compressed bytes with pread(2) and
 * inflates them in one call with libdeflate into a buffer; the bytes are
 * thrown away.  No line scanning, no CRC check.
 * Build: cc -O2 inflate.c -ldeflate -lpthread
 * Run:   ./inflate THREADS FILE.zip...   (prints the inflated bytes) */
#include <fcntl.h>
#include <libdeflate.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char **files;
static int nfiles;
static atomic_int next_file;
static atomic_ullong total;

static uint32_t le16(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t le32(const unsigned char *p) { return le16(p) | le16(p + 2) << 16; }

static void *worker(void *arg)
{
	(void)arg;
	struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
	unsigned char *in = NULL, *out = NULL, *cd = NULL;
	size_t in_cap = 0, out_cap = 0, cd_cap = 0;
	unsigned long long mine = 0;
	for (;;) {
		int k = atomic_fetch_add(&next_file, 1);
		if (k >= nfiles)
			break;
		int fd = open(files[k], O_RDONLY);
		off_t size = fd < 0 ? 0 : lseek(fd, 0, SEEK_END);
		unsigned char tail[65557];
		size_t tn = size < (off_t)sizeof tail ? (size_t)size : sizeof tail;
		if (fd < 0 || tn < 22 || pread(fd, tail, tn, size - (off_t)tn) != (ssize_t)tn) {
			fprintf(stderr, "%s: cannot read\n", files[k]);
			exit(1);
		}
		long e = (long)tn - 22;
		while (e >= 0 && le32(tail + e) != 0x06054b50)
			e--;
		if (e < 0) {
			fprintf(stderr, "%s: not a zip\n", files[k]);
			exit(1);
		}
		uint32_t count = le16(tail + e + 10), cd_size = le32(tail + e + 12), cd_off = le32(tail + e + 16);
		if (cd_size > cd_cap) {
			cd = realloc(cd, cd_size);
			cd_cap = cd_size;
		}
		if (pread(fd, cd, cd_size, cd_off) != (ssize_t)cd_size)
			exit(1);
		size_t p = 0;
		for (uint32_t i = 0; i < count; i++) {
			const unsigned char *h = cd + p;
			uint32_t method = le16(h + 10), csize = le32(h + 20), usize = le32(h + 24);
			uint32_t off = le32(h + 42);
			p += 46 + le16(h + 28) + le16(h + 30) + le16(h + 32);
			unsigned char lh[30];
			if (pread(fd, lh, 30, off) != 30)
				exit(1);
			off_t data = (off_t)off + 30 + le16(lh + 26) + le16(lh + 28);
			if (csize > in_cap) {
				in = realloc(in, csize);
				in_cap = csize;
			}
			if (usize > out_cap) {
				out = realloc(out, usize);
				out_cap = usize;
			}
			if (pread(fd, in, csize, data) != (ssize_t)csize)
				exit(1);
			if (method == 8) {
				if (libdeflate_deflate_decompress(d, in, csize, out, usize, NULL) != LIBDEFLATE_SUCCESS) {
					fprintf(stderr, "%s: bad data\n", files[k]);
					exit(1);
				}
			} else {
				memcpy(out, in, csize);
			}
			mine += usize;
		}
		close(fd);
	}
	atomic_fetch_add(&total, mine);
	libdeflate_free_decompressor(d);
	free(in);
	free(out);
	free(cd);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fputs("usage: inflate THREADS FILE.zip...\n", stderr);
		return 2;
	}
	int nt = atoi(argv[1]);
	if (nt < 1 || nt > 64)
		nt = 1;
	files = argv + 2;
	nfiles = argc - 2;
	pthread_t th[64];
	for (int i = 0; i < nt; i++)
		pthread_create(&th[i], NULL, worker, NULL);
	for (int i = 0; i < nt; i++)
		pthread_join(th[i], NULL);
	printf("%llu bytes\n", (unsigned long long)total);
	return 0;
}
