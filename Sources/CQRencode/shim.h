#ifndef RELANCE_CQRENCODE_SHIM_H
#define RELANCE_CQRENCODE_SHIM_H
// libqrencode for the EPC "scan to pay" QR code on letters and invoices.
#include <qrencode.h>
#endif
