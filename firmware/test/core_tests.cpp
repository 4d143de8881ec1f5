// Tests of the portable core: the shared vectors (test/vectors/manifests.json),
// unit checks of each rule, and the version comparison against npm semver.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/delta_update.h"
#include "core/ed25519_strict.h"
#include "core/image_session.h"
#include "core/manifest.h"
#include "core/rollout.h"
#include "core/url.h"
#include "core/version.h"
#include "openssl_crypto.h"
#include "test_support.h"

using namespace static_ota;
using test::check;
using test::checkEqual;

void runFlowTests();
void runBootTests();
void printFlowStackUsage();

namespace {

TextSpan span(const std::string& text) { return TextSpan{text.data(), text.size()}; }
std::string str(const TextSpan& text) { return std::string(text.data, text.length); }

// Frames and opens a manifest; returns the protocol code of the first failure or "ok".
std::string openCode(const std::string& text, const TrustedKeys& keys, CryptoBackend& crypto, Manifest& manifest,
                     uint8_t requiredSignatures = 1) {
  FramedManifest framed;
  ManifestError error = frameManifest(reinterpret_cast<const uint8_t*>(text.data()), text.size(), framed);
  if (error == ManifestError::None) error = openManifest(framed, keys, crypto, manifest, requiredSignatures);
  return manifestErrorCode(error);
}

TrustedKeys trustedKeysFrom(const test::Json& list, CryptoBackend& crypto) {
  TrustedKeys keys;
  for (const test::Json& hex : list.array) {
    const std::vector<uint8_t> key = test::fromHex(hex.string);
    check(key.size() == kPublicKeyLength && keys.add(key.data(), crypto), "trusted key accepted: " + hex.string);
  }
  return keys;
}

// Signatures a vector requires from distinct trusted keys (k of n); 1 when it does not say.
uint8_t requiredOf(const test::Json& vector) {
  return vector["required"].isNull() ? 1 : static_cast<uint8_t>(vector["required"].number);
}

// Keys of mixed order: the backend's cofactorless equation decides, as in src/protocol/crypto.ts.
void testEquationVectors(const test::Json& vectors, CryptoBackend& crypto) {
  check(!vectors["equation"].array.empty(), "vectors have equation cases");
  for (const test::Json& vector : vectors["equation"].array) {
    const std::vector<uint8_t> publicKey = test::fromHex(vector["public"].string);
    const std::vector<uint8_t> message = test::fromHex(vector["message"].string);
    const std::vector<uint8_t> signature = test::fromHex(vector["signature"].string);
    check(verifyStrict(crypto, signature.data(), publicKey.data(), message.data(), message.size()) ==
              vector["valid"].boolean,
          "equation/" + vector["name"].string);
  }
}

// Trusted keys at configuration: the same code as src/protocol/crypto.ts's publicKeyProblem.
void testPublicKeyVectors(const test::Json& vectors, CryptoBackend& crypto) {
  check(!vectors["public_keys"].array.empty(), "vectors have public key cases");
  for (const test::Json& vector : vectors["public_keys"].array) {
    const std::vector<uint8_t> publicKey = test::fromHex(vector["public"].string);
    const std::string name = "public_keys/" + vector["name"].string;
    checkEqual(publicKeyProblemCode(checkPublicKey(publicKey.data())), vector["problem"].string, name);
    TrustedKeys keys;
    check(keys.add(publicKey.data(), crypto) == (vector["problem"].string == "ok"), name + " (TrustedKeys::add)");
  }
  const test::Json& colliding = vectors["colliding_keys"];
  TrustedKeys keys;
  for (const test::Json& key : colliding.array) {
    check(keys.add(test::fromHex(key["public"].string).data(), crypto), "colliding key " + key["name"].string + " accepted");
  }
  checkEqual(test::toHex(keys.at(1).keyId, kKeyIdLength), test::toHex(keys.at(0).keyId, kKeyIdLength),
             "colliding keys share a keyid");
  checkEqual(test::toHex(keys.at(0).keyId, kKeyIdLength), colliding[0]["keyid"].string, "keyid of the colliding keys");
}

// Patch manifests (docs/protocol.md, "Delta updates"): the same codes and fields as src/protocol/patch.ts.
void testPatchVectors(const test::Json& vectors, CryptoBackend& crypto) {
  const test::Json& patches = vectors["patches"];
  const auto open = [&crypto](const test::Json& vector, PatchManifest& manifest) {
    const TrustedKeys keys = trustedKeysFrom(vector["trusted"], crypto);
    const std::string& text = vector["manifest"].string;
    FramedManifest framed;
    ManifestError error = frameManifest(reinterpret_cast<const uint8_t*>(text.data()), text.size(), framed);
    if (error == ManifestError::None) error = openPatchManifest(framed, keys, crypto, manifest);
    return std::string(manifestErrorCode(error));
  };
  check(!patches["valid"].array.empty(), "vectors have valid patch manifests");
  for (const test::Json& vector : patches["valid"].array) {
    const std::string name = "patches/valid/" + vector["name"].string;
    PatchManifest manifest;
    checkEqual(open(vector, manifest), "ok", name);
    const test::Json& expect = vector["expect"];
    checkEqual(str(manifest.patch.version), expect["version"].string, name + " version");
    checkEqual(str(manifest.patch.board), expect["board"].string, name + " board");
    checkEqual(str(manifest.patch.channel), expect["channel"].string, name + " channel");
    checkEqual(str(manifest.patch.file), expect["file"].string, name + " file");
    checkEqual(manifest.patch.size, static_cast<long long>(expect["size"].number), name + " size");
    checkEqual(test::toHex(manifest.patch.sha256, kSha256Length), expect["sha256"].string, name + " sha256");
    check(manifest.patch.hasExpires == !expect["expires"].isNull(), name + " expires presence");
    checkEqual(str(manifest.baseVersion), expect["base_version"].string, name + " base_version");
    checkEqual(manifest.baseSize, static_cast<long long>(expect["base_size"].number), name + " base_size");
    checkEqual(test::toHex(manifest.baseSha256, kSha256Length), expect["base_sha256"].string, name + " base_sha256");
    checkEqual(manifest.resultSize, static_cast<long long>(expect["result_size"].number), name + " result_size");
    checkEqual(test::toHex(manifest.resultSha256, kSha256Length), expect["result_sha256"].string,
               name + " result_sha256");
    checkEqual(static_cast<long long>(manifest.patch.signedLength),
               static_cast<long long>(expect["signed_length"].number), name + " signed_length");
  }
  check(!patches["invalid"].array.empty(), "vectors have invalid patch manifests");
  for (const test::Json& vector : patches["invalid"].array) {
    PatchManifest manifest;
    checkEqual(open(vector, manifest), vector["error"].string, "patches/invalid/" + vector["name"].string);
  }
}

void testVectors(const std::string& path) {
  const test::Json vectors = test::parseJson(test::readFile(path));
  OpenSslCrypto crypto;

  for (const test::Json& key : vectors["keys"].array) {
    TrustedKeys keys;
    const std::vector<uint8_t> publicKey = test::fromHex(key["public"].string);
    check(keys.add(publicKey.data(), crypto), "key " + key["name"].string + " accepted");
    checkEqual(test::toHex(keys.at(0).keyId, kKeyIdLength), key["keyid"].string, "keyid of " + key["name"].string);
  }

  check(!vectors["valid"].array.empty(), "vectors have valid manifests");
  for (const test::Json& vector : vectors["valid"].array) {
    const std::string name = "valid/" + vector["name"].string;
    const TrustedKeys keys = trustedKeysFrom(vector["trusted"], crypto);
    Manifest manifest;
    checkEqual(openCode(vector["manifest"].string, keys, crypto, manifest, requiredOf(vector)), "ok", name);
    const test::Json& expect = vector["expect"];
    checkEqual(str(manifest.version), expect["version"].string, name + " version");
    checkEqual(str(manifest.board), expect["board"].string, name + " board");
    checkEqual(str(manifest.channel), expect["channel"].string, name + " channel");
    checkEqual(str(manifest.file), expect["file"].string, name + " file");
    checkEqual(manifest.size, static_cast<long long>(expect["size"].number), name + " size");
    checkEqual(test::toHex(manifest.sha256, kSha256Length), expect["sha256"].string, name + " sha256");
    check(manifest.hasExpires == !expect["expires"].isNull(), name + " expires presence");
    if (manifest.hasExpires) {
      checkEqual(manifest.expires, static_cast<long long>(expect["expires"].number), name + " expires");
    }
    checkEqual(manifest.encoding == ImageEncoding::Gzip ? std::string("gzip") : std::string("null"),
               expect["encoding"].isNull() ? std::string("null") : expect["encoding"].string, name + " encoding");
    checkEqual(manifest.inflatedSize,
               expect["inflated_size"].isNull() ? 0LL : static_cast<long long>(expect["inflated_size"].number),
               name + " inflated_size");
    checkEqual(static_cast<long long>(manifest.signedLength), static_cast<long long>(expect["signed_length"].number),
               name + " signed_length");
    checkEqual(manifest.rollout, static_cast<long long>(expect["rollout"].number), name + " rollout");
    checkEqual(manifest.seq, static_cast<long long>(expect["seq"].number), name + " seq");
    checkEqual(static_cast<long long>(manifest.verifiedKeyIndex), static_cast<long long>(expect["key_index"].number),
               name + " key_index");
  }

  check(!vectors["invalid"].array.empty(), "vectors have invalid manifests");
  for (const test::Json& vector : vectors["invalid"].array) {
    const TrustedKeys keys = trustedKeysFrom(vector["trusted"], crypto);
    Manifest manifest;
    checkEqual(openCode(vector["manifest"].string, keys, crypto, manifest, requiredOf(vector)), vector["error"].string,
               "invalid/" + vector["name"].string);
  }

  testPatchVectors(vectors, crypto);

  check(!vectors["versions"].array.empty(), "vectors have version pairs");
  for (const test::Json& pair : vectors["versions"].array) {
    const std::string a = pair[0].string;
    const std::string b = pair[1].string;
    const int expected = static_cast<int>(pair[2].number);
    check(isValidVersion(span(a)) && isValidVersion(span(b)), "versions valid: " + a + " " + b);
    const int order = compareVersions(span(a), span(b));
    checkEqual((order > 0) - (order < 0), expected, "compare " + a + " " + b);
  }

  check(!vectors["rfc8032"].array.empty(), "vectors have RFC 8032 cases");
  for (const test::Json& vector : vectors["rfc8032"].array) {
    const std::vector<uint8_t> publicKey = test::fromHex(vector["public"].string);
    std::vector<uint8_t> message = test::fromHex(vector["message"].string);
    std::vector<uint8_t> signature = test::fromHex(vector["signature"].string);
    check(verifyStrict(crypto, signature.data(), publicKey.data(), message.data(), message.size()),
          "RFC 8032 signature verifies, message of " + std::to_string(message.size()) + " bytes");
    signature[5] ^= 0x01;
    check(!verifyStrict(crypto, signature.data(), publicKey.data(), message.data(), message.size()),
          "RFC 8032 signature with a flipped bit fails");
  }

  check(!vectors["rollout"].array.empty(), "vectors have rollout buckets");
  for (const test::Json& vector : vectors["rollout"].array) {
    const std::string deviceId = vector["device_id"].string;
    check(isValidDeviceId(span(deviceId)), "device id valid: " + deviceId);
    checkEqual(rolloutBucket(crypto, span(vector["board"].string), span(vector["version"].string), span(deviceId)),
               static_cast<long long>(vector["bucket"].number), "rollout bucket of " + deviceId);
  }

  check(!vectors["strictness"].array.empty(), "vectors have strictness cases");
  for (const test::Json& vector : vectors["strictness"].array) {
    const std::vector<uint8_t> publicKey = test::fromHex(vector["public"].string);
    const std::vector<uint8_t> message = test::fromHex(vector["message"].string);
    const std::vector<uint8_t> signature = test::fromHex(vector["signature"].string);
    const std::string name = "strictness/" + vector["name"].string;
    check(!verifyStrict(crypto, signature.data(), publicKey.data(), message.data(), message.size()), name);
    // Refused by the core itself, before any backend: even one that accepts everything.
    test::AcceptAllVerifier permissive;
    check(!verifyStrict(permissive, signature.data(), publicKey.data(), message.data(), message.size()) &&
              permissive.calls == 0,
          name + " (refused before the backend)");
  }
  testEquationVectors(vectors, crypto);
  testPublicKeyVectors(vectors, crypto);
}

void testVersionRules() {
  const char* valid[] = {"0.0.0", "1.2.3", "1.2.3-0", "1.2.3-0a", "1.2.3-a.b-c.1", "1.2.3+001", "1.2.3-rc.1+build.5",
                         "999999999999999.999999999999999.999999999999999", "1.2.3-999999999999999", "1.0.0--"};
  for (const char* version : valid) check(isValidVersion(span(version)), std::string("valid version ") + version);
  const char* invalid[] = {"", "1", "1.2", "1.2.3.4", "01.2.3", "1.02.3", "1.2.03", "v1.2.3", "1.2.3-", "1.2.3+",
                           "1.2.3-01", "1.2.3-a..b", "1.2.3-a_b", "1.2.3+a..b", "1.2.3 ", "1.2.-3", "-1.2.3",
                           "1000000000000000.0.0", "1.2.3-1000000000000000", "1.2.3+a+b"};
  for (const char* version : invalid) check(!isValidVersion(span(version)), std::string("invalid version ") + version);
  const std::string longest = "1.0.0-" + std::string(58, 'a');
  check(isValidVersion(span(longest)), "64-character version is valid");
  check(!isValidVersion(span(longest + "a")), "65-character version is invalid");

  struct Order {
    const char* a;
    const char* b;
    int expected;
  };
  const Order orders[] = {
      {"999999999999999.0.0", "99999999999999.9.9", 1},  // digit count first: no integer overflow
      {"1.0.0-999999999999999", "1.0.0-a", -1},          // numeric identifiers are lower
      {"1.0.0-alpha", "1.0.0-alpha.1", -1},              // shorter list is lower
      {"1.0.0-rc.1", "1.0.0", -1},                       // pre-release is lower
      {"1.0.0+a", "1.0.0+b", 0},                         // build metadata ignored
      {"1.0.0-B", "1.0.0-a", -1},                        // ASCII order
      {"1.0.0-a-b", "1.0.0-a", 1},
  };
  for (const Order& order : orders) {
    const int actual = compareVersions(span(order.a), span(order.b));
    checkEqual((actual > 0) - (actual < 0), order.expected, std::string("compare ") + order.a + " " + order.b);
  }
}

std::vector<uint8_t> pointWithY(const char* yHex, bool signBit) {
  std::vector<uint8_t> point = test::fromHex(yHex);
  if (signBit) point[31] |= 0x80;
  return point;
}

void testStrictEd25519() {
  const char* smallOrderY[] = {
      "0000000000000000000000000000000000000000000000000000000000000000",
      "0100000000000000000000000000000000000000000000000000000000000000",
      "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
      "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
      "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
  };
  for (const char* y : smallOrderY) {
    for (bool sign : {false, true}) {
      const std::vector<uint8_t> point = pointWithY(y, sign);
      check(isSmallOrderPoint(point.data()) && !isAcceptablePublicKey(point.data()),
            std::string("small-order key refused: ") + y + (sign ? " (sign bit)" : ""));
    }
  }
  // y = p, p + 1 and 2^255 - 1 are not canonical; y = p - 1 is (though small order).
  check(!isCanonicalPointEncoding(pointWithY("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", false).data()), "y = p");
  check(!isCanonicalPointEncoding(pointWithY("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", false).data()), "y = p + 1");
  check(!isCanonicalPointEncoding(pointWithY("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", true).data()), "y = 2^255 - 1");
  check(isCanonicalPointEncoding(pointWithY("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", false).data()), "y = p - 1");
  check(!isCanonicalPointEncoding(pointWithY("0100000000000000000000000000000000000000000000000000000000000000", true).data()), "x = 0 with sign bit");
  const std::vector<uint8_t> rfcKey = test::fromHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  check(isAcceptablePublicKey(rfcKey.data()), "RFC 8032 key acceptable");

  const std::vector<uint8_t> groupOrder = test::fromHex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
  std::vector<uint8_t> belowOrder = groupOrder;
  belowOrder[0] = 0xec;
  check(!isCanonicalScalar(groupOrder.data()), "S = L refused");
  check(isCanonicalScalar(belowOrder.data()), "S = L - 1 accepted");
  std::vector<uint8_t> high(32, 0xff);
  check(!isCanonicalScalar(high.data()), "S = 2^256 - 1 refused");

  // RFC 8032 test 1 with R replaced by encodings whose y is p or above: refused
  // by the core itself, before a backend that accepts everything is asked.
  const std::vector<uint8_t> rfcSignature = test::fromHex(
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
      "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  test::AcceptAllVerifier permissive;
  check(verifyStrict(permissive, rfcSignature.data(), rfcKey.data(), nullptr, 0) && permissive.calls == 1,
        "RFC 8032 test 1 reaches the backend");
  const char* nonCanonicalR[] = {
      "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // y = p
      "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // y = p + 1
      "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",  // y = 2^255 - 1, sign bit set
  };
  OpenSslCrypto openSsl;
  for (const char* r : nonCanonicalR) {
    std::vector<uint8_t> signature = test::fromHex(r);
    signature.insert(signature.end(), rfcSignature.begin() + 32, rfcSignature.end());
    permissive.calls = 0;
    check(!verifyStrict(permissive, signature.data(), rfcKey.data(), nullptr, 0) && permissive.calls == 0,
          std::string("non-canonical R refused before the backend: ") + r);
    check(!verifyStrict(openSsl, signature.data(), rfcKey.data(), nullptr, 0),
          std::string("non-canonical R refused: ") + r);
  }
}

void testUrlAndDecimal() {
  char out[kMaxUrlLength + 1];
  const std::string fileName = "firmware-1.4.2.bin";
  const TextSpan file = span(fileName);
  struct Case {
    const char* manifest;
    const char* image;
  };
  const Case cases[] = {
      {"http://ota.example.com/nodemcuv2/latest.txt", "http://ota.example.com/nodemcuv2/firmware-1.4.2.bin"},
      {"http://127.0.0.1:8080/b/beta/latest.txt?x=1#f", "http://127.0.0.1:8080/b/beta/firmware-1.4.2.bin"},
      {"https://h/latest.txt", "https://h/firmware-1.4.2.bin"},
      {"http://h/", "http://h/firmware-1.4.2.bin"},
  };
  for (const Case& c : cases) {
    check(imageUrlFor(c.manifest, file, out, sizeof(out)) && std::string(out) == c.image,
          std::string("image URL for ") + c.manifest);
  }
  check(!imageUrlFor("http://host-without-path", file, out, sizeof(out)), "URL without a path refused");
  check(!imageUrlFor("latest.txt", file, out, sizeof(out)), "URL without a scheme refused");
  check(!imageUrlFor("http://h/latest.txt", file, out, 20), "image URL that does not fit refused");
  const std::string tooLong = "http://h/" + std::string(kMaxUrlLength, 'a');
  check(!imageUrlFor(tooLong.c_str(), file, out, sizeof(out)), "manifest URL over the limit refused");

  uint32_t value = 0;
  check(parseDecimalUint32(span("4294967295"), value) && value == 4294967295u, "decimal 2^32 - 1");
  check(parseDecimalUint32(span("0"), value) && value == 0, "decimal 0");
  const char* bad[] = {"4294967296", "99999999999", "01", "", "-1", "1a", " 1"};
  for (const char* text : bad) check(!parseDecimalUint32(span(text), value), std::string("decimal refused: ") + text);
}

void testImageSession() {
  OpenSslCrypto crypto;
  const uint8_t image[] = "0123456789";
  uint8_t digest[kSha256Length];
  crypto.sha256Begin();
  crypto.sha256Update(image, 10);
  crypto.sha256Finish(digest);

  ImageSession whole(crypto, 10, digest);
  check(whole.append(image, 6) && !whole.complete() && whole.append(image + 6, 4) && whole.complete(),
        "image taken in chunks");
  check(whole.finish(), "matching image");

  ImageSession tooMuch(crypto, 10, digest);
  check(tooMuch.append(image, 8) && !tooMuch.append(image, 3) && tooMuch.received() == 8,
        "bytes past the declared size refused");
  check(!tooMuch.finish(), "short image does not match");

  ImageSession changed(crypto, 10, digest);
  const uint8_t other[] = "0123456780";
  check(changed.append(other, 10), "changed image appended");
  check(!changed.finish(), "changed image does not match");
}

// The delta update's pieces: where the patch manifest is, the base as the
// decoder and the hash see it, and the result's last block held back.
void testDeltaPieces() {
  char out[64];
  check(patchManifestUrlFor("http://h/b/firmware-1.1.0.bin", "1.0.0+7", out, sizeof(out)) &&
            std::string(out) == "http://h/b/firmware-1.1.0.bin.from-1.0.0_7.txt",
        "patch manifest URL, build metadata written _");
  check(!patchManifestUrlFor("http://h/b/firmware-1.1.0.bin", "1.0.0", out, 40), "patch manifest URL that does not fit");

  struct Flash final : FlashTarget {
    std::vector<uint8_t> bytes;
    uint32_t maxImageSize() override { return 1 << 20; }
    bool begin(uint32_t) override { return true; }
    bool write(const uint8_t* data, size_t length) override {
      bytes.insert(bytes.end(), data, data + length);
      return true;
    }
    bool commit() override { return true; }
    void abort() override {}
  } flash;
  struct Image final : RunningImage {
    uint32_t capacity() override { return 8; }
    bool read(uint32_t offset, uint8_t* buffer, size_t length) override {
      for (size_t i = 0; i < length; ++i) buffer[i] = static_cast<uint8_t>(0xE0 + offset + i);
      return true;
    }
  } image;
  NormalizedBase base(image, 6);
  uint8_t read[6] = {};
  check(base.read(0, read, 6) && read[0] == 0xE0 && read[1] == 0xE1 && read[2] == 0 && read[3] == 0 && read[4] == 0xE4,
        "header bytes 2 and 3 read as 0");
  check(base.read(3, read, 2) && read[0] == 0 && read[1] == 0xE4, "a read starting inside the header");
  check(!base.read(4, read, 3), "no read past the base size");

  OpenSslCrypto crypto;
  const uint8_t result[] = "0123456789";
  uint8_t digest[kSha256Length];
  crypto.sha256Begin();
  crypto.sha256Update(result, 10);
  crypto.sha256Finish(digest);
  ImageSession session(crypto, 10, digest);
  uint8_t held[kDeltaBlockBytes];
  PatchSink sink(session, flash, held);
  check(sink.write(result, 7) && sink.write(result + 7, 3), "result written in blocks");
  check(flash.bytes.size() == 7 && sink.heldLength() == 3 && std::memcmp(held, "789", 3) == 0,
        "the block that completes the result waits for the hash");
  check(!sink.write(result, 1), "nothing past the signed size");
  check(session.finish(), "the result's hash");
}

// Field rules with a backend that accepts any signature, so manifests can be
// written by hand. Its keyid is the first 4 bytes of its all-zero digest.
void testFieldRules() {
  test::AcceptAllVerifier crypto;
  TrustedKeys keys;
  const std::vector<uint8_t> key = test::fromHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  keys.add(key.data(), crypto);
  // R must be a canonical point not of small order: the key's own encoding is one.
  const std::string signature = "sig=00000000:d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a" +
                                std::string(64, '0') + "\n";
  const std::string fields =
      "format=static-ota/1\nboard=b\nchannel=stable\nfile=f.bin\nsize=1\nsha256=" + std::string(64, 'a') + "\n";
  struct Case {
    std::string body;
    const char* code;
  };
  const Case cases[] = {
      {"1.0.0\n" + fields, "ok"},
      // Step 11 covers every field line before step 12 looks for duplicates.
      {"1.0.0\n" + fields + "size=2\nnot a field\n", "bad_line"},
      {"1.0.0\n" + fields + "size=2\n", "duplicate_field"},
      {"1.0.0\n" + fields + "x-y_z=1\n", "ok"},
      {"1.0.0\n" + fields + "expires=4294967296\n", "bad_expires"},
      {"1.0.0\n" + fields + "expires=0\n", "ok"},
      {"1.0.0\nformat=static-ota/1\nboard=b\nchannel=-x\nfile=f\nsize=1\nsha256=" + std::string(64, 'a') + "\n",
       "bad_channel"},
      {"1.0.0\nformat=static-ota/1\nboard=" + std::string(65, 'b') + "\nchannel=c\nfile=f\nsize=1\nsha256=" +
           std::string(64, 'a') + "\n",
       "bad_board"},
      {"1.0.0\nformat=static-ota/1\nboard=b\nchannel=c\nfile=" + std::string(129, 'f') + "\nsize=1\nsha256=" +
           std::string(64, 'a') + "\n",
       "bad_file"},
  };
  for (const Case& c : cases) {
    Manifest manifest;
    checkEqual(openCode(c.body + signature, keys, crypto, manifest), c.code, "fields: " + c.body.substr(6, 40));
  }
  Manifest manifest;
  checkEqual(openCode("1.0.0\n" + fields + signature + signature + signature + signature + signature, keys, crypto,
                      manifest),
             "too_many_signatures", "five signatures");
  checkEqual(openCode("1.0.0\n" + fields + signature + "sig=0000000:\n" + signature + signature + signature + signature,
                      keys, crypto, manifest),
             "bad_sig_line", "malformed signature line is reported before the count");
  const std::string nonCanonicalS = "sig=00000000:" + std::string(64, '0') + std::string(64, 'f') + "\n";
  checkEqual(openCode("1.0.0\n" + fields + nonCanonicalS, keys, crypto, manifest), "bad_signature", "S >= L refused");
  const std::string nonCanonicalR = "sig=00000000:ed" + std::string(60, 'f') + "7f" + std::string(64, '0') + "\n";
  checkEqual(openCode("1.0.0\n" + fields + nonCanonicalR, keys, crypto, manifest), "bad_signature",
             "R with y = p refused");
}

void testSemverPairs(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::string line;
  int pairs = 0;
  int validity = 0;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string kind;
    fields >> kind;
    if (kind == "cmp") {
      std::string a;
      std::string b;
      int expected = 0;
      fields >> a >> b >> expected;
      const bool valid = isValidVersion(span(a)) && isValidVersion(span(b));
      const int order = valid ? compareVersions(span(a), span(b)) : 2;
      check(valid && (order > 0) - (order < 0) == expected, "semver order " + a + " " + b);
      ++pairs;
    } else if (kind == "valid") {
      std::string version;
      int expected = 0;
      fields >> version >> expected;
      check(isValidVersion(span(version)) == (expected == 1), "validity of " + version);
      ++validity;
    }
  }
  check(pairs >= 1000, "at least 1000 generated pairs, got " + std::to_string(pairs));
  check(validity >= 100, "at least 100 generated validity cases, got " + std::to_string(validity));
}

}  // namespace

int main(int argc, char** argv) {
  const std::string suite = argc > 1 ? argv[1] : "";
  try {
    if (suite == "vectors" && argc > 2) {
      testVectors(argv[2]);
    } else if (suite == "units") {
      testVersionRules();
      testStrictEd25519();
      testUrlAndDecimal();
      testImageSession();
      testDeltaPieces();
      testFieldRules();
    } else if (suite == "semver" && argc > 2) {
      testSemverPairs(argv[2]);
    } else if (suite == "flow") {
      runFlowTests();
    } else if (suite == "boot") {
      runBootTests();
    } else if (suite == "stack") {
      printFlowStackUsage();
    } else {
      std::fprintf(stderr, "usage: core_tests vectors FILE | units | semver FILE | flow | boot | stack\n");
      return 2;
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "error: %s\n", error.what());
    return 1;
  }
  return test::finish(suite.c_str());
}
