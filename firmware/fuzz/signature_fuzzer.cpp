// libFuzzer target with the real signature check: OpenSSL behind the core's
// strict rules, four trusted keys of test/vectors/manifests.json (two of
// them share a keyid, one is of mixed order). The seed corpus holds validly signed
// manifests, so mutations reach the signature rules from both sides. An input
// of exactly 32 bytes is a public key instead, for checkPublicKey's field
// arithmetic under UBSan (too slow there to run on every input).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/ed25519_strict.h"
#include "core/manifest.h"
#include "openssl_crypto.h"

using namespace static_ota;

namespace {

// The primary key, the colliding pair and the mixed-order key of the vectors.
const uint8_t kKeys[][32] = {
    {0x17, 0x6b, 0x6b, 0x89, 0x05, 0x4a, 0xda, 0x22, 0xda, 0x0f, 0x0f, 0xdf, 0x7c, 0x9e, 0x3a, 0x8b,
     0xa5, 0x40, 0x35, 0x78, 0x4b, 0xac, 0x23, 0xc1, 0x04, 0xa4, 0x9e, 0xbd, 0x99, 0xf3, 0x34, 0x14},
    {0xd3, 0x81, 0x7e, 0x47, 0x3a, 0xb9, 0xf2, 0x0e, 0x56, 0x92, 0xe6, 0x05, 0x7d, 0xe5, 0xaf, 0x5d,
     0xda, 0xfa, 0x6c, 0xda, 0x2f, 0x1c, 0x12, 0xc3, 0x1e, 0x93, 0x79, 0x7e, 0xb5, 0x5b, 0xa3, 0xe0},
    {0x5a, 0xb5, 0xe4, 0x95, 0xad, 0x32, 0x11, 0xc0, 0x0c, 0x39, 0x58, 0xf0, 0x6b, 0xb2, 0xc6, 0xba,
     0x24, 0xb3, 0x1f, 0x6b, 0x40, 0x2a, 0xc1, 0x14, 0x23, 0x8e, 0x17, 0xbd, 0xbe, 0xb2, 0x94, 0x0f},
    {0x5d, 0xc6, 0xb8, 0x77, 0xed, 0x05, 0x49, 0x96, 0x4b, 0x24, 0xa6, 0xbc, 0xb9, 0xdc, 0xf0, 0x20,
     0xca, 0x11, 0xac, 0xf2, 0x7e, 0xfd, 0x3c, 0x20, 0xbe, 0x3b, 0xdf, 0x7e, 0x0b, 0x82, 0x20, 0xcf},
};

void require(bool condition) {
  if (!condition) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static OpenSslCrypto crypto;
  static TrustedKeys keys;
  if (keys.count() == 0) {
    for (const auto& key : kKeys) require(keys.add(key, crypto));
  }
  if (size == kPublicKeyLength) {
    const PublicKeyProblem problem = checkPublicKey(data);
    TrustedKeys one;
    require((problem == PublicKeyProblem::None) == one.add(data, crypto));
    require(problem != PublicKeyProblem::None || (isCanonicalPointEncoding(data) && !isSmallOrderPoint(data)));
    return 0;
  }
  std::vector<uint8_t> copy(data, data + size);
  FramedManifest framed;
  if (frameManifest(copy.data(), copy.size(), framed) != ManifestError::None) return 0;
  Manifest manifest;
  if (openManifest(framed, keys, crypto, manifest) != ManifestError::None) return 0;
  // An accepted manifest carries a signature that verifies with the key that took it.
  require(manifest.verifiedKeyIndex < keys.count() && manifest.signedLength < copy.size());
  return 0;
}
