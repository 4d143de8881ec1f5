// Opening a `latest.txt` manifest exactly as docs/protocol.md orders it:
// framing and the version line first (steps 1-4), then a strict signature from
// a trusted key over the exact bytes (steps 5-10), and only then the fields
// (steps 11-15). The first failing step is reported with the protocol's code.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "crypto_backend.h"
#include "static_ota_limits.h"
#include "text.h"

namespace static_ota {

enum class ManifestError : uint8_t {
  None,
  Empty,
  TooLarge,
  Crlf,
  BadChar,
  MissingNewline,
  BadVersion,
  Unsigned,
  TrailingData,
  BadSigLine,
  TooManySignatures,
  UntrustedKey,
  BadSignature,
  TooFewSignatures,
  BadLine,
  DuplicateField,
  MissingField,
  BadFormat,
  BadBoard,
  BadChannel,
  BadFile,
  BadSize,
  BadSha256,
  BadExpires,
  BadRollout,
  BadSeq,
  BadEncoding,
  BadInflatedSize,
  // Patch manifests only (docs/protocol.md, "Delta updates").
  BadBaseVersion,
  BadBaseSize,
  BadBaseSha256,
  BadResultSize,
  BadResultSha256,
};

// How the image is served (`encoding=`): raw, or gzip for a boot loader that
// inflates it (ESP8266 eboot).
enum class ImageEncoding : uint8_t { Raw, Gzip };

// The protocol's code ("bad_sig_line"), readable as it is; "ok" for None.
const char* manifestErrorCode(ManifestError error);

struct TrustedKey {
  uint8_t publicKey[kPublicKeyLength];
  uint8_t keyId[kKeyIdLength];  // first 4 bytes of SHA-256(publicKey)
};

class TrustedKeys {
 public:
  // False when the list is full or the key could never verify strictly
  // (non-canonical or small-order). A key already listed is not added again
  // (true): one key never counts twice toward a signature threshold.
  bool add(const uint8_t publicKey[kPublicKeyLength], CryptoBackend& crypto);
  size_t count() const { return count_; }
  const TrustedKey& at(size_t index) const { return keys_[index]; }

 private:
  TrustedKey keys_[kMaxTrustedKeys];
  size_t count_ = 0;
};

// The result of steps 1-4: nothing but framing and line 1 has been looked at.
struct FramedManifest {
  const char* text = nullptr;
  size_t length = 0;
  TextSpan version;
};

ManifestError frameManifest(const uint8_t* bytes, size_t length, FramedManifest& framed);

// Views into the framed manifest's buffer: valid while that buffer is.
struct Manifest {
  TextSpan version;
  TextSpan board;
  TextSpan channel;
  TextSpan file;
  uint32_t size = 0;
  uint8_t sha256[kSha256Length] = {};
  bool hasExpires = false;
  uint32_t expires = 0;
  uint8_t rollout = kFullRollout;  // percent of devices that take it
  uint32_t seq = 0;                // re-signing counter of this version's manifest
  ImageEncoding encoding = ImageEncoding::Raw;
  uint32_t inflatedSize = 0;  // `inflated-size=` of a gzip image: what eboot writes; 0 when not given
  size_t signedLength = 0;
  size_t verifiedKeyIndex = 0;  // index into TrustedKeys of the first key that verified
  uint8_t verifiedKeyCount = 0;  // distinct trusted keys whose signatures verified
};

// Steps 5-15 on a framed manifest, requiring signatures from
// requiredSignatures distinct trusted keys (1 to kMaxTrustedKeys).
ManifestError openManifest(const FramedManifest& framed, const TrustedKeys& trustedKeys, CryptoBackend& crypto,
                           Manifest& manifest, uint8_t requiredSignatures = 1);

// A patch manifest (`format=static-ota-patch/1`): the same framing and
// signatures; `file`, `size` and `sha256` describe the patch, and the patch
// turns the base (version, size, SHA-256 of its normalised bytes) into the
// result (the release's raw image). rollout, seq, encoding and inflated-size
// are not read (unknown fields).
struct PatchManifest {
  Manifest patch;  // version (the result's), board, channel, file, size, sha256, expires
  TextSpan baseVersion;
  uint32_t baseSize = 0;
  uint8_t baseSha256[kSha256Length] = {};
  uint32_t resultSize = 0;
  uint8_t resultSha256[kSha256Length] = {};
};

ManifestError openPatchManifest(const FramedManifest& framed, const TrustedKeys& trustedKeys, CryptoBackend& crypto,
                                PatchManifest& manifest, uint8_t requiredSignatures = 1);

}  // namespace static_ota
