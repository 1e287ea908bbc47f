/*
 * png.h - charts as PNG, drawn in process from their SVG (librsvg + cairo):
 * social cards and e-mail take no SVG (../shared/docs/CHARTS.md, "a PNG
 * twin of every chart").
 */
#ifndef PARLEY_WEB_PNG_H
#define PARLEY_WEB_PNG_H

#include "internal.h"

/* The 1200 px that social cards ask for (Open Graph), which is also a
 * 600 px e-mail column at twice the density; 1.25 times the charts'
 * 960-unit viewBox.  (1920 px cost 2.6 times the pixels to draw and
 * encode: a 50-brief site took 2.7 s instead of 1.9 s.) */
#define PL_PNG_WIDTH 1200

/* Draws svg (n bytes) on a white background, width pixels wide (the height
 * keeps the viewBox's aspect), and appends the PNG file's bytes to out.
 * PARLEY_EDATA when librsvg cannot read the SVG or it has no size;
 * PARLEY_ENOMEM / PARLEY_ELIMIT when out cannot hold the image. */
int pl_svg_png(const char *svg, size_t n, int width, pl_buf *out, parley_err *err);

/* 1 when data (n bytes) starts with the PNG signature and a valid IHDR
 * chunk; *w and *h then get the image's size (either may be NULL). */
int pl_png_size(const void *data, size_t n, unsigned *w, unsigned *h);

#endif
