#include "ed25519_strict.h"

#include <string.h>

namespace static_ota {
namespace {

// Little-endian constants.
constexpr uint8_t kGroupOrder[32] = {  // L = 2^252 + 27742317777372353535851937790883648493
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10};

// y coordinates (sign bit cleared) of the small-order points with y > 1:
// order 2 (y = p - 1, also the largest canonical y) and order 8. The points
// of order 1 and 4 have y = 1 and y = 0.
constexpr uint8_t kSmallOrderY[3][32] = {
    {0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
    {0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
     0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05},
    {0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
     0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a},
};
constexpr const uint8_t (&kPMinus1)[32] = kSmallOrderY[0];

// Compares 32-byte little-endian numbers; topMask clears the sign bit of a point's y.
int compare(const uint8_t a[32], const uint8_t b[32], uint8_t topMask) {
  for (int i = 31; i >= 0; --i) {
    const uint8_t byte = i == 31 ? static_cast<uint8_t>(a[i] & topMask) : a[i];
    if (byte != b[i]) return byte < b[i] ? -1 : 1;
  }
  return 0;
}

int compareY(const uint8_t point[32], const uint8_t y[32]) { return compare(point, y, 0x7f); }

// y when it is 0 or 1, otherwise 2 (any larger y).
uint8_t smallY(const uint8_t point[32]) {
  uint8_t above = point[31] & 0x7f;
  for (int i = 1; i < 31; ++i) above |= point[i];
  return above == 0 && point[0] <= 1 ? point[0] : 2;
}

}  // namespace

bool isCanonicalScalar(const uint8_t s[32]) { return compare(s, kGroupOrder, 0xff) < 0; }

bool isCanonicalPointEncoding(const uint8_t point[32]) {
  const int order = compareY(point, kPMinus1);
  const bool signBit = (point[31] & 0x80) != 0;
  // y < p; x = 0 exactly for y = 1 and y = p - 1, where "negative zero" is not canonical.
  return order <= 0 && !(signBit && (order == 0 || smallY(point) == 1));
}

bool isSmallOrderPoint(const uint8_t point[32]) {
  if (smallY(point) <= 1) return true;
  for (const auto& smallOrderY : kSmallOrderY) {
    if (compareY(point, smallOrderY) == 0) return true;
  }
  return false;
}

bool isAcceptablePublicKey(const uint8_t publicKey[32]) {
  return isCanonicalPointEncoding(publicKey) && !isSmallOrderPoint(publicKey);
}

bool verifyStrict(CryptoBackend& crypto, const uint8_t signature[64], const uint8_t publicKey[32],
                  const uint8_t* message, size_t length) {
  // Backends that compare encodings of R already refuse a non-canonical R;
  // checking it here keeps the rule independent of how a backend works.
  return isCanonicalScalar(signature + 32) && isCanonicalPointEncoding(signature) &&
         isAcceptablePublicKey(publicKey) && crypto.ed25519Verify(signature, publicKey, message, length);
}

}  // namespace static_ota
