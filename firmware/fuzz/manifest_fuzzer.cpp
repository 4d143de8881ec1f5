// libFuzzer target: manifest framing, opening and the checks around them.
// SHA-256 is real (keyids match the seed corpus, made from the shared
// vectors) but every signature that passes the core's strict checks is
// taken as valid, so the fuzzer reaches the field rules behind step 10.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/ed25519_strict.h"
#include "core/manifest.h"
#include "core/url.h"
#include "core/version.h"
#include "fuzz_support.h"
#include "openssl_crypto.h"

using namespace static_ota;
using static_ota_fuzz::kVectorKeys;
using static_ota_fuzz::require;

namespace {

class FuzzCrypto final : public CryptoBackend {
 public:
  void sha256Begin() override { real_.sha256Begin(); }
  void sha256Update(const uint8_t* data, size_t length) override { real_.sha256Update(data, length); }
  void sha256Finish(uint8_t digest[32]) override { real_.sha256Finish(digest); }
  bool ed25519Verify(const uint8_t*, const uint8_t*, const uint8_t*, size_t) override { return true; }

 private:
  OpenSslCrypto real_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static FuzzCrypto crypto;
  static TrustedKeys keys;
  if (keys.count() == 0) {
    keys.add(kVectorKeys[0], crypto);  // the primary key, which signs the seed corpus
  }
  // A copy of exactly the input's length, so ASan sees any read past it; inputs
  // up to -max_len (1100 bytes) reach the 1024-byte limit and past it.
  std::vector<uint8_t> copy(data, data + size);
  const uint8_t* buffer = copy.data();
  const size_t length = copy.size();

  FramedManifest framed;
  const ManifestError framing = frameManifest(buffer, length, framed);
  require((length > kMaxManifestBytes) == (framing == ManifestError::TooLarge));
  if (framing != ManifestError::None) return 0;
  require(isValidVersion(framed.version));
  const TextSpan reference{"1.0.0-rc.1", 10};
  const int order = compareVersions(framed.version, reference);
  const int reverse = compareVersions(reference, framed.version);
  require((order > 0) == (reverse < 0) && (order == 0) == (reverse == 0));
  require(compareVersions(framed.version, framed.version) == 0);

  // The same bytes as a patch manifest (docs/protocol.md, "Delta updates").
  PatchManifest patch;
  if (openPatchManifest(framed, keys, crypto, patch) == ManifestError::None) {
    require(patch.patch.size > 0 && patch.baseSize > 0 && patch.resultSize > 0 && patch.patch.signedLength < length);
    require(isValidVersion(patch.baseVersion));
  }

  Manifest manifest;
  if (openManifest(framed, keys, crypto, manifest) != ManifestError::None) return 0;
  require(manifest.size > 0 && manifest.signedLength < length);
  require(manifest.board.length >= 1 && manifest.board.length <= kMaxBoardLength);
  require(manifest.file.length >= 1 && manifest.file.length <= kMaxFileLength);
  char url[kMaxUrlLength + 1];
  if (imageUrlFor("http://mirror.test/board/latest.txt", manifest.file, url, sizeof(url))) {
    require(std::strlen(url) == std::strlen("http://mirror.test/board/") + manifest.file.length);
  }
  return 0;
}
