// The two primitives the core needs, behind a small interface so the same core
// runs with OpenSSL on a host and with rweather Crypto + BearSSL/mbedTLS on
// the chips. Strictness checks happen in the core before a backend is called
// (ed25519_strict.h), so every backend is as strict as the publisher.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace static_ota {

class CryptoBackend {
 public:
  // One SHA-256 computation at a time: begin, any number of updates, finish.
  virtual void sha256Begin() = 0;
  virtual void sha256Update(const uint8_t* data, size_t length) = 0;
  virtual void sha256Finish(uint8_t digest[32]) = 0;

  // Plain RFC 8032 Ed25519 verification of message under publicKey.
  virtual bool ed25519Verify(const uint8_t signature[64], const uint8_t publicKey[32], const uint8_t* message,
                             size_t length) = 0;

 protected:
  ~CryptoBackend() = default;  // never deleted through the interface: no heap
};

}  // namespace static_ota
