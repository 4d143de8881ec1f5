#if defined(ESP8266) || defined(ESP32)

#include "chip_crypto.h"

#include <Arduino.h>
#include <Ed25519.h>

#if defined(ESP8266)
extern "C" {
#include <user_interface.h>
}
#else
#include <mbedtls/version.h>
#endif

namespace static_ota {

#if defined(ESP8266)

void ChipCrypto::sha256Begin() { br_sha256_init(&sha256_); }

void ChipCrypto::sha256Update(const uint8_t* data, size_t length) { br_sha256_update(&sha256_, data, length); }

void ChipCrypto::sha256Finish(uint8_t digest[32]) { br_sha256_out(&sha256_, digest); }

#else

// mbedTLS 3 (arduino-esp32 3.x) renamed the *_ret functions of mbedTLS 2.
void ChipCrypto::sha256Begin() {
  mbedtls_sha256_init(&sha256_);
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
  mbedtls_sha256_starts(&sha256_, 0);
#else
  mbedtls_sha256_starts_ret(&sha256_, 0);
#endif
}

void ChipCrypto::sha256Update(const uint8_t* data, size_t length) {
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
  mbedtls_sha256_update(&sha256_, data, length);
#else
  mbedtls_sha256_update_ret(&sha256_, data, length);
#endif
}

void ChipCrypto::sha256Finish(uint8_t digest[32]) {
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
  mbedtls_sha256_finish(&sha256_, digest);
#else
  mbedtls_sha256_finish_ret(&sha256_, digest);
#endif
  mbedtls_sha256_free(&sha256_);  // releases the hardware SHA unit when one was used
}

#endif

// About 31-42 M lx106 instructions (firmware/README.md): let Wi-Fi run before
// and after. optimistic_yield() yields only from the loop's context, so a
// poll started from a callback does not panic as yield() would.
bool ChipCrypto::ed25519Verify(const uint8_t signature[64], const uint8_t publicKey[32], const uint8_t* message,
                               size_t length) {
#if defined(ESP8266)
  ESP.wdtFeed();
  optimistic_yield(10000);
  const uint8_t clockMhz = system_get_cpu_freq();
  const bool boost = cpuBoost_ && clockMhz != SYS_CPU_160MHZ;
  if (boost) system_update_cpu_freq(SYS_CPU_160MHZ);
  const bool valid = Ed25519::verify(signature, publicKey, message, length);
  if (boost) system_update_cpu_freq(clockMhz);
  ESP.wdtFeed();
  optimistic_yield(10000);
  return valid;
#else
  yield();
  return Ed25519::verify(signature, publicKey, message, length);
#endif
}

}  // namespace static_ota

#endif
