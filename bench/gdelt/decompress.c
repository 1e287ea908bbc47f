/* decompress.c - the floor for the compressed path of bench/gdelt/run:
 * libarchive decompression alone (zip members or gzip), the bytes thrown
 * away, exactly as parley's stream reader gets them.
 * Build: cc -O2 decompress.c -larchive; run: ./decompress FILE */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fputs("usage: decompress FILE\n", stderr);
		return 2;
	}
	struct archive *a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_zip(a);
	archive_read_support_format_raw(a);
	if (archive_read_open_filename(a, argv[1], 1 << 20) != ARCHIVE_OK) {
		fprintf(stderr, "%s\n", archive_error_string(a));
		return 1;
	}
	struct archive_entry *e;
	unsigned long long total = 0, sum = 0;
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		const void *buf;
		size_t size;
		la_int64_t off;
		while (archive_read_data_block(a, &buf, &size, &off) == ARCHIVE_OK) {
			total += size;
			sum += ((const unsigned char *)buf)[0]; /* touch the output */
		}
	}
	archive_read_free(a);
	printf("%llu bytes (%llu)\n", total, sum);
	return 0;
}
