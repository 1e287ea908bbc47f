/*
 * png.c - SVG to PNG in process: librsvg parses and draws the SVG onto a
 * cairo image surface, and cairo encodes the surface as PNG into a pl_buf.
 * No subprocess (rsvg-convert) and no temporary file, so `parley serve`
 * can answer /chart/NAME.png and the static site writes its twins directly.
 */
#include "png.h"

#include <cairo.h>
#include <librsvg/rsvg.h>
#include <string.h>

#define PNG_MAX_PIXELS (PL_PNG_WIDTH * 8000L) /* a chart is never taller than 8000 px */

typedef struct sink {
	pl_buf *out;
	int rc;
} sink;

static cairo_status_t write_png(void *closure, const unsigned char *data, unsigned int len)
{
	sink *s = closure;
	if (s->rc == PARLEY_OK)
		s->rc = pl_buf_append(s->out, data, len);
	return s->rc == PARLEY_OK ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* The SVG's size in user units: its width and height when given in
 * absolute units, else its viewBox (parley's charts have only a viewBox). */
static int svg_size(RsvgHandle *h, double *w, double *ht)
{
	if (rsvg_handle_get_intrinsic_size_in_pixels(h, w, ht) && *w > 0 && *ht > 0)
		return 1;
	gboolean has_w, has_h, has_vb;
	RsvgLength lw, lh;
	RsvgRectangle vb;
	rsvg_handle_get_intrinsic_dimensions(h, &has_w, &lw, &has_h, &lh, &has_vb, &vb);
	if (!has_vb || vb.width <= 0 || vb.height <= 0)
		return 0;
	*w = vb.width;
	*ht = vb.height;
	return 1;
}

int pl_svg_png(const char *svg, size_t n, int width, pl_buf *out, parley_err *err)
{
	if (!svg || !out || width <= 0 || width > PL_PNG_WIDTH * 4)
		return parley_err_set(err, PARLEY_EINVAL, "png: no SVG or a bad width");
	GError *ge = NULL;
	RsvgHandle *h = rsvg_handle_new_from_data((const guint8 *)svg, n, &ge);
	if (!h) {
		int rc = parley_err_set(err, PARLEY_EDATA, "png: the SVG cannot be read: %s",
		                        ge && ge->message ? ge->message : "unknown error");
		if (ge)
			g_error_free(ge);
		return rc;
	}
	double sw = 0, sh = 0;
	if (!svg_size(h, &sw, &sh)) {
		g_object_unref(h);
		return parley_err_set(err, PARLEY_EDATA, "png: the SVG has neither a size nor a viewBox");
	}
	long height = (long)(width * sh / sw + 0.5);
	if (height < 1 || (long)width * height > PNG_MAX_PIXELS) {
		g_object_unref(h);
		return parley_err_set(err, PARLEY_ELIMIT, "png: a %dx%ld image is too large", width, height);
	}
	cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, (int)height);
	cairo_t *cr = cairo_create(surf);
	int rc = PARLEY_OK;
	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
		rc = parley_err_set(err, PARLEY_ENOMEM, "png: cannot make a %dx%ld image", width, height);
	} else {
		/* white under the chart: RGB24 has no alpha, and e-mail clients
		 * differ on what a transparent background becomes */
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_paint(cr);
		RsvgRectangle vp = {0, 0, (double)width, (double)height};
		if (!rsvg_handle_render_document(h, cr, &vp, &ge)) {
			rc = parley_err_set(err, PARLEY_EDATA, "png: drawing the SVG failed: %s",
			                    ge && ge->message ? ge->message : "unknown error");
			if (ge)
				g_error_free(ge);
		}
	}
	if (rc == PARLEY_OK) {
		cairo_surface_flush(surf);
		sink s = {.out = out, .rc = PARLEY_OK};
		cairo_status_t st = cairo_surface_write_to_png_stream(surf, write_png, &s);
		if (s.rc != PARLEY_OK)
			rc = parley_err_set(err, s.rc, "png: the image does not fit in memory");
		else if (st != CAIRO_STATUS_SUCCESS)
			rc = parley_err_set(err, PARLEY_EIO, "png: encoding failed: %s", cairo_status_to_string(st));
	}
	cairo_destroy(cr);
	cairo_surface_destroy(surf);
	g_object_unref(h);
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
