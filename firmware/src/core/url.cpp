#include "url.h"

#include <string.h>

#include "static_ota_limits.h"

namespace static_ota {

namespace {

// Length of the URL up to and with its path's last '/', or 0 when it is not
// scheme://host/path within kMaxUrlLength.
size_t folderLength(const char* url) {
  const size_t urlLength = boundedLength(url, kMaxUrlLength);
  if (urlLength > kMaxUrlLength) return 0;
  const size_t schemeEnd = offsetOf(url, urlLength, ':');
  if (urlLength - schemeEnd < 3 || url[schemeEnd + 1] != '/' || url[schemeEnd + 2] != '/') return 0;
  const char* authority = url + schemeEnd + 3;  // after "://"
  const size_t rest = urlLength - schemeEnd - 3;
  // The path starts at the first '/' after the authority and ends at '?' or '#'.
  size_t pathEnd = offsetOf(authority, rest, '?');
  pathEnd = offsetOf(authority, pathEnd, '#');
  if (offsetOf(authority, pathEnd, '/') == pathEnd) return 0;
  size_t prefixLength = pathEnd;
  while (authority[prefixLength - 1] != '/') --prefixLength;
  return prefixLength + schemeEnd + 3;
}

}  // namespace

bool isFetchableUrl(const char* url) { return folderLength(url) != 0; }

bool imageUrlFor(const char* manifestUrl, const TextSpan& file, char* out, size_t capacity) {
  const size_t prefixLength = folderLength(manifestUrl);
  if (prefixLength == 0 || prefixLength + file.length >= capacity) return false;
  memcpy(out, manifestUrl, prefixLength);
  memcpy(out + prefixLength, file.data, file.length);
  out[prefixLength + file.length] = '\0';
  return true;
}

bool patchManifestUrlFor(const char* imageUrl, const char* baseVersion, char* out, size_t capacity) {
  const char* parts[] = {imageUrl, ".from-", baseVersion, ".txt"};
  size_t length = 0;
  for (const char* part : parts) {
    for (const char* c = part; *c != '\0'; ++c) {
      if (length + 1 >= capacity) return false;
      out[length++] = part == baseVersion && *c == '+' ? '_' : *c;
    }
  }
  out[length] = '\0';
  return true;
}

}  // namespace static_ota
