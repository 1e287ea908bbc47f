/*
 * png_render.c - parley-png.so (png_module.h): librsvg parses the SVG and
 * draws it onto a cairo image surface.  A module of its own so that only a
 * request for a PNG makes the dynamic loader map librsvg, cairo and the
 * ~70 libraries under them (module.h).
 */
#include "png_module.h"

#include <cairo.h>
#include <librsvg/rsvg.h>
#include <parley.h>
#include <stdio.h>

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

static int render(const char *svg, size_t n, int width, long max_pixels, pl_png_image *img,
                  char *msg, size_t cap)
{
	GError *ge = NULL;
	RsvgHandle *h = rsvg_handle_new_from_data((const guint8 *)svg, n, &ge);
	if (!h) {
		snprintf(msg, cap, "png: the SVG cannot be read: %s",
		         ge && ge->message ? ge->message : "unknown error");
		if (ge)
			g_error_free(ge);
		return PARLEY_EDATA;
	}
	double sw = 0, sh = 0;
	if (!svg_size(h, &sw, &sh)) {
		g_object_unref(h);
		snprintf(msg, cap, "png: the SVG has neither a size nor a viewBox");
		return PARLEY_EDATA;
	}
	long height = (long)(width * sh / sw + 0.5);
	if (height < 1 || (long)width * height > max_pixels) {
		g_object_unref(h);
		snprintf(msg, cap, "png: a %dx%ld image is too large", width, height);
		return PARLEY_ELIMIT;
	}
	cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, (int)height);
	cairo_t *cr = cairo_create(surf);
	int rc = 0;
	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
		snprintf(msg, cap, "png: cannot make a %dx%ld image", width, height);
		rc = PARLEY_ENOMEM;
	} else {
		/* white under the chart: RGB24 has no alpha, and e-mail clients
		 * differ on what a transparent background becomes */
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_paint(cr);
		RsvgRectangle vp = {0, 0, (double)width, (double)height};
		if (!rsvg_handle_render_document(h, cr, &vp, &ge)) {
			snprintf(msg, cap, "png: drawing the SVG failed: %s",
			         ge && ge->message ? ge->message : "unknown error");
			if (ge)
				g_error_free(ge);
			rc = PARLEY_EDATA;
		}
	}
	cairo_destroy(cr);
	g_object_unref(h);
	if (rc) {
		cairo_surface_destroy(surf);
		return rc;
	}
	cairo_surface_flush(surf);
	img->data = cairo_image_surface_get_data(surf);
	img->width = cairo_image_surface_get_width(surf);
	img->height = cairo_image_surface_get_height(surf);
	img->stride = cairo_image_surface_get_stride(surf);
	img->priv = surf;
	return 0;
}

static void image_free(pl_png_image *img)
{
	if (img && img->priv)
		cairo_surface_destroy(img->priv);
	if (img)
		img->priv = NULL;
}

/* The one symbol parley looks up (png_module.h). */
extern const pl_png_module parley_png_module;
__attribute__((visibility("default"))) const pl_png_module parley_png_module = {
	.abi = PL_PNG_MODULE_ABI,
	.render = render,
	.image_free = image_free,
};
