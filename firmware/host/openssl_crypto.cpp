#include "openssl_crypto.h"

#include <cstdio>
#include <cstdlib>

#include <openssl/crypto.h>

namespace static_ota {

namespace {
// A host without working libcrypto cannot simulate anything: stop loudly.
void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "OpenSSL failure: %s\n", what);
    std::abort();
  }
}
}  // namespace

OpenSslCrypto::OpenSslCrypto() {
  require(OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG, nullptr) == 1, "OPENSSL_init_crypto");
  sha256Algorithm_ = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  sha512Algorithm_ = EVP_MD_fetch(nullptr, "SHA512", nullptr);
  ed25519KeyManagement_ = EVP_KEYMGMT_fetch(nullptr, "ED25519", nullptr);
  ed25519Signature_ = EVP_SIGNATURE_fetch(nullptr, "ED25519", nullptr);
  sha256_ = EVP_MD_CTX_new();
  require(sha256Algorithm_ != nullptr && sha512Algorithm_ != nullptr && ed25519KeyManagement_ != nullptr &&
              ed25519Signature_ != nullptr && sha256_ != nullptr,
          "algorithm fetch");
}

OpenSslCrypto::~OpenSslCrypto() {
  EVP_MD_CTX_free(sha256_);
  EVP_SIGNATURE_free(ed25519Signature_);
  EVP_KEYMGMT_free(ed25519KeyManagement_);
  EVP_MD_free(sha512Algorithm_);
  EVP_MD_free(sha256Algorithm_);
}

void OpenSslCrypto::sha256Begin() {
  require(EVP_DigestInit_ex(sha256_, sha256Algorithm_, nullptr) == 1, "sha256 init");
}

void OpenSslCrypto::sha256Update(const uint8_t* data, size_t length) {
  require(EVP_DigestUpdate(sha256_, data, length) == 1, "sha256 update");
}

void OpenSslCrypto::sha256Finish(uint8_t digest[32]) {
  unsigned int length = 0;
  require(EVP_DigestFinal_ex(sha256_, digest, &length) == 1 && length == 32, "sha256 final");
}

bool OpenSslCrypto::ed25519Verify(const uint8_t signature[64], const uint8_t publicKey[32], const uint8_t* message,
                                  size_t length) {
  EVP_PKEY* key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, publicKey, 32);
  if (key == nullptr) return false;  // not a point on the curve
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  bool valid = false;
  if (context != nullptr && EVP_DigestVerifyInit(context, nullptr, nullptr, nullptr, key) == 1) {
    valid = EVP_DigestVerify(context, signature, 64, message, length) == 1;
  }
  EVP_MD_CTX_free(context);
  EVP_PKEY_free(key);
  return valid;
}

}  // namespace static_ota
