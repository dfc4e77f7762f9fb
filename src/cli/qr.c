#include "cli/qr.h"

#include <qrencode.h>

int cu_qr_print(FILE *f, const char *text)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	int w, quiet = 2;

	if (!q)
		return CU_ERR_INVALID;
	w = q->width;
	/* Two modules per character cell: upper and lower half blocks.
	 * Dark modules are printed as spaces on a light background. */
	for (int y = -quiet; y < w + quiet; y += 2) {
		for (int x = -quiet; x < w + quiet; x++) {
			bool top = y >= 0 && y < w && x >= 0 && x < w && (q->data[y * w + x] & 1);
			bool bot = y + 1 >= 0 && y + 1 < w && x >= 0 && x < w &&
				   (q->data[(y + 1) * w + x] & 1);
			fputs(top && bot ? " " : top ? "\xe2\x96\x84" : bot ? "\xe2\x96\x80" : "\xe2\x96\x88", f);
		}
		fputc('\n', f);
	}
	QRcode_free(q);
	return CU_OK;
}
