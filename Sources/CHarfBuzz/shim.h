#ifndef RELANCE_CHARFBUZZ_SHIM_H
#define RELANCE_CHARFBUZZ_SHIM_H
// HarfBuzz's subsetter (hb-subset), font metrics and name table: the letters' PDF writer embeds
// each font as a subset it builds once per process.
#include <hb.h>
#include <hb-ot.h>
#include <hb-subset.h>
#endif
