/* Error messages of the embedding API: one line into the caller's buffer. */
#include <stdio.h>

#include "rt.h"

void
rt_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}
