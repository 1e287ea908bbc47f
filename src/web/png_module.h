/*
 * png_module.h - the table of parley-png.so (module.h): librsvg and cairo
 * draw an SVG into pixels there, so that only a PNG request maps them.
 * The PNG file itself is written by png.c in libparley.  Self-contained:
 * the module needs nothing of libparley.
 */
#ifndef PARLEY_WEB_PNG_MODULE_H
#define PARLEY_WEB_PNG_MODULE_H

#include <stddef.h>

#define PL_PNG_MODULE_FILE "parley-png.so"
#define PL_PNG_MODULE_SYMBOL "parley_png_module"
#define PL_PNG_MODULE_ABI 1u

/* Pixels drawn by the module: height rows of stride bytes, each pixel
 * 0x00RRGGBB in native order (cairo's RGB24).  Freed by image_free. */
typedef struct pl_png_image {
	const unsigned char *data;
	int width, height, stride;
	void *priv; /* the module's surface */
} pl_png_image;

typedef struct pl_png_module {
	unsigned abi; /* PL_PNG_MODULE_ABI: first, checked before anything else */
	/* Draws svg (n bytes) on white, width pixels wide, the height keeping
	 * the SVG's aspect; at most max_pixels pixels.  Returns 0 with *img
	 * filled, or a PARLEY_E* status (EDATA: unreadable SVG or no size;
	 * ELIMIT: too large; ENOMEM) with a message in msg (cap bytes). */
	int (*render)(const char *svg, size_t n, int width, long max_pixels, pl_png_image *img,
	              char *msg, size_t cap);
	void (*image_free)(pl_png_image *img);
} pl_png_module;

#endif
