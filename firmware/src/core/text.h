// Byte-string helpers for the core: bounded views into caller-owned buffers,
// lowercase-hex and decimal decoding. No allocation, no locale, no libc
// beyond memcmp/memcpy.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace static_ota {

// A view into a buffer owned by someone else. Not NUL-terminated.
struct TextSpan {
  const char* data = nullptr;
  size_t length = 0;

  bool equals(const char* text, size_t textLength) const;
  bool equals(const TextSpan& other) const { return equals(other.data, other.length); }
  bool equalsCString(const char* text) const;  // text is NUL-terminated
  bool startsWith(const char* prefix, size_t prefixLength) const;
};

// Length of a NUL-terminated string, giving up (returning limit + 1) past limit
// so an unterminated buffer is never overrun.
size_t boundedLength(const char* text, size_t limit);

// Copies span into out (capacity includes the NUL); false when it does not fit.
bool copyToCString(const TextSpan& span, char* out, size_t capacity);

bool isLowerHexDigit(char c);
bool isDigit(char c);

// Decodes exactly 2 * byteCount lowercase hex characters.
bool decodeLowerHex(const char* hex, size_t byteCount, uint8_t* out);

// Decimal without leading zeros ("0" allowed), at most 4294967295.
bool parseDecimalUint32(const TextSpan& text, uint32_t& value);

}  // namespace static_ota
