#include "version.h"

#include <string.h>

#include "static_ota_limits.h"

namespace static_ota {
namespace {

bool isIdentifierChar(char c) {
  return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

bool isAllDigits(const char* text, size_t length) {
  for (size_t i = 0; i < length; ++i) {
    if (!isDigit(text[i])) return false;
  }
  return true;
}

// A numeric identifier as the protocol allows it: no leading zero, at most 15 digits.
bool isValidNumber(const char* text, size_t length) {
  return length >= 1 && length <= kMaxNumericIdentifierDigits && isAllDigits(text, length) &&
         !(length > 1 && text[0] == '0');
}

// Length of the identifier starting at position, stopping at '.', '-', '+' or the end.
size_t numberLength(const TextSpan& text, size_t position) {
  size_t end = position;
  while (end < text.length && isDigit(text.data[end])) ++end;
  return end - position;
}

// Validates a dot-separated identifier list starting at position; stops at
// stopChar or the end. Returns the position after the list, or 0 when invalid
// (a list never starts at offset 0 of a version).
size_t scanIdentifiers(const TextSpan& text, size_t position, char stopChar, bool checkNumeric) {
  while (true) {
    size_t end = position;
    while (end < text.length && isIdentifierChar(text.data[end])) ++end;
    const size_t length = end - position;
    if (length == 0) return 0;
    if (checkNumeric && isAllDigits(text.data + position, length) && !isValidNumber(text.data + position, length)) {
      return 0;
    }
    if (end == text.length || text.data[end] == stopChar) return end;
    if (text.data[end] != '.') return 0;
    position = end + 1;
  }
}

int compareNumbers(const char* a, size_t aLength, const char* b, size_t bLength) {
  if (aLength != bLength) return aLength < bLength ? -1 : 1;
  return memcmp(a, b, aLength);
}

int compareBytes(const char* a, size_t aLength, const char* b, size_t bLength) {
  const size_t common = aLength < bLength ? aLength : bLength;
  const int order = memcmp(a, b, common);
  if (order != 0) return order;
  if (aLength == bLength) return 0;
  return aLength < bLength ? -1 : 1;
}

// Reads the identifier at position (up to '.' or end) and moves past its '.'.
TextSpan nextIdentifier(const char* data, size_t end, size_t& position) {
  TextSpan identifier;
  identifier.data = data + position;
  while (position < end && data[position] != '.') ++position;
  identifier.length = static_cast<size_t>(data + position - identifier.data);
  if (position < end) ++position;
  return identifier;
}

int compareIdentifiers(const TextSpan& a, const TextSpan& b) {
  const bool aNumeric = isAllDigits(a.data, a.length);
  const bool bNumeric = isAllDigits(b.data, b.length);
  if (aNumeric && bNumeric) return compareNumbers(a.data, a.length, b.data, b.length);
  if (aNumeric != bNumeric) return aNumeric ? -1 : 1;  // numeric identifiers are lower
  return compareBytes(a.data, a.length, b.data, b.length);
}

// Where a valid version's parts are: main [0, preReleaseStart - 1), pre-release up to precedenceEnd.
struct VersionParts {
  size_t mainEnd;
  size_t preReleaseStart;  // == precedenceEnd when there is no pre-release
  size_t precedenceEnd;

  explicit VersionParts(const TextSpan& version) : mainEnd(version.length), preReleaseStart(version.length), precedenceEnd(version.length) {
    for (size_t i = 0; i < version.length; ++i) {
      if (version.data[i] == '+') {
        precedenceEnd = i;
        break;
      }
    }
    mainEnd = precedenceEnd;
    preReleaseStart = precedenceEnd;
    for (size_t i = 0; i < precedenceEnd; ++i) {
      if (version.data[i] == '-') {  // the main part has only digits and dots
        mainEnd = i;
        preReleaseStart = i + 1;
        break;
      }
    }
  }

  bool hasPreRelease() const { return preReleaseStart < precedenceEnd; }
};

}  // namespace

bool isValidVersion(const TextSpan& version) {
  if (version.length == 0 || version.length > kMaxVersionLength) return false;
  size_t position = 0;
  for (int part = 0; part < 3; ++part) {
    const size_t length = numberLength(version, position);
    if (!isValidNumber(version.data + position, length)) return false;
    position += length;
    if (part < 2) {
      if (position >= version.length || version.data[position] != '.') return false;
      ++position;
    }
  }
  if (position < version.length && version.data[position] == '-') {
    position = scanIdentifiers(version, position + 1, '+', true);
    if (position == 0) return false;
  }
  if (position < version.length && version.data[position] == '+') {
    position = scanIdentifiers(version, position + 1, '\0', false);
    if (position == 0) return false;
  }
  return position == version.length;
}

int compareVersions(const TextSpan& a, const TextSpan& b) {
  const VersionParts aParts(a);
  const VersionParts bParts(b);
  size_t aPosition = 0;
  size_t bPosition = 0;
  for (int part = 0; part < 3; ++part) {
    const TextSpan aNumber = nextIdentifier(a.data, aParts.mainEnd, aPosition);
    const TextSpan bNumber = nextIdentifier(b.data, bParts.mainEnd, bPosition);
    const int order = compareNumbers(aNumber.data, aNumber.length, bNumber.data, bNumber.length);
    if (order != 0) return order;
  }
  if (aParts.hasPreRelease() != bParts.hasPreRelease()) return aParts.hasPreRelease() ? -1 : 1;
  aPosition = aParts.preReleaseStart;
  bPosition = bParts.preReleaseStart;
  while (aPosition < aParts.precedenceEnd && bPosition < bParts.precedenceEnd) {
    const int order = compareIdentifiers(nextIdentifier(a.data, aParts.precedenceEnd, aPosition),
                                         nextIdentifier(b.data, bParts.precedenceEnd, bPosition));
    if (order != 0) return order;
  }
  const bool aHasMore = aPosition < aParts.precedenceEnd;
  const bool bHasMore = bPosition < bParts.precedenceEnd;
  if (aHasMore == bHasMore) return 0;
  return aHasMore ? 1 : -1;  // a longer identifier list is higher when all before are equal
}

}  // namespace static_ota
