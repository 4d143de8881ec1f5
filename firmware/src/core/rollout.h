// Staged rollout (docs/protocol.md, "Staged rollout"): which devices take a
// release offered to a percentage of the fleet. The publisher computes the
// same bucket (src/protocol/manifest.ts, rolloutBucket); both are tested against the
// shared vectors.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "crypto_backend.h"
#include "text.h"

namespace static_ota {

// 0 to 9999: the first 32 bits (big endian) of SHA-256 over
// "static-ota/rollout\n" board "\n" version "\n" deviceId "\n", mod 10000.
uint16_t rolloutBucket(CryptoBackend& crypto, const TextSpan& board, const TextSpan& version, const TextSpan& deviceId);

// A device takes a release of `percent` when its bucket is below percent * 100.
inline bool inRollout(uint8_t percent, uint16_t bucket) { return bucket < static_cast<uint32_t>(percent) * 100u; }

// 1 to kMaxDeviceIdLength of [A-Za-z0-9._-]: the one rule for device ids.
bool isValidDeviceId(const TextSpan& deviceId);

}  // namespace static_ota
