#ifndef RELANCE_CPANGOCAIRO_SHIM_H
#define RELANCE_CPANGOCAIRO_SHIM_H
// cairo (PDF surfaces) and pango (text layout) for the Dunning and Billing documents.
#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#endif
