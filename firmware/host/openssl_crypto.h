// Host crypto backend: OpenSSL 3 libcrypto through EVP (SHA-256, Ed25519).
#pragma once

#include <openssl/evp.h>

#include "core/crypto_backend.h"

namespace static_ota {

class OpenSslCrypto final : public CryptoBackend {
 public:
  // Does OpenSSL's one-time work here, as a device initialises its crypto
  // library at boot: configuration and providers, and the algorithm fetches
  // (SHA-256; Ed25519's key management and signature; the SHA-512 that
  // Ed25519 verification fetches internally). Each later call then finds them
  // in OpenSSL's method cache; hashing and verification still run in full.
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
  EVP_MD* sha256Algorithm_ = nullptr;
  EVP_MD* sha512Algorithm_ = nullptr;
  EVP_KEYMGMT* ed25519KeyManagement_ = nullptr;
  EVP_SIGNATURE* ed25519Signature_ = nullptr;
  EVP_MD_CTX* sha256_ = nullptr;
};

}  // namespace static_ota
