/*
 * png.c - SVG to PNG in process: librsvg parses and draws the SVG onto a
 * cairo image surface in the module parley-png.so (png_render.c, loaded on
 * the first PNG: module.h), and encode_png() writes the pixels as PNG into
 * a pl_buf with libdeflate.  Not cairo's own PNG writer: it goes through
 * libpng's adaptive row filters and zlib at its default level, which were
 * half the time of a 50-brief site (docs/performance.md); a chart is flat
 * colour, which unfiltered rows and libdeflate's fastest level compress
 * well at a fraction of the cost.
 * No subprocess (rsvg-convert) and no temporary file, so `parley serve`
 * can answer /chart/NAME.png and the static site writes its twins directly.
 */
#include "png.h"
#include "module.h"
#include "png_module.h"

#include <libdeflate.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PNG_MAX_PIXELS (PL_PNG_WIDTH * 8000L) /* a chart is never taller than 8000 px */

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* One PNG chunk: length, type, data, CRC of type and data. */
static int put_chunk(pl_buf *out, const char type[4], const unsigned char *data, size_t n)
{
	unsigned char head[8], tail[4];
	put_be32(head, (uint32_t)n);
	memcpy(head + 4, type, 4);
	uint32_t crc = libdeflate_crc32(0, type, 4);
	if (n) /* a NULL buffer would make libdeflate return the initial value */
		crc = libdeflate_crc32(crc, data, n);
	put_be32(tail, crc);
	int rc = pl_buf_append(out, head, sizeof head);
	if (!rc && n)
		rc = pl_buf_append(out, data, n);
	if (!rc)
		rc = pl_buf_append(out, tail, sizeof tail);
	return rc;
}

/* Appends img (cairo's RGB24 pixels) to out as an 8-bit RGB PNG:
 * every row unfiltered (filter byte 0), one IDAT compressed by libdeflate
 * at level 1.  PARLEY_ENOMEM when memory runs out. */
static int encode_png(const pl_png_image *img, pl_buf *out)
{
	int w = img->width, h = img->height, stride = img->stride;
	const unsigned char *px = img->data;
	if (!px || w <= 0 || h <= 0)
		return PARLEY_EINVAL;
	size_t row = 1 + 3 * (size_t)w, raw_n = row * (size_t)h;
	unsigned char *raw = malloc(raw_n);
	struct libdeflate_compressor *c = libdeflate_alloc_compressor(1);
	size_t bound = c ? libdeflate_zlib_compress_bound(c, raw_n) : 0;
	unsigned char *z = c ? malloc(bound) : NULL;
	int rc = raw && c && z ? PARLEY_OK : PARLEY_ENOMEM;
	for (int y = 0; rc == PARLEY_OK && y < h; y++) {
		unsigned char *o = raw + row * (size_t)y;
		const unsigned char *in = px + (size_t)stride * (size_t)y;
		*o++ = 0;
		for (int x = 0; x < w; x++) {
			uint32_t p;
			memcpy(&p, in + 4 * (size_t)x, 4); /* RGB24: 0x00RRGGBB, native order */
			*o++ = (unsigned char)(p >> 16);
			*o++ = (unsigned char)(p >> 8);
			*o++ = (unsigned char)p;
		}
	}
	size_t zn = rc == PARLEY_OK ? libdeflate_zlib_compress(c, raw, raw_n, z, bound) : 0;
	if (rc == PARLEY_OK && zn == 0)
		rc = PARLEY_ENOMEM; /* the bound was too small: cannot happen */
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	unsigned char ihdr[13];
	put_be32(ihdr, (uint32_t)w);
	put_be32(ihdr + 4, (uint32_t)h);
	ihdr[8] = 8;  /* bits per sample */
	ihdr[9] = 2;  /* truecolour */
	ihdr[10] = 0; /* deflate */
	ihdr[11] = 0; /* adaptive filtering (every row says "none") */
	ihdr[12] = 0; /* no interlace */
	if (!rc)
		rc = pl_buf_append(out, sig, sizeof sig);
	if (!rc)
		rc = put_chunk(out, "IHDR", ihdr, sizeof ihdr);
	if (!rc)
		rc = put_chunk(out, "IDAT", z, zn);
	if (!rc)
		rc = put_chunk(out, "IEND", NULL, 0);
	free(z);
	free(raw);
	if (c)
		libdeflate_free_compressor(c);
	return rc;
}

int pl_svg_png(const char *svg, size_t n, int width, pl_buf *out, parley_err *err)
{
	if (!svg || !out || width <= 0 || width > PL_PNG_WIDTH * 4)
		return parley_err_set(err, PARLEY_EINVAL, "png: no SVG or a bad width");
	const void *t = NULL;
	int rc = pl_module_table(PL_PNG_MODULE_FILE, PL_PNG_MODULE_SYMBOL, PL_PNG_MODULE_ABI,
	                         "png", &t, err);
	if (rc != PARLEY_OK)
		return rc;
	const pl_png_module *m = t;
	pl_png_image img = {0};
	char msg[512] = "";
	rc = m->render(svg, n, width, PNG_MAX_PIXELS, &img, msg, sizeof msg);
	if (rc != PARLEY_OK)
		return parley_err_set(err, rc, "%s", msg[0] ? msg : "png: drawing failed");
	rc = encode_png(&img, out);
	if (rc != PARLEY_OK)
		rc = parley_err_set(err, rc, "png: the image does not fit in memory");
	m->image_free(&img);
	return rc;
}

/* fontconfig, under librsvg's text layout, keeps its font caches for the
 * life of the process and never frees them, so LeakSanitizer reports them
 * at exit.  They are made once per process, not per chart: a server that
 * drew 1 chart and one that drew 7 ended with the same 288 bytes, so they
 * are not leaks of parley's.  Sanitizer builds only. */
#if defined(__SANITIZE_ADDRESS__)
#define PL_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PL_LSAN 1
#endif
#endif
#ifdef PL_LSAN
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}
/* and no "Suppressions used" table on every exit (LSAN_OPTIONS overrides) */
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}
#endif

static unsigned be32(const unsigned char *p)
{
	return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}

int pl_png_size(const void *data, size_t n, unsigned *w, unsigned *h)
{
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	const unsigned char *p = data;
	/* signature, then the first chunk: length 13, type IHDR, width, height */
	if (!p || n < 24 || memcmp(p, sig, 8) != 0 || be32(p + 8) != 13 || memcmp(p + 12, "IHDR", 4) != 0)
		return 0;
	unsigned pw = be32(p + 16), ph = be32(p + 20);
	if (pw == 0 || ph == 0)
		return 0;
	if (w)
		*w = pw;
	if (h)
		*h = ph;
	return 1;
}
