// Byte-string helpers for the core: bounded views into caller-owned buffers,
// the protocol's character classes, lowercase-hex and decimal decoding, and
// packed string tables. No allocation, no locale, no libc beyond
// memchr/memcmp/memcpy/strlen.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace static_ota {

// A view into a buffer owned by someone else. Not NUL-terminated.
struct TextSpan {
  const char* data = nullptr;
  size_t length = 0;

  bool equals(const char* text, size_t textLength) const;
  bool equalsCString(const char* text) const;  // text is NUL-terminated
};

// Length of a NUL-terminated string, giving up (returning limit + 1) past limit
// so an unterminated buffer is never overrun.
size_t boundedLength(const char* text, size_t limit);

// Two NUL-terminated strings are equal.
bool sameCString(const char* a, const char* b);

// Copies span into out (capacity includes the NUL); false when it does not fit.
bool copyToCString(const TextSpan& span, char* out, size_t capacity);

// Offset of the first c in text[0, length), or length when there is none.
size_t offsetOf(const char* text, size_t length, char c);

// Character classes of the protocol's alphabets; a set of them is a mask.
enum CharClass : uint8_t {
  kDigit = 1 << 0,        // 0-9
  kHexLetter = 1 << 1,    // a-f
  kOtherLower = 1 << 2,   // g-z
  kUpper = 1 << 3,        // A-Z
  kDash = 1 << 4,         // -
  kUnderscore = 1 << 5,   // _
  kDot = 1 << 6,          // .
};
constexpr uint8_t kLowerHex = kDigit | kHexLetter;
constexpr uint8_t kLower = kHexLetter | kOtherLower;

// Every one of the length bytes at text is in the set (true when length is 0).
bool allIn(const char* text, size_t length, uint8_t set);

inline bool isDigit(char c) { return c >= '0' && c <= '9'; }

// Decodes exactly 2 * byteCount lowercase hex characters.
bool decodeLowerHex(const char* hex, size_t byteCount, uint8_t* out);

// Decimal without leading zeros ("0" allowed), at most 4294967295.
bool parseDecimalUint32(const TextSpan& text, uint32_t& value);

// Token tables stored as one literal, "first\0" "second\0" ... "last",
// instead of a switch or an array of pointers: the index-th of its count
// strings, or "unknown" past them.
const char* packedString(const char* packed, size_t index, size_t count);

// Number of strings in such a table, for static_asserts against the enum.
template <size_t N>
constexpr size_t packedCount(const char (&packed)[N]) {
  size_t count = 1;  // the last string ends with the literal's own NUL
  for (size_t i = 0; i + 1 < N; ++i) count += packed[i] == '\0' ? 1 : 0;
  return count;
}

}  // namespace static_ota
