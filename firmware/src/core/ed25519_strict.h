// Strict RFC 8032 rules checked before any Ed25519 backend runs. rweather's
// Crypto library accepts S >= L (a malleable form) and no backend is required
// to refuse small-order keys, so the core refuses them itself.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "crypto_backend.h"

namespace static_ota {

// S (the second half of the signature, little-endian) is below the group order L.
bool isCanonicalScalar(const uint8_t s[32]);

// The y coordinate is below p = 2^255 - 19, and the x = 0 points are not
// encoded with the sign bit set.
bool isCanonicalPointEncoding(const uint8_t point[32]);

// One of the eight points of order dividing 8 (any sign bit).
bool isSmallOrderPoint(const uint8_t point[32]);

// Why a public key can never verify strictly, checked in this order. The codes
// ("small_order") are the ones src/protocol/crypto.ts gives for the same key.
enum class PublicKeyProblem : uint8_t { None, NonCanonical, SmallOrder, NotAPoint };
PublicKeyProblem checkPublicKey(const uint8_t publicKey[32]);
const char* publicKeyProblemCode(PublicKeyProblem problem);  // "ok" for None

// A public key usable for verification: canonical, a curve point, not of small order.
bool isAcceptablePublicKey(const uint8_t publicKey[32]);

// Strict verification: S < L, R and the public key canonical and not of
// small order, then the backend's (cofactorless) equation, which also fails
// for a key that is not a point.
bool verifyStrict(CryptoBackend& crypto, const uint8_t signature[64], const uint8_t publicKey[32],
                  const uint8_t* message, size_t length);

}  // namespace static_ota
