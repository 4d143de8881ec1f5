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
#include "fuzz_support.h"
#include "openssl_crypto.h"

using namespace static_ota;
using static_ota_fuzz::kVectorKeys;
using static_ota_fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static OpenSslCrypto crypto;
  static TrustedKeys keys;
  if (keys.count() == 0) {
    for (const auto& key : kVectorKeys) require(keys.add(key, crypto));
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
