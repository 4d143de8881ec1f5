#include "url.h"

#include <string.h>

#include "static_ota_limits.h"

namespace static_ota {

bool imageUrlFor(const char* manifestUrl, const TextSpan& file, char* out, size_t capacity) {
  const size_t urlLength = boundedLength(manifestUrl, kMaxUrlLength);
  if (urlLength > kMaxUrlLength) return false;
  const char* scheme = static_cast<const char*>(memchr(manifestUrl, ':', urlLength));
  if (scheme == nullptr || urlLength - static_cast<size_t>(scheme - manifestUrl) < 3 || scheme[1] != '/' ||
      scheme[2] != '/') {
    return false;
  }
  const size_t authorityStart = static_cast<size_t>(scheme - manifestUrl) + 3;
  size_t pathEnd = urlLength;  // the path ends at '?' or '#'
  for (size_t i = authorityStart; i < urlLength; ++i) {
    if (manifestUrl[i] == '?' || manifestUrl[i] == '#') {
      pathEnd = i;
      break;
    }
  }
  const void* pathStart = memchr(manifestUrl + authorityStart, '/', pathEnd - authorityStart);
  if (pathStart == nullptr) return false;
  size_t lastSlash = pathEnd - 1;
  while (manifestUrl[lastSlash] != '/') --lastSlash;
  const size_t prefixLength = lastSlash + 1;
  if (prefixLength + file.length >= capacity) return false;
  memcpy(out, manifestUrl, prefixLength);
  memcpy(out + prefixLength, file.data, file.length);
  out[prefixLength + file.length] = '\0';
  return true;
}

}  // namespace static_ota
