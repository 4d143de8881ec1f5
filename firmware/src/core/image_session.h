// Receives an image in chunks: refuses bytes past the declared size, hashes
// everything with SHA-256, and tells at the end whether size and hash match.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "crypto_backend.h"
#include "static_ota_limits.h"

namespace static_ota {

class ImageSession {
 public:
  // expectedSha256 is read by finish(): it must outlive the session.
  ImageSession(CryptoBackend& crypto, uint32_t declaredSize, const uint8_t expectedSha256[kSha256Length]);

  // False, with nothing hashed, when the chunk would go past the declared size.
  bool append(const uint8_t* chunk, size_t length);

  uint32_t received() const { return received_; }
  uint32_t remaining() const { return declaredSize_ - received_; }
  bool complete() const { return received_ == declaredSize_; }

  // Ends the hash; call once. True when every declared byte arrived and
  // their SHA-256 is the expected one.
  bool finish();

 private:
  CryptoBackend& crypto_;
  uint32_t declaredSize_;
  uint32_t received_ = 0;
  const uint8_t* expectedSha256_;
};

}  // namespace static_ota
