#include "url.h"

#include <string.h>

#include "static_ota_limits.h"

namespace static_ota {

bool imageUrlFor(const char* manifestUrl, const TextSpan& file, char* out, size_t capacity) {
  const size_t urlLength = boundedLength(manifestUrl, kMaxUrlLength);
  if (urlLength > kMaxUrlLength) return false;
  const size_t schemeEnd = offsetOf(manifestUrl, urlLength, ':');
  if (urlLength - schemeEnd < 3 || manifestUrl[schemeEnd + 1] != '/' || manifestUrl[schemeEnd + 2] != '/') return false;
  const char* authority = manifestUrl + schemeEnd + 3;  // after "://"
  const size_t rest = urlLength - schemeEnd - 3;
  // The path starts at the first '/' after the authority and ends at '?' or '#'.
  size_t pathEnd = offsetOf(authority, rest, '?');
  pathEnd = offsetOf(authority, pathEnd, '#');
  if (offsetOf(authority, pathEnd, '/') == pathEnd) return false;
  size_t prefixLength = pathEnd;  // up to and with the path's last '/'
  while (authority[prefixLength - 1] != '/') --prefixLength;
  prefixLength += schemeEnd + 3;
  if (prefixLength + file.length >= capacity) return false;
  memcpy(out, manifestUrl, prefixLength);
  memcpy(out + prefixLength, file.data, file.length);
  out[prefixLength + file.length] = '\0';
  return true;
}

}  // namespace static_ota
