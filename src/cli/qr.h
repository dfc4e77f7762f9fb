/* qr.h - print a QR code on a terminal (for TOTP enrolment). */
#ifndef CU_CLI_QR_H
#define CU_CLI_QR_H

#include "core/common.h"

/* Print text as a QR code with Unicode half blocks to f. */
CU_WUR int cu_qr_print(FILE *f, const char *text);

#endif
