// Crypto backend on the chips: Ed25519 from rweather's Crypto library
// (Ed25519::verify, both chips) and SHA-256 from what the core SDK already
// links: BearSSL on ESP8266, mbedTLS on ESP32. The core checks S < L and the
// key's encoding before calling Ed25519::verify, which accepts S >= L itself.
#pragma once

#if defined(ESP8266) || defined(ESP32)

#include <stddef.h>
#include <stdint.h>

#include "../core/crypto_backend.h"

#if defined(ESP8266)
#include <bearssl/bearssl_hash.h>
#else
#include <mbedtls/sha256.h>
#endif

namespace static_ota {

class ChipCrypto final : public CryptoBackend {
 public:
#if defined(ESP8266)
  // Runs Ed25519::verify at 160 MHz and restores the clock after (on by
  // default): the UART divisor and the timers count the 80 MHz APB clock,
  // not the CPU's, so they are unaffected (firmware/README.md).
  void setCpuBoost(bool enabled) { cpuBoost_ = enabled; }
#endif
  void sha256Begin() override;
  void sha256Update(const uint8_t* data, size_t length) override;
  void sha256Finish(uint8_t digest[32]) override;
  bool ed25519Verify(const uint8_t signature[64], const uint8_t publicKey[32], const uint8_t* message,
                     size_t length) override;

 private:
#if defined(ESP8266)
  br_sha256_context sha256_;
  bool cpuBoost_ = true;
#else
  mbedtls_sha256_context sha256_;
#endif
};

}  // namespace static_ota

#endif
