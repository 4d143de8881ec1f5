// Host crypto backend: OpenSSL 3 libcrypto through EVP (SHA-256, Ed25519).
#pragma once

#include <openssl/evp.h>

#include "core/crypto_backend.h"

namespace static_ota {

class OpenSslCrypto final : public CryptoBackend {
 public:
  OpenSslCrypto();
  ~OpenSslCrypto();
  OpenSslCrypto(const OpenSslCrypto&) = delete;
  OpenSslCrypto& operator=(const OpenSslCrypto&) = delete;

  void sha256Begin() override;
  void sha256Update(const uint8_t* data, size_t length) override;
  void sha256Finish(uint8_t digest[32]) override;
  bool ed25519Verify(const uint8_t signature[64], const uint8_t publicKey[32], const uint8_t* message,
                     size_t length) override;

 private:
  EVP_MD_CTX* sha256_;
};

}  // namespace static_ota
