/*
 * png.h - charts as PNG, drawn in process from their SVG (librsvg + cairo):
 * social cards and e-mail take no SVG (../shared/docs/CHARTS.md, "a PNG
 * twin of every chart").
 */
#ifndef PARLEY_WEB_PNG_H
#define PARLEY_WEB_PNG_H

#include "internal.h"

/* Twice the charts' 960-unit viewBox: sharp on high-density screens and
 * above the 1200 px that social cards ask for. */
#define PL_PNG_WIDTH 1920

/* Draws svg (n bytes) on a white background, width pixels wide (the height
 * keeps the viewBox's aspect), and appends the PNG file's bytes to out.
 * PARLEY_EDATA when librsvg cannot read the SVG or it has no size;
 * PARLEY_ENOMEM / PARLEY_ELIMIT when out cannot hold the image. */
int pl_svg_png(const char *svg, size_t n, int width, pl_buf *out, parley_err *err);

/* 1 when data (n bytes) starts with the PNG signature and a valid IHDR
 * chunk; *w and *h then get the image's size (either may be NULL). */
int pl_png_size(const void *data, size_t n, unsigned *w, unsigned *h);

#endif
