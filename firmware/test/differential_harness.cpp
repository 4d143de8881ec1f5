// static-ota-differential: the core's verdict on records read from stdin, one
// line out per line in, for test/protocol/differential.test.ts, which asks
// src/protocol/manifest.ts the same questions and compares the lines byte for byte.
//
// In:  <trusted key hex>[,<trusted key hex>...]:<manifest hex>
// Out: keys=<code per key> result=<code as a release manifest> [its fields when ok]
//      patch=<code as a patch manifest> [its fields when ok]
// Keys the core refuses at configuration are left out of the trusted list.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "core/ed25519_strict.h"
#include "core/manifest.h"
#include "openssl_crypto.h"
#include "test_support.h"

using namespace static_ota;

namespace {

std::string text(const TextSpan& span) { return std::string(span.data, span.length); }

// The bytes opened as a release manifest: its code, and the fields when ok.
std::string judgeRelease(const std::vector<uint8_t>& bytes, const TrustedKeys& trusted, OpenSslCrypto& crypto) {
  FramedManifest framed;
  Manifest manifest;
  ManifestError error = frameManifest(bytes.data(), bytes.size(), framed);
  if (error == ManifestError::None) error = openManifest(framed, trusted, crypto, manifest);
  if (error != ManifestError::None) return manifestErrorCode(error);
  return "ok version=" + text(manifest.version) + " board=" + text(manifest.board) + " channel=" +
         text(manifest.channel) + " file=" + text(manifest.file) + " size=" + std::to_string(manifest.size) +
         " sha256=" + test::toHex(manifest.sha256, kSha256Length) +
         " expires=" + (manifest.hasExpires ? std::to_string(manifest.expires) : "-") +
         " encoding=" + (manifest.encoding == ImageEncoding::Gzip ? "gzip" : "-") +
         " inflated_size=" + (manifest.inflatedSize != 0 ? std::to_string(manifest.inflatedSize) : "-") +
         " signed_length=" + std::to_string(manifest.signedLength) +
         " key_index=" + std::to_string(manifest.verifiedKeyIndex);
}

// The same bytes opened as a patch manifest.
std::string judgePatch(const std::vector<uint8_t>& bytes, const TrustedKeys& trusted, OpenSslCrypto& crypto) {
  FramedManifest framed;
  PatchManifest manifest;
  ManifestError error = frameManifest(bytes.data(), bytes.size(), framed);
  if (error == ManifestError::None) error = openPatchManifest(framed, trusted, crypto, manifest);
  if (error != ManifestError::None) return manifestErrorCode(error);
  const Manifest& patch = manifest.patch;
  return "ok version=" + text(patch.version) + " file=" + text(patch.file) + " size=" + std::to_string(patch.size) +
         " expires=" + (patch.hasExpires ? std::to_string(patch.expires) : "-") + " base=" + text(manifest.baseVersion) +
         "/" + std::to_string(manifest.baseSize) + "/" + test::toHex(manifest.baseSha256, kSha256Length) +
         " result=" + std::to_string(manifest.resultSize) + "/" + test::toHex(manifest.resultSha256, kSha256Length) +
         " signed_length=" + std::to_string(patch.signedLength);
}

std::string judge(const std::string& record, OpenSslCrypto& crypto) {
  const size_t colon = record.find(':');
  if (colon == std::string::npos) return "bad_record";
  TrustedKeys trusted;
  std::string out = "keys=";
  for (size_t start = 0; start < colon;) {
    const size_t comma = std::min(record.find(',', start), colon);
    const std::vector<uint8_t> key = test::fromHex(record.substr(start, comma - start));
    if (key.size() != kPublicKeyLength) return "bad_record";
    const PublicKeyProblem problem = checkPublicKey(key.data());
    if (problem == PublicKeyProblem::None && !trusted.add(key.data(), crypto)) return "bad_record";
    out += std::string(start == 0 ? "" : ",") + publicKeyProblemCode(problem);
    start = comma + 1;
  }
  const std::vector<uint8_t> bytes = test::fromHex(record.substr(colon + 1));
  return out + " result=" + judgeRelease(bytes, trusted, crypto) + " patch=" + judgePatch(bytes, trusted, crypto);
}

}  // namespace

int main() {
  OpenSslCrypto crypto;
  std::string record;
  while (std::getline(std::cin, record)) std::cout << judge(record, crypto) << '\n';
  return 0;
}
