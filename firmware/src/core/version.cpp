#include "version.h"

#include <string.h>

#include "static_ota_limits.h"

namespace static_ota {
namespace {

constexpr uint8_t kIdentifierChars = kDigit | kLower | kUpper | kDash;  // [0-9A-Za-z-]
constexpr size_t kVersionNumbers = 3;  // major.minor.patch

// The parts of a version; data is null for a part that is absent.
struct VersionParts {
  TextSpan numbers;     // the three numbers and their dots
  TextSpan preRelease;  // after '-'
  TextSpan build;       // after '+'
};

VersionParts splitVersion(const TextSpan& version) {
  const size_t precedenceEnd = offsetOf(version.data, version.length, '+');
  const size_t numbersEnd = offsetOf(version.data, precedenceEnd, '-');  // the numbers have no '-'
  VersionParts parts;
  parts.numbers = TextSpan{version.data, numbersEnd};
  if (numbersEnd < precedenceEnd) parts.preRelease = TextSpan{version.data + numbersEnd + 1, precedenceEnd - numbersEnd - 1};
  if (precedenceEnd < version.length) parts.build = TextSpan{version.data + precedenceEnd + 1, version.length - precedenceEnd - 1};
  return parts;
}

// Removes the first identifier (and the separator after it) from a list and
// returns it; with endsAtDash, a '-' ends it as well as a '.'.
TextSpan takeIdentifier(TextSpan& list, bool endsAtDash = false) {
  const size_t dot = offsetOf(list.data, list.length, '.');
  const TextSpan identifier{list.data, endsAtDash ? offsetOf(list.data, dot, '-') : dot};
  const size_t consumed = identifier.length < list.length ? identifier.length + 1 : identifier.length;
  list.data += consumed;
  list.length -= consumed;
  return identifier;
}

// Number of identifiers in a dot-separated list, or 0 when one of them is
// empty, has a character outside set or, with checkNumbers, is a number with
// a leading zero or more than 15 digits.
size_t countIdentifiers(TextSpan list, uint8_t set, bool checkNumbers) {
  for (size_t count = 1;; ++count) {
    const size_t before = list.length;
    const TextSpan identifier = takeIdentifier(list);
    const char* text = identifier.data;
    const size_t length = identifier.length;
    if (length == 0 || !allIn(text, length, set)) return 0;
    if (checkNumbers && allIn(text, length, kDigit) &&
        (length > kMaxNumericIdentifierDigits || (length > 1 && text[0] == '0'))) {
      return 0;
    }
    if (length == before) return count;  // no dot after it: the last one
  }
}

// Numbers by digit count, then digits (never converted: no overflow); numbers
// below the others; the others bytewise, a prefix lower.
int compareIdentifiers(const TextSpan& a, const TextSpan& b) {
  const bool aNumeric = allIn(a.data, a.length, kDigit);
  const bool bNumeric = allIn(b.data, b.length, kDigit);
  if (aNumeric != bNumeric) return aNumeric ? -1 : 1;
  if (aNumeric && a.length != b.length) return a.length < b.length ? -1 : 1;
  const int order = memcmp(a.data, b.data, a.length < b.length ? a.length : b.length);
  if (order != 0 || a.length == b.length) return order;
  return a.length < b.length ? -1 : 1;
}

}  // namespace

bool isValidVersion(const TextSpan& version) {
  if (version.length == 0 || version.length > kMaxVersionLength) return false;
  const VersionParts parts = splitVersion(version);
  return countIdentifiers(parts.numbers, kDigit, true) == kVersionNumbers &&
         (parts.preRelease.data == nullptr || countIdentifiers(parts.preRelease, kIdentifierChars, true) != 0) &&
         (parts.build.data == nullptr || countIdentifiers(parts.build, kIdentifierChars, false) != 0);
}

int compareVersions(const TextSpan& a, const TextSpan& b) {
  // Up to the build metadata: the three numbers, then the pre-release identifiers.
  TextSpan aRest{a.data, offsetOf(a.data, a.length, '+')};
  TextSpan bRest{b.data, offsetOf(b.data, b.length, '+')};
  for (size_t index = 0;; ++index) {
    if (aRest.length == 0 || bRest.length == 0) {
      // The longer list is higher, except that a release (nothing after its
      // numbers) is higher than its pre-releases.
      const int order = static_cast<int>(aRest.length != 0) - static_cast<int>(bRest.length != 0);
      return index == kVersionNumbers ? -order : order;
    }
    // The numbers have no '-': the first one ends the third number.
    const bool inNumbers = index < kVersionNumbers;
    const int order = compareIdentifiers(takeIdentifier(aRest, inNumbers), takeIdentifier(bRest, inNumbers));
    if (order != 0) return order;
  }
}

}  // namespace static_ota
