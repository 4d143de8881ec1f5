#include "text.h"

#include <string.h>

namespace static_ota {

bool TextSpan::equals(const char* text, size_t textLength) const {
  return length == textLength && memcmp(data, text, length) == 0;
}

bool TextSpan::equalsCString(const char* text) const {
  const size_t textLength = boundedLength(text, length);
  return textLength == length && memcmp(data, text, length) == 0;
}

bool TextSpan::startsWith(const char* prefix, size_t prefixLength) const {
  return length >= prefixLength && memcmp(data, prefix, prefixLength) == 0;
}

size_t boundedLength(const char* text, size_t limit) {
  size_t length = 0;
  while (length <= limit && text[length] != '\0') ++length;
  return length;
}

bool copyToCString(const TextSpan& span, char* out, size_t capacity) {
  if (span.length >= capacity) return false;
  memcpy(out, span.data, span.length);
  out[span.length] = '\0';
  return true;
}

bool isLowerHexDigit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

bool isDigit(char c) { return c >= '0' && c <= '9'; }

static uint8_t hexValue(char c) { return c <= '9' ? static_cast<uint8_t>(c - '0') : static_cast<uint8_t>(c - 'a' + 10); }

bool decodeLowerHex(const char* hex, size_t byteCount, uint8_t* out) {
  for (size_t i = 0; i < 2 * byteCount; ++i) {
    if (!isLowerHexDigit(hex[i])) return false;
  }
  for (size_t i = 0; i < byteCount; ++i) {
    out[i] = static_cast<uint8_t>(hexValue(hex[2 * i]) << 4 | hexValue(hex[2 * i + 1]));
  }
  return true;
}

bool parseDecimalUint32(const TextSpan& text, uint32_t& value) {
  if (text.length == 0 || text.length > 10) return false;
  if (text.length > 1 && text.data[0] == '0') return false;
  uint32_t accumulated = 0;
  for (size_t i = 0; i < text.length; ++i) {
    if (!isDigit(text.data[i])) return false;
    const uint32_t digit = static_cast<uint32_t>(text.data[i] - '0');
    // 32-bit overflow check instead of 64-bit math: lx106 has no 64-bit multiply.
    if (accumulated > 429496729u || (accumulated == 429496729u && digit > 5)) return false;
    accumulated = accumulated * 10 + digit;
  }
  value = accumulated;
  return true;
}

}  // namespace static_ota
