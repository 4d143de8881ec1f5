#include "text.h"

#include <string.h>

namespace static_ota {

bool TextSpan::equals(const char* text, size_t textLength) const {
  return length == textLength && memcmp(data, text, length) == 0;
}

bool TextSpan::equalsCString(const char* text) const { return equals(text, boundedLength(text, length)); }

size_t boundedLength(const char* text, size_t limit) {
  size_t length = 0;
  while (length <= limit && text[length] != '\0') ++length;
  return length;
}

bool sameCString(const char* a, const char* b) {
  while (*a == *b && *a != '\0') ++a, ++b;
  return *a == *b;
}

bool copyToCString(const TextSpan& span, char* out, size_t capacity) {
  if (span.length >= capacity) return false;
  memcpy(out, span.data, span.length);
  out[span.length] = '\0';
  return true;
}

size_t offsetOf(const char* text, size_t length, char c) {
  const void* found = memchr(text, c, length);
  return found == nullptr ? length : static_cast<size_t>(static_cast<const char*>(found) - text);
}

namespace {

// Each class is one range of characters.
struct CharRange {
  char first;
  char last;
  uint8_t charClass;
};
constexpr CharRange kCharRanges[] = {
    {'0', '9', kDigit}, {'a', 'f', kHexLetter}, {'g', 'z', kOtherLower}, {'A', 'Z', kUpper},
    {'-', '-', kDash},  {'_', '_', kUnderscore}, {'.', '.', kDot},
};

bool isIn(char c, uint8_t set) {
  for (const CharRange& range : kCharRanges) {
    if ((range.charClass & set) != 0 && c >= range.first && c <= range.last) return true;
  }
  return false;
}

}  // namespace

bool allIn(const char* text, size_t length, uint8_t set) {
  for (size_t i = 0; i < length; ++i) {
    if (!isIn(text[i], set)) return false;
  }
  return true;
}

bool decodeLowerHex(const char* hex, size_t byteCount, uint8_t* out) {
  if (!allIn(hex, 2 * byteCount, kLowerHex)) return false;
  for (size_t i = 0; i < 2 * byteCount; ++i) {
    // '0'-'9' are 0x30-0x39 and 'a'-'f' 0x61-0x66: the low nibble, plus 9 for a letter.
    const uint8_t nibble = static_cast<uint8_t>((hex[i] & 0x0f) + (hex[i] >> 6) * 9);
    out[i / 2] = static_cast<uint8_t>(i % 2 == 0 ? nibble << 4 : out[i / 2] | nibble);
  }
  return true;
}

bool parseDecimalUint32(const TextSpan& text, uint32_t& value) {
  if (text.length == 0 || text.length > 10 || (text.length > 1 && text.data[0] == '0') ||
      !allIn(text.data, text.length, kDigit)) {
    return false;
  }
  uint32_t accumulated = 0;
  for (size_t i = 0; i < text.length; ++i) {
    const uint32_t digit = static_cast<uint32_t>(text.data[i] - '0');
    // 32-bit overflow check instead of 64-bit math: lx106 has no 64-bit multiply.
    if (accumulated > 429496729u || (accumulated == 429496729u && digit > 5)) return false;
    accumulated = accumulated * 10 + digit;
  }
  value = accumulated;
  return true;
}

const char* packedString(const char* packed, size_t index, size_t count) {
  if (index >= count) return "unknown";
  while (index-- > 0) packed += strlen(packed) + 1;
  return packed;
}

}  // namespace static_ota
