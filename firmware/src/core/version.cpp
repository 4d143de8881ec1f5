#include "version.h"

#include <string.h>

#include "static_ota_limits.h"

namespace static_ota {
namespace {

constexpr uint8_t kIdentifierChars = kDigit | kLower | kUpper | kDash;  // [0-9A-Za-z-]

// Where a version's parts are: the three numbers in [0, mainEnd), the
// pre-release identifiers between mainEnd and precedenceEnd when there are
// any, the build metadata after precedenceEnd.
struct VersionParts {
  size_t precedenceEnd;
  size_t mainEnd;

  explicit VersionParts(const TextSpan& version)
      : precedenceEnd(offsetOf(version.data, version.length, '+')),
        mainEnd(offsetOf(version.data, precedenceEnd, '-')) {}  // the numbers have no '-'

  bool hasPreRelease() const { return mainEnd < precedenceEnd; }
  TextSpan preRelease(const TextSpan& version) const {
    return TextSpan{version.data + mainEnd + 1, precedenceEnd - mainEnd - 1};
  }
};

// Removes the first identifier (and the dot after it) from a list and returns it.
TextSpan takeIdentifier(TextSpan& list) {
  const TextSpan identifier{list.data, offsetOf(list.data, list.length, '.')};
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

// Dot-separated lists of valid identifiers: the first difference decides,
// otherwise the longer list is higher.
int compareIdentifierLists(TextSpan a, TextSpan b) {
  while (a.length != 0 && b.length != 0) {
    const int order = compareIdentifiers(takeIdentifier(a), takeIdentifier(b));
    if (order != 0) return order;
  }
  return static_cast<int>(a.length != 0) - static_cast<int>(b.length != 0);
}

}  // namespace

bool isValidVersion(const TextSpan& version) {
  if (version.length == 0 || version.length > kMaxVersionLength) return false;
  const VersionParts parts(version);
  if (countIdentifiers(TextSpan{version.data, parts.mainEnd}, kDigit, true) != 3) return false;
  if (parts.hasPreRelease() && countIdentifiers(parts.preRelease(version), kIdentifierChars, true) == 0) return false;
  const size_t buildStart = parts.precedenceEnd + 1;
  return buildStart > version.length ||
         countIdentifiers(TextSpan{version.data + buildStart, version.length - buildStart}, kIdentifierChars, false) != 0;
}

int compareVersions(const TextSpan& a, const TextSpan& b) {
  const VersionParts aParts(a);
  const VersionParts bParts(b);
  // Three numbers each: they compare as identifier lists.
  const int order = compareIdentifierLists(TextSpan{a.data, aParts.mainEnd}, TextSpan{b.data, bParts.mainEnd});
  if (order != 0) return order;
  if (aParts.hasPreRelease() != bParts.hasPreRelease()) return aParts.hasPreRelease() ? -1 : 1;  // a release is higher
  if (!aParts.hasPreRelease()) return 0;
  return compareIdentifierLists(aParts.preRelease(a), bParts.preRelease(b));
}

}  // namespace static_ota
