/* SHA-256 of a byte string, as lowercase hex: the loader hashes the module an image embeds
 * itself (a manifest pins those bytes), rather than trusting the hash the image carries. */
#ifndef HW_SHA256_H
#define HW_SHA256_H

#include <stddef.h>
#include <stdint.h>

/* hex receives 64 hex digits and a NUL. */
void hw_sha256_hex(const uint8_t *data, size_t len, char hex[65]);

#endif
