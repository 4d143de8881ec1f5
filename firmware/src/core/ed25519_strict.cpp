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

// Arithmetic modulo p = 2^255 - 19 in 32 signed limbs of 8 bits: TweetNaCl's
// scheme at a smaller radix, so every product and sum fits 32 bits and the
// lx106 needs no 64-bit multiply helper. Only public keys pass through it, so
// it need not run in constant time.
constexpr int kLimbs = 32;
using Field = int32_t[kLimbs];

// d = -121665/121666, the curve constant, little-endian.
constexpr uint8_t kCurveD[32] = {0xa3, 0x78, 0x59, 0x13, 0xca, 0x4d, 0xeb, 0x75, 0xab, 0xd8, 0x41,
                                 0x41, 0x4d, 0x0a, 0x70, 0x00, 0x98, 0xe8, 0x79, 0x77, 0x79, 0x40,
                                 0xc7, 0x8c, 0x73, 0xfe, 0x6f, 0x2b, 0xee, 0x6c, 0x03, 0x52};

void unpack(Field out, const uint8_t bytes[32]) {
  for (int i = 0; i < kLimbs; ++i) out[i] = bytes[i];
  out[kLimbs - 1] &= 0x7f;
}

// Brings every limb back near [0, 256); 2^256 = 38 (mod p) folds the top carry.
void carry(Field value) {
  for (int i = 0; i < kLimbs; ++i) {
    value[i] += 256;
    const int32_t over = value[i] >> 8;
    value[(i + 1) % kLimbs] += (over - 1) * (i == kLimbs - 1 ? 38 : 1);
    value[i] -= over * 256;
  }
}

// out = a * b, with product accumulated so that each limb sum fits 32 bits.
void reduceProduct(Field out, int32_t (&product)[2 * kLimbs - 1]) {
  for (int i = 0; i < kLimbs - 1; ++i) product[i] += 38 * product[i + kLimbs];
  for (int i = 0; i < kLimbs; ++i) out[i] = product[i];
  carry(out);
  carry(out);
}

// out = a * b. With square (a and b the same), each cross product is added
// once, doubled: half the products, in the same loop.
void multiply(Field out, const Field a, const Field b, bool square = false) {
  int32_t product[2 * kLimbs - 1] = {};
  for (int i = 0; i < kLimbs; ++i) {
    int first = 0;
    int32_t factor = a[i];
    if (square) {
      product[2 * i] += a[i] * a[i];
      first = i + 1;
      factor *= 2;
    }
    for (int j = first; j < kLimbs; ++j) product[i + j] += factor * b[j];
  }
  reduceProduct(out, product);
}

// value = value^(2^times).
void squareTimes(Field value, int times) {
  for (int round = 0; round < times; ++round) multiply(value, value, value, true);
}

// out = value^((p - 1) / 2) = value^(2^254 - 10), Euler's criterion: 1 for a
// square, p - 1 for a non-square. The exponent is 250 ones, then 0110: a run
// of n ones doubles (n squarings, times the run) and grows by one (a squaring,
// times value) along the bits of 250; then the last four bits, one squaring
// each: 253 squarings and 14 multiplications, about ref10's addition chain.
void eulerCriterion(Field out, const Field value) {
  constexpr int kOnes = 250;
  constexpr int kTail = 0b0110;
  memcpy(out, value, sizeof(Field));
  int ones = 1;
  for (int bit = 6; bit >= 0; --bit) {  // kOnes = 0b11111010, its first bit done
    Field run;
    memcpy(run, out, sizeof(Field));
    squareTimes(out, ones);
    multiply(out, out, run);
    ones *= 2;
    if (((kOnes >> bit) & 1) != 0) {
      squareTimes(out, 1);
      multiply(out, out, value);
      ++ones;
    }
  }
  for (int bit = 3; bit >= 0; --bit) {
    squareTimes(out, 1);
    if (((kTail >> bit) & 1) != 0) multiply(out, out, value);
  }
}

// value is p - 1 (that is, -1) once fully reduced.
bool isMinusOne(Field value) {
  carry(value);
  carry(value);
  carry(value);
  // Every limb is now in [0, 256): below 2^256. Folding bit 255 (2^255 = 19)
  // leaves it below 2^255 + 19, where p - 1 is the only value congruent to -1.
  value[0] += 19 * (value[kLimbs - 1] >> 7);
  value[kLimbs - 1] &= 0x7f;
  carry(value);
  for (int i = 0; i < kLimbs; ++i) {
    if (value[i] != kPMinus1[i]) return false;
  }
  return true;
}

// A canonical encoding names a point when x^2 = (y^2 - 1) / (d y^2 + 1) has a
// root, that is when (y^2 - 1)(d y^2 + 1) is not a non-residue.
bool decodesToPoint(const uint8_t point[32]) {
  Field ySquared;
  Field dYSquaredPlusOne;
  unpack(ySquared, point);
  squareTimes(ySquared, 1);
  unpack(dYSquaredPlusOne, kCurveD);
  multiply(dYSquaredPlusOne, dYSquaredPlusOne, ySquared);
  dYSquaredPlusOne[0] += 1;
  ySquared[0] -= 1;
  Field& product = ySquared;
  multiply(product, ySquared, dYSquaredPlusOne);
  Field power;
  eulerCriterion(power, product);
  return !isMinusOne(power);
}

// In the order of PublicKeyProblem.
constexpr const char* kPublicKeyProblemCodes[] = {"ok", "non_canonical", "small_order", "not_a_point"};

}  // namespace

const char* publicKeyProblemCode(PublicKeyProblem problem) {
  return kPublicKeyProblemCodes[static_cast<uint8_t>(problem)];
}

PublicKeyProblem checkPublicKey(const uint8_t publicKey[32]) {
  if (!isCanonicalPointEncoding(publicKey)) return PublicKeyProblem::NonCanonical;
  if (isSmallOrderPoint(publicKey)) return PublicKeyProblem::SmallOrder;
  if (!decodesToPoint(publicKey)) return PublicKeyProblem::NotAPoint;
  return PublicKeyProblem::None;
}

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

bool isAcceptablePublicKey(const uint8_t publicKey[32]) { return checkPublicKey(publicKey) == PublicKeyProblem::None; }

bool verifyStrict(CryptoBackend& crypto, const uint8_t signature[64], const uint8_t publicKey[32],
                  const uint8_t* message, size_t length) {
  // Backends that compare encodings of R already refuse a non-canonical R;
  // checking it here keeps the rule independent of how a backend works. A
  // small-order R (only the identity can verify) is refused by OpenSSL 3.5
  // and accepted by OpenSSL 3.0: refusing it here gives every backend one
  // verdict. A key off the curve was refused by TrustedKeys::add, and every
  // backend fails to decode one, so the square root is not taken again here.
  return isCanonicalScalar(signature + 32) && isCanonicalPointEncoding(signature) && !isSmallOrderPoint(signature) &&
         isCanonicalPointEncoding(publicKey) && !isSmallOrderPoint(publicKey) &&
         crypto.ed25519Verify(signature, publicKey, message, length);
}

}  // namespace static_ota
