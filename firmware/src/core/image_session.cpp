#include "image_session.h"

#include <string.h>

namespace static_ota {

ImageSession::ImageSession(CryptoBackend& crypto, uint32_t declaredSize, const uint8_t expectedSha256[kSha256Length])
    : crypto_(crypto), declaredSize_(declaredSize), expectedSha256_(expectedSha256) {
  crypto_.sha256Begin();
}

bool ImageSession::append(const uint8_t* chunk, size_t length) {
  if (length > remaining()) return false;
  crypto_.sha256Update(chunk, length);
  received_ += static_cast<uint32_t>(length);
  return true;
}

bool ImageSession::finish() {
  uint8_t digest[kSha256Length];
  crypto_.sha256Finish(digest);
  // Not secret: a constant-time comparison buys nothing here.
  return memcmp(digest, expectedSha256_, kSha256Length) == 0 && complete();
}

}  // namespace static_ota
