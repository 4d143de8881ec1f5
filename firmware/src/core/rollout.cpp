#include "rollout.h"

#include "static_ota_limits.h"

namespace static_ota {
namespace {

constexpr char kRolloutDomain[] = "static-ota/rollout\n";
constexpr uint32_t kBuckets = 10000;

void hashLine(CryptoBackend& crypto, const TextSpan& text) {
  crypto.sha256Update(reinterpret_cast<const uint8_t*>(text.data), text.length);
  crypto.sha256Update(reinterpret_cast<const uint8_t*>("\n"), 1);
}

}  // namespace

uint16_t rolloutBucket(CryptoBackend& crypto, const TextSpan& board, const TextSpan& version, const TextSpan& deviceId) {
  uint8_t digest[kSha256Length];
  crypto.sha256Begin();
  crypto.sha256Update(reinterpret_cast<const uint8_t*>(kRolloutDomain), sizeof(kRolloutDomain) - 1);
  hashLine(crypto, board);
  hashLine(crypto, version);
  hashLine(crypto, deviceId);
  crypto.sha256Finish(digest);
  // The first 32 bits (big endian) mod kBuckets, a byte at a time (at most
  // 255 subtractions each): the lx106 has no divide instruction, and the
  // core links nothing from libgcc.
  uint32_t remainder = 0;
  for (int i = 0; i < 4; ++i) {
    remainder = (remainder << 8) | digest[i];
    while (remainder >= kBuckets) remainder -= kBuckets;
  }
  return static_cast<uint16_t>(remainder);
}

bool isValidDeviceId(const TextSpan& deviceId) {
  return deviceId.length != 0 && deviceId.length <= kMaxDeviceIdLength &&
         allIn(deviceId.data, deviceId.length, kDigit | kLower | kUpper | kDash | kUnderscore | kDot);
}

}  // namespace static_ota
