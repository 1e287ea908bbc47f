/*
 * test_web_png.c - SVG to PNG in process (src/web/png.c): the bytes are a
 * PNG whose IHDR has the asked width and the viewBox's aspect, the pixels
 * are drawn (a red rectangle comes out red, white stays white), and what
 * librsvg cannot draw is an error, not an empty image.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../src/web/png.h"

#include <cairo.h>
#include <string.h>

typedef struct rd {
	const unsigned char *p;
	size_t n, off;
} rd;

static cairo_status_t read_png(void *closure, unsigned char *data, unsigned int len)
{
	rd *r = closure;
	if (r->off + len > r->n)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(data, r->p + r->off, len);
	r->off += len;
	return CAIRO_STATUS_SUCCESS;
}

/* The RGB of pixel (x, y) of a PNG, decoded by cairo (a reader of its own). */
static uint32_t pixel(const pl_buf *png, int x, int y)
{
	rd r = {(const unsigned char *)png->data, png->len, 0};
	cairo_surface_t *s = cairo_image_surface_create_from_png_stream(read_png, &r);
	assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
	const unsigned char *d = cairo_image_surface_get_data(s);
	int stride = cairo_image_surface_get_stride(s);
	uint32_t v;
	memcpy(&v, d + (size_t)y * (size_t)stride + (size_t)x * 4, 4);
	cairo_surface_destroy(s);
	return v & 0xffffff;
}

static void test_svg_to_png(void **state)
{
	(void)state;
	const char *svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 200 100\">"
	                  "<rect x=\"0\" y=\"0\" width=\"100\" height=\"100\" fill=\"#ff0000\"/></svg>";
	pl_buf png;
	pl_buf_init(&png, 1u << 24);
	parley_err err = {0};
	assert_int_equal(pl_svg_png(svg, strlen(svg), 400, &png, &err), 0);
	unsigned w = 0, h = 0;
	assert_true(pl_png_size(png.data, png.len, &w, &h));
	assert_int_equal(w, 400);
	assert_int_equal(h, 200);
	assert_int_equal(pixel(&png, 50, 100), 0xff0000);  /* the rectangle, scaled by 2 */
	assert_int_equal(pixel(&png, 300, 100), 0xffffff); /* white behind the chart */
	pl_buf_free(&png);
}

static void test_errors(void **state)
{
	(void)state;
	pl_buf png;
	pl_buf_init(&png, 1u << 24);
	parley_err err = {0};
	const char *bad = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><rect";
	assert_int_equal(pl_svg_png(bad, strlen(bad), 100, &png, &err), PARLEY_EDATA);
	assert_non_null(strstr(err.msg, "cannot be read"));
	const char *nosize = "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect width=\"5\" height=\"5\"/></svg>";
	assert_int_equal(pl_svg_png(nosize, strlen(nosize), 100, &png, &err), PARLEY_EDATA);
	assert_non_null(strstr(err.msg, "neither a size nor a viewBox"));
	const char *tall = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 100\"/>";
	assert_int_equal(pl_svg_png(tall, strlen(tall), PL_PNG_WIDTH, &png, &err), PARLEY_ELIMIT);
	assert_int_equal(png.len, 0);
	/* pl_png_size: a signature alone, or a wrong first chunk, is not a PNG */
	static const unsigned char sig[24] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
	                                      'I', 'H', 'D', 'X', 0, 0, 0, 1, 0, 0, 0, 1};
	assert_false(pl_png_size(sig, 8, NULL, NULL));
	assert_false(pl_png_size(sig, sizeof sig, NULL, NULL));
	pl_buf_free(&png);
}

/* A limited buffer: the PNG does not fit, and the error says so. */
static void test_out_of_room(void **state)
{
	(void)state;
	const char *svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"/>";
	pl_buf png;
	pl_buf_init(&png, 16);
	parley_err err = {0};
	assert_int_not_equal(pl_svg_png(svg, strlen(svg), 100, &png, &err), 0);
	assert_non_null(strstr(err.msg, "does not fit"));
	pl_buf_free(&png);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_svg_to_png),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_out_of_room),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
