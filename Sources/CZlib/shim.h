// The system zlib (zlib1g-dev), which cairo already links: used by Store to compress message bodies.
#include <zlib.h>
