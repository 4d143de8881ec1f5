// The update flow over in-memory fakes: order of checks, when cryptography
// runs, what reaches the flash, and that every failure leaves the device able
// to take the next good update.
#include <openssl/evp.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "core/boot_guard.h"
#include "core/update_flow.h"
#include "openssl_crypto.h"
#include "painted_stack.h"
#include "test_support.h"

using namespace static_ota;
using test::check;
using test::checkEqual;

namespace {

const char kManifestUrl[] = "http://mirror.test/nodemcuv2/latest.txt";
const char kImageUrl[] = "http://mirror.test/nodemcuv2/firmware.bin";
const char kFallbackManifestUrl[] = "http://fallback.test/nodemcuv2/latest.txt";
const char kFallbackImageUrl[] = "http://fallback.test/nodemcuv2/firmware.bin";

struct FakeResponse {
  int status = 200;
  std::string body;
  bool sendContentLength = true;
  long long contentLength = -1;  // -1: body.size()
  size_t closeAfter = SIZE_MAX;  // the peer closes after this many body bytes
  size_t stallAfter = SIZE_MAX;  // no more bytes after this many: read timeout
  size_t bytesPerRead = 0;       // 0: the transport's chunk
  std::string etag;
};

class FakeTransport final : public HttpTransport {
 public:
  std::map<std::string, FakeResponse> responses;
  std::vector<std::string> requests;
  std::vector<std::string> conditionalEtags;
  size_t chunk = 300;  // bytes per read, to exercise chunking

  std::vector<uint32_t> totalTimeouts;
  std::vector<uint32_t> readTimeouts;
  std::map<std::string, size_t> bodyBytesServed;  // by URL

  TransportError get(const char* url, const HttpValidators* conditional, uint32_t, uint32_t totalTimeoutMs,
                     HttpResponse& response) override {
    requests.push_back(url);
    totalTimeouts.push_back(totalTimeoutMs);
    conditionalEtags.push_back(conditional != nullptr ? conditional->etag : "");
    current_ = nullptr;
    if (totalTimeoutMs == 0) return TransportError::Timeout;  // as HttpTransport::get promises
    const auto found = responses.find(url);
    if (found == responses.end()) return TransportError::Connect;
    current_ = &found->second;
    currentUrl_ = url;
    position_ = 0;
    if (conditional != nullptr && !current_->etag.empty() && current_->etag == conditional->etag) {
      response.status = 304;
      return TransportError::None;
    }
    response.status = current_->status;
    response.hasContentLength = current_->sendContentLength;
    response.contentLength = static_cast<uint32_t>(
        current_->contentLength >= 0 ? current_->contentLength : static_cast<long long>(current_->body.size()));
    std::strncpy(response.validators.etag, current_->etag.c_str(), kMaxEtagLength);
    return TransportError::None;
  }

  TransportError read(uint8_t* buffer, size_t capacity, uint32_t timeoutMs, size_t& received) override {
    readTimeouts.push_back(timeoutMs);
    received = 0;
    if (position_ >= current_->closeAfter) return TransportError::Closed;
    if (position_ >= current_->body.size()) return TransportError::EndOfBody;
    if (position_ >= current_->stallAfter) return TransportError::Timeout;
    size_t available = std::min(current_->body.size(), std::min(current_->closeAfter, current_->stallAfter));
    const size_t perRead = current_->bytesPerRead != 0 ? current_->bytesPerRead : chunk;
    received = std::min({capacity, perRead, available - position_});
    std::memcpy(buffer, current_->body.data() + position_, received);
    position_ += received;
    bodyBytesServed[currentUrl_] += received;
    return TransportError::None;
  }

  void end() override {}

 private:
  const FakeResponse* current_ = nullptr;
  std::string currentUrl_;
  size_t position_ = 0;
};

// Behaves like the chips' Updaters: begin() is refused while an update is
// open, and a failed commit() leaves it open until abort().
class FakeFlash final : public FlashTarget {
 public:
  uint32_t capacity = 1 << 20;
  bool inflatesGzip = false;
  bool failBegin = false;
  bool failWrites = false;
  bool failCommit = false;
  bool open = false;
  std::string pending;
  std::string committed = "old image";
  int begins = 0;  // calls, refused ones included
  int opened = 0;  // calls that opened an update
  int commits = 0;
  int aborts = 0;

  uint32_t maxImageSize() override { return capacity; }
  bool bootsGzip() override { return inflatesGzip; }
  uint32_t inflateRoom = 0;      // what the boot loader may inflate
  uint32_t inflateAskedFor = 0;  // the staged size it was last asked with
  uint32_t maxInflatedImageSize(uint32_t stagedSize) override {
    inflateAskedFor = stagedSize;
    return inflateRoom;
  }
  bool begin(uint32_t) override {
    ++begins;
    if (failBegin || open) return false;
    ++opened;
    open = true;
    pending.clear();
    return true;
  }
  bool write(const uint8_t* data, size_t length) override {
    if (failWrites || !open) return false;
    pending.append(reinterpret_cast<const char*>(data), length);
    return true;
  }
  bool commit() override {
    if (failCommit || !open) return false;
    ++commits;
    open = false;
    committed = pending;
    pending.clear();
    return true;
  }
  void abort() override {
    ++aborts;
    open = false;
    pending.clear();
  }
};

class FakeClock final : public Clock {
 public:
  uint32_t nowMs = 0;
  uint32_t stepMs = 1;  // every reading advances time
  bool knowsTime = false;
  uint32_t unixNow = 0;
  uint32_t millis() override { return nowMs += stepMs; }
  bool unixTime(uint32_t& seconds) override {
    seconds = unixNow;
    return knowsTime;
  }
};

class CountingCrypto final : public CryptoBackend {
 public:
  OpenSslCrypto real;
  int verifications = 0;
  void sha256Begin() override { real.sha256Begin(); }
  void sha256Update(const uint8_t* data, size_t length) override { real.sha256Update(data, length); }
  void sha256Finish(uint8_t digest[32]) override { real.sha256Finish(digest); }
  bool ed25519Verify(const uint8_t s[64], const uint8_t k[32], const uint8_t* m, size_t n) override {
    ++verifications;
    return real.ed25519Verify(s, k, m, n);
  }
};

class MemoryVersionStore final : public VersionStore {
 public:
  std::string stored;
  bool load(char* version, size_t capacity) override {
    if (stored.empty() || stored.size() >= capacity) return false;
    std::memcpy(version, stored.c_str(), stored.size() + 1);
    return true;
  }
  bool save(const char* version) override {
    stored = version;
    return true;
  }
  std::string offer;
  uint32_t offerSeq = 0;
  bool loadOffer(char* version, size_t capacity, uint32_t& seq) override {
    if (offer.empty() || offer.size() >= capacity) return false;
    std::memcpy(version, offer.c_str(), offer.size() + 1);
    seq = offerSeq;
    return true;
  }
  bool saveOffer(const char* version, uint32_t seq) override {
    offer = version;
    offerSeq = seq;
    return true;
  }
};

struct Signer {
  std::vector<uint8_t> publicKey = std::vector<uint8_t>(32);
  std::string keyId;
  EVP_PKEY* key;

  explicit Signer(uint8_t seedByte) {
    const std::vector<uint8_t> seed(32, seedByte);
    key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size());
    size_t length = publicKey.size();
    EVP_PKEY_get_raw_public_key(key, publicKey.data(), &length);
    OpenSslCrypto sha;
    uint8_t digest[32];
    sha.sha256Begin();
    sha.sha256Update(publicKey.data(), publicKey.size());
    sha.sha256Finish(digest);
    keyId = test::toHex(digest, 4);
  }
  ~Signer() { EVP_PKEY_free(key); }

  std::string sign(const std::string& body) const {
    EVP_MD_CTX* context = EVP_MD_CTX_new();
    uint8_t signature[64];
    size_t length = sizeof(signature);
    EVP_DigestSignInit(context, nullptr, nullptr, nullptr, key);
    EVP_DigestSign(context, signature, &length, reinterpret_cast<const uint8_t*>(body.data()), body.size());
    EVP_MD_CTX_free(context);
    return body + "sig=" + keyId + ":" + test::toHex(signature, 64) + "\n";
  }
};

std::string sha256Hex(const std::string& data) {
  OpenSslCrypto sha;
  uint8_t digest[32];
  sha.sha256Begin();
  sha.sha256Update(reinterpret_cast<const uint8_t*>(data.data()), data.size());
  sha.sha256Finish(digest);
  return test::toHex(digest, 32);
}

std::string imageBytes(size_t size, char fill) {
  std::string image(size, fill);
  image[0] = static_cast<char>(0xE9);
  return image;
}

struct Release {
  std::string version = "1.1.0";
  std::string board = "nodemcuv2";
  std::string channel = "stable";
  std::string image = imageBytes(2500, 'x');
  std::string extra;  // more field lines, e.g. expires=

  std::string body() const {
    return version + "\nformat=static-ota/1\nboard=" + board + "\nchannel=" + channel +
           "\nfile=firmware.bin\nsize=" + std::to_string(image.size()) + "\nsha256=" + sha256Hex(image) + "\n" +
           extra;
  }
};

// The settings every test device starts from: running 1.0.0 on nodemcuv2, trusting one key.
void configure(UpdateFlow& flow, const Signer& signer) {
  flow.setManifestUrl(kManifestUrl);
  flow.setRunningVersion("1.0.0");
  flow.setBoard("nodemcuv2");
  flow.addTrustedKey(signer.publicKey.data());
}

// A device running 1.0.0 on nodemcuv2 with one trusted key, and its mirror.
struct Device {
  Signer signer{7};
  FakeTransport transport;
  FakeFlash flash;
  FakeClock clock;
  CountingCrypto crypto;
  UpdateFlow flow{transport, flash, clock, crypto};

  Device() { configure(flow, signer); }

  int publications = 0;

  // Each publication gets a new ETag, as a static server gives a changed file.
  void publish(const Release& release, const char* manifestUrl = kManifestUrl, const char* imageUrl = kImageUrl) {
    FakeResponse manifest;
    manifest.body = signer.sign(release.body());
    manifest.etag = "\"" + std::to_string(++publications) + "\"";
    transport.responses[manifestUrl] = manifest;
    FakeResponse image;
    image.body = release.image;
    transport.responses[imageUrl] = image;
  }

  // A second mirror, asked after the primary, serving `release`.
  void addFallback(const Release& release) {
    flow.addMirrorUrl(kFallbackManifestUrl);
    publish(release, kFallbackManifestUrl, kFallbackImageUrl);
  }

  // The mirror offers the running version and two polls confirmed its
  // validators: the next poll is a conditional GET.
  void settleOnRunningVersion() {
    Release running;
    running.version = "1.0.0";
    publish(running);
    flow.update();
    flow.update();
  }
};

std::string code(Result result) { return resultCode(result); }

void testNoCryptoWhenNothingIsNew() {
  Device device;
  Release same;
  same.version = "1.0.0+other-build";
  device.publish(same);
  checkEqual(code(device.flow.update()), "no_update", "equal version");
  checkEqual(device.crypto.verifications, 0, "equal version: no signature verified");
  checkEqual(code(device.flow.update()), "no_update", "the same answer again");
  checkEqual(device.transport.conditionalEtags.back(), "", "validators seen once are not sent");
  checkEqual(code(device.flow.update()), "no_update", "unchanged manifest");
  checkEqual(device.transport.conditionalEtags.back(), "\"1\"", "validators seen twice in a row are sent");
  checkEqual(device.flow.httpStatus(), 304, "answered 304");
  checkEqual(static_cast<long long>(device.transport.requests.size()), 3, "a 304 downloads nothing else");
  checkEqual(device.crypto.verifications, 0, "304: no signature verified");

  Release older;
  older.version = "0.9.9";
  device.publish(older);
  checkEqual(code(device.flow.update()), "not_newer", "older version");
  checkEqual(device.crypto.verifications, 0, "older version: no signature verified");
  checkEqual(device.flash.begins, 0, "flash never opened");
}

void testCheckOffersWithoutDownloading() {
  Device device;
  device.publish(Release());
  checkEqual(code(device.flow.check()), "update_available", "check finds 1.1.0");
  checkEqual(device.flow.offeredVersion(), "1.1.0", "offered version");
  checkEqual(static_cast<long long>(device.transport.requests.size()), 1, "check fetches only the manifest");
  checkEqual(code(device.flow.check()), "update_available", "an offer is not hidden behind a 304");
  checkEqual(device.transport.conditionalEtags.back(), "", "no validators kept for an offer");
}

void testUpdateInstalls() {
  Device device;
  MemoryVersionStore store;
  device.flow.setVersionStore(&store);
  const Release release;
  device.publish(release);
  struct Progress {
    uint32_t calls = 0;
    uint32_t last = 0;
  } progress;
  device.flow.onProgress(
      [](uint32_t received, uint32_t, void* context) {
        auto* p = static_cast<Progress*>(context);
        ++p->calls;
        p->last = received;
      },
      &progress);
  checkEqual(code(device.flow.update()), "updated", "update installs");
  check(device.flash.committed == release.image, "flash holds the new image");
  checkEqual(device.crypto.verifications, 1, "one signature verified");
  check(progress.calls >= 9 && progress.last == release.image.size(), "progress reported per chunk");
  checkEqual(store.stored, "1.1.0", "highest accepted version recorded");
}

void testHashMismatchNeverReachesFlash() {
  Device device;
  Release release;
  device.publish(release);
  device.transport.responses[kImageUrl].body[1500] ^= 1;  // same size, other bytes
  checkEqual(code(device.flow.update()), "hash_mismatch", "tampered image");
  checkEqual(device.flash.committed, "old image", "running image stays");
  checkEqual(device.flash.aborts, 1, "flash aborted");
  check(device.flash.pending.empty(), "nothing left pending");
  // The mirror is repaired: the same device takes the good image.
  device.publish(release);
  checkEqual(code(device.flow.update()), "updated", "good image after a tampered one");
  check(device.flash.committed == release.image, "good image installed");
}

void testLastChunkHeldBack() {
  Device device;
  Release release;
  device.publish(release);
  device.transport.responses[kImageUrl].body.back() ^= 1;
  // Counts bytes that reached the flash before the abort.
  struct RecordingFlash final : public FlashTarget {
    size_t written = 0;
    uint32_t maxImageSize() override { return 1 << 20; }
    bool begin(uint32_t) override { return true; }
    bool write(const uint8_t*, size_t length) override {
      written += length;
      return true;
    }
    bool commit() override {
      ++commits;
      return true;
    }
    void abort() override { ++aborts; }
    int commits = 0;
    int aborts = 0;
  } flash;
  UpdateFlow flow(device.transport, flash, device.clock, device.crypto);
  configure(flow, device.signer);
  checkEqual(code(flow.update()), "hash_mismatch", "last byte changed");
  check(flash.written < release.image.size(), "the final chunk never reached the flash");
  checkEqual(flash.commits, 0, "never committed");
  checkEqual(flash.aborts, 1, "aborted once");
}

// After a failure no update is left open: every one the flow opened was aborted.
void checkNothingLeftOpen(const Device& device, const std::string& failure) {
  check(!device.flash.open && device.flash.aborts == device.flash.opened && device.flash.commits == 0,
        failure + ": every opened update aborted");
  checkEqual(device.flash.committed, "old image", failure + ": running image stays");
}

// Each case on a fresh device, so one failure cannot cascade into the next.
struct SizeRuleCase {
  const char* name;
  void (*arrange)(Device& device);
  const char* expected;
};

const SizeRuleCase kSizeRuleCases[] = {
  {"Content-Length above size",
   [](Device& device) {
     device.transport.responses[kImageUrl].body += "extra";
     device.transport.responses[kImageUrl].contentLength = -1;
   },
   "size_mismatch"},
  {"no Content-Length", [](Device& device) { device.transport.responses[kImageUrl].sendContentLength = false; },
   "size_mismatch"},
  {"image larger than the OTA area", [](Device& device) { device.flash.capacity = 2000; }, "too_large"},
  {"connection closed early", [](Device& device) { device.transport.responses[kImageUrl].closeAfter = 1000; },
   "network"},
  {"stalled download", [](Device& device) { device.transport.responses[kImageUrl].stallAfter = 700; }, "timeout"},
  {"flash write failure", [](Device& device) { device.flash.failWrites = true; }, "flash_error"},
};

void testSizeRules() {
  for (const SizeRuleCase& rule : kSizeRuleCases) {
    Device device;
    device.publish(Release());
    rule.arrange(device);
    checkEqual(code(device.flow.update()), rule.expected, rule.name);
    checkNothingLeftOpen(device, rule.name);
  }

  Device wrongLength;
  wrongLength.publish(Release());
  wrongLength.transport.responses[kImageUrl].body += "extra";
  wrongLength.transport.responses[kImageUrl].contentLength = -1;
  wrongLength.flow.update();
  checkEqual(wrongLength.flash.begins, 0, "flash not opened for a wrong length");

  Device closed;
  closed.publish(Release());
  closed.transport.responses[kImageUrl].closeAfter = 1000;
  closed.flow.update();
  checkEqual(closed.flow.imageBytesReceived(), 1000, "bytes before the close");
  checkEqual(closed.flash.aborts, 1, "aborted after the close");

  // The device that met every failure above takes the next good release.
  Device device;
  for (const SizeRuleCase& rule : kSizeRuleCases) {
    device.publish(Release());
    rule.arrange(device);
    device.flow.update();
    device.flash.capacity = 1 << 20;
    device.flash.failWrites = false;
  }
  checkEqual(device.flash.aborts, 3, "aborted after the close, the stall and the write failure");
  device.publish(Release());
  checkEqual(code(device.flow.update()), "updated", "good release after every failure");
  checkEqual(device.flash.commits, 1, "committed once");
}

void testFlashFailures() {
  Device device;
  const Release release;
  device.publish(release);
  device.flash.failBegin = true;
  checkEqual(code(device.flow.update()), "flash_error", "flash begin() refused");
  checkEqual(device.flash.begins, 1, "begin() tried once");
  checkEqual(device.transport.bodyBytesServed[kImageUrl], 0, "no image body read without an open flash");
  checkNothingLeftOpen(device, "flash begin() refused");
  device.flash.failBegin = false;
  checkEqual(code(device.flow.update()), "updated", "the same offer installs once begin() works");
  check(device.flash.committed == release.image, "new image committed after a refused begin()");

  Device failedCommit;
  failedCommit.publish(release);
  failedCommit.flash.failCommit = true;
  checkEqual(code(failedCommit.flow.update()), "flash_error", "flash commit() failed");
  checkNothingLeftOpen(failedCommit, "flash commit() failed");
  checkEqual(failedCommit.flash.aborts, 1, "aborted after the failed commit()");
  failedCommit.flash.failCommit = false;
  checkEqual(code(failedCommit.flow.update()), "updated", "the same offer installs after a failed commit()");
  check(failedCommit.flash.committed == release.image, "new image committed after a failed commit()");
}

void testImageNotFound() {
  Device device;
  const Release release;
  device.publish(release);
  device.transport.responses[kImageUrl].status = 404;
  checkEqual(code(device.flow.update()), "http_status", "image 404");
  checkEqual(device.flow.httpStatus(), 404, "image status kept");
  checkEqual(device.flash.begins, 0, "flash not opened for a 404");
  checkNothingLeftOpen(device, "image 404");
  device.transport.responses[kImageUrl].status = 200;
  checkEqual(code(device.flow.update()), "updated", "installs once the image is there");
  check(device.flash.committed == release.image, "new image committed after a 404");
}

void testTotalTimeBound() {
  Device device;
  device.publish(Release());
  device.flow.setTimeouts(1000, 5000);
  device.clock.stepMs = 1000;  // each reading of the clock is a second later
  checkEqual(code(device.flow.update()), "timeout", "update slower than its time bound");
  checkEqual(transportErrorCode(device.flow.transportError()), "timeout", "detail timeout");
  checkEqual(device.transport.bodyBytesServed[kImageUrl], 0, "no image body read");
  checkEqual(device.flow.imageBytesReceived(), 0, "no image bytes counted");
  checkNothingLeftOpen(device, "slow update");
}

// Validators are unauthenticated: an answer that pairs an old manifest with
// the current ETag must not hide the current release for long.
void testValidatorsCannotHideARelease() {
  Device device;
  Release running;
  running.version = "1.0.0";
  Release current;
  current.version = "1.1.0";

  // One forged answer: the running version's manifest under the ETag the
  // mirror gives the current release.
  device.publish(running);
  device.transport.responses[kManifestUrl].etag = "\"current\"";
  checkEqual(code(device.flow.update()), "no_update", "forged answer");
  device.publish(current);
  device.transport.responses[kManifestUrl].etag = "\"current\"";
  checkEqual(code(device.flow.update()), "updated", "the next poll asks unconditionally and installs");

  // The same forgery on two polls in a row hides the release for at most
  // kMaxConditionalPolls polls.
  Device twice;
  twice.publish(running);
  twice.transport.responses[kManifestUrl].etag = "\"current\"";
  twice.flow.update();
  twice.flow.update();
  twice.publish(current);
  twice.transport.responses[kManifestUrl].etag = "\"current\"";
  for (uint8_t poll = 0; poll < kMaxConditionalPolls; ++poll) {
    checkEqual(code(twice.flow.update()), "no_update", "hidden by confirmed validators, poll " + std::to_string(poll));
  }
  checkEqual(code(twice.flow.update()), "updated", "then an unconditional GET finds the release");

  // An idle device: after the confirmation, kMaxConditionalPolls polls cost
  // a 304, then one unconditional GET confirms again.
  Device idle;
  idle.publish(running);
  idle.flow.update();
  idle.flow.update();
  std::string sent;
  for (int poll = 0; poll < 2 * (kMaxConditionalPolls + 1); ++poll) {
    idle.flow.update();
    sent += idle.transport.conditionalEtags.back().empty() ? 'u' : 'c';
  }
  checkEqual(sent, "ccccccccuccccccccu", "conditional polls between unconditional ones");

  // A transport failure stores nothing: the truncated answer's ETag is never sent.
  Device cut;
  cut.publish(running);
  cut.flow.update();
  cut.flow.update();
  cut.publish(current);
  cut.transport.responses[kManifestUrl].closeAfter = 100;
  checkEqual(code(cut.flow.update()), "network", "manifest cut short");
  checkEqual(transportErrorCode(cut.flow.transportError()), "closed", "detail closed");
  cut.transport.responses[kManifestUrl].closeAfter = SIZE_MAX;
  checkEqual(code(cut.flow.update()), "updated", "the whole manifest next time");
  checkEqual(cut.transport.conditionalEtags[cut.transport.conditionalEtags.size() - 2], "\"1\"",
             "the cut answer's ETag was not stored");
}

void testManifestCutShort() {
  Device device;
  device.publish(Release());
  const size_t length = device.transport.responses[kManifestUrl].body.size();
  for (size_t cut : {size_t{0}, size_t{1}, length / 2, length - 1}) {
    device.transport.responses[kManifestUrl].closeAfter = cut;
    checkEqual(code(device.flow.update()), "network", "closed after " + std::to_string(cut) + " bytes");
    checkEqual(manifestErrorCode(device.flow.manifestError()), "ok", "never parsed");
  }
  device.transport.responses[kManifestUrl].closeAfter = SIZE_MAX;
  checkEqual(code(device.flow.update()), "updated", "the whole manifest installs");
}

void testRequestsWithinTheDeadline() {
  Device device;
  device.publish(Release());
  device.flow.setTimeouts(1000, 5000);
  device.clock.stepMs = 10;
  checkEqual(code(device.flow.update()), "updated", "update within its time bound");
  const std::vector<uint32_t>& total = device.transport.totalTimeouts;
  check(total.size() == 2 && total[0] <= 5000 && total[0] > 4900, "manifest GET gets the update's time bound");
  check(total[1] < total[0] && total[1] > 0, "image GET gets what is left of it");
}

void testReadsWithinTheDeadline() {
  Device device;
  device.publish(Release());
  device.flow.setTimeouts(10000, 3000);  // one wait could outlast the whole update
  device.clock.stepMs = 10;
  checkEqual(code(device.flow.update()), "updated", "update within its time bound");
  const std::vector<uint32_t>& waits = device.transport.readTimeouts;
  check(!waits.empty() && std::all_of(waits.begin(), waits.end(), [](uint32_t wait) { return wait > 0 && wait < 3000; }),
        "every body read waits at most what is left of the update's time bound");
  check(waits.back() < waits.front(), "the waits shrink as the time bound runs out");
}

// Restored state comes from storage the flow does not control.
void testRestoredStateIsBounded() {
  Device device;
  PollValidators saved;
  saved.conditionalPollsLeft = 200;
  std::memset(saved.validators.etag, 'e', sizeof(saved.validators.etag));
  std::memset(saved.validators.lastModified, 'm', sizeof(saved.validators.lastModified));
  device.flow.restoreLastPollValidators(saved);
  const PollValidators& restored = device.flow.lastPollValidators();
  checkEqual(restored.conditionalPollsLeft, kMaxConditionalPolls, "poll count capped");
  checkEqual(static_cast<long long>(std::strlen(restored.validators.etag)), static_cast<long long>(kMaxEtagLength),
             "ETag ends within its buffer");
  checkEqual(static_cast<long long>(std::strlen(restored.validators.lastModified)),
             static_cast<long long>(kMaxLastModifiedLength), "Last-Modified ends within its buffer");
}

// Validators obtained under other settings say nothing about how the same
// manifest bytes are judged now.
void testSettingsForgetValidators() {
  const std::vector<std::pair<std::string, void (*)(UpdateFlow&, const Signer&)>> setters = {
      {"manifest URL", [](UpdateFlow& flow, const Signer&) { flow.setManifestUrl(kManifestUrl); }},
      {"trusted key", [](UpdateFlow& flow, const Signer& key) { flow.addTrustedKey(key.publicKey.data()); }},
      {"running version", [](UpdateFlow& flow, const Signer&) { flow.setRunningVersion("1.0.0"); }},
      {"board", [](UpdateFlow& flow, const Signer&) { flow.setBoard("nodemcuv2"); }},
      {"channel", [](UpdateFlow& flow, const Signer&) { flow.setChannel("stable"); }},
      {"version store", [](UpdateFlow& flow, const Signer&) { flow.setVersionStore(nullptr); }},
      {"device id", [](UpdateFlow& flow, const Signer&) { flow.setDeviceId("device-1"); }},
      {"required signatures", [](UpdateFlow& flow, const Signer&) { flow.setRequiredSignatures(1); }},
      {"fallback mirror", [](UpdateFlow& flow, const Signer&) { flow.addMirrorUrl("http://backup.example/nodemcuv2/latest.txt"); }},
      {"outside setting", [](UpdateFlow& flow, const Signer&) { flow.forgetLastPoll(); }},
      {"refused version", [](UpdateFlow& flow, const Signer&) { flow.setRefusedVersion("2.0.0"); }},
      {"health check", [](UpdateFlow& flow, const Signer&) { flow.setVerifyUnchanged(true); }},
  };
  for (const auto& setter : setters) {
    Device device;
    device.settleOnRunningVersion();
    check(device.flow.lastPollValidators().conditionalPollsLeft == kMaxConditionalPolls, "validators confirmed");
    setter.second(device.flow, device.signer);
    check(device.flow.lastPollValidators().conditionalPollsLeft == 0 &&
              device.flow.lastPollValidators().validators.empty(),
          setter.first + ": validators forgotten");
    device.flow.update();
    checkEqual(device.transport.conditionalEtags.back(), "", setter.first + ": the next GET is unconditional");
  }
}

void testManifestLimits() {
  Device device;
  FakeResponse huge;
  huge.body = std::string(1025, 'a');
  huge.sendContentLength = false;
  device.transport.responses[kManifestUrl] = huge;
  checkEqual(code(device.flow.update()), "wrong_format", "1025-byte manifest without a length");
  checkEqual(manifestErrorCode(device.flow.manifestError()), "too_large", "detail too_large");

  huge.body = std::string(100, 'a');
  huge.sendContentLength = true;
  huge.contentLength = 5000;
  device.transport.responses[kManifestUrl] = huge;
  checkEqual(code(device.flow.update()), "wrong_format", "manifest announced as 5000 bytes");
  // Refused for its announced length, before the 100-byte body (itself no manifest) is read.
  checkEqual(manifestErrorCode(device.flow.manifestError()), "too_large", "announced length refused as too_large");

  FakeResponse missing;
  missing.status = 404;
  device.transport.responses[kManifestUrl] = missing;
  checkEqual(code(device.flow.update()), "http_status", "404");
  checkEqual(device.flow.httpStatus(), 404, "status kept");
}

void testSignatureAndContext() {
  Device device;
  Release release;
  device.publish(release);
  std::string& manifest = device.transport.responses[kManifestUrl].body;
  manifest.replace(manifest.find("size=2500"), 9, "size=2501");
  checkEqual(code(device.flow.update()), "bad_signature", "changed manifest");

  Signer stranger(9);
  device.transport.responses[kManifestUrl].body = stranger.sign(release.body());
  device.transport.responses[kManifestUrl].etag = "\"stranger\"";
  checkEqual(code(device.flow.update()), "bad_signature", "unknown key");
  checkEqual(manifestErrorCode(device.flow.manifestError()), "untrusted_key", "detail untrusted_key");

  Release otherBoard;
  otherBoard.board = "esp32dev";
  device.publish(otherBoard);
  checkEqual(code(device.flow.update()), "wrong_board", "another board");

  Release beta;
  beta.channel = "beta";
  device.publish(beta);
  checkEqual(code(device.flow.update()), "wrong_channel", "another channel");

  Release expiring;
  expiring.extra = "expires=1700000000\n";
  device.publish(expiring);
  checkEqual(code(device.flow.check()), "update_available", "expires ignored without a trusted clock");
  device.clock.knowsTime = true;
  device.clock.unixNow = 1700000001;
  checkEqual(code(device.flow.check()), "expired", "expired with a trusted clock");
  checkEqual(code(device.flow.check()), "expired", "the same answer again");
  checkEqual(code(device.flow.check()), "no_update", "then an unchanged expired manifest costs a 304 only");
  device.publish(expiring);
  device.clock.unixNow = 1700000000;
  checkEqual(code(device.flow.check()), "update_available", "valid up to the second it names");
  checkEqual(device.flash.committed, "old image", "no refusal touched the flash");
}

void testHighestAcceptedVersion() {
  Device device;
  MemoryVersionStore store;
  store.stored = "2.0.0";  // the device once ran 2.0.0, then 1.0.0 was flashed by hand
  device.flow.setVersionStore(&store);
  device.publish(Release());
  checkEqual(code(device.flow.update()), "not_newer", "1.1.0 is below the highest accepted");
  checkEqual(device.crypto.verifications, 0, "refused before any signature check");
  checkEqual(store.stored, "2.0.0", "record unchanged");

  Release newer;
  newer.version = "2.0.1";
  device.publish(newer);
  checkEqual(code(device.flow.update()), "updated", "2.0.1 accepted");
  checkEqual(store.stored, "2.0.1", "record raised");

  MemoryVersionStore empty;
  Device fresh;
  fresh.flow.setVersionStore(&empty);
  fresh.publish(Release());
  fresh.transport.responses[kManifestUrl].status = 500;
  fresh.flow.check();
  checkEqual(empty.stored, "1.0.0", "the running version counts as accepted");
}

void testConfiguration() {
  FakeTransport transport;
  FakeFlash flash;
  FakeClock clock;
  CountingCrypto crypto;
  UpdateFlow flow(transport, flash, clock, crypto);
  checkEqual(code(flow.update()), "config_error", "nothing configured");
  check(!flow.setManifestUrl("nodemcuv2/latest.txt"), "relative URL refused");
  check(!flow.setRunningVersion("1.0"), "invalid running version refused");
  const std::vector<uint8_t> identity = test::fromHex("0100000000000000000000000000000000000000000000000000000000000000");
  check(!flow.addTrustedKey(identity.data()), "small-order trusted key refused");
  const uint8_t placeholder[kPublicKeyLength] = {};  // the examples' "paste your key here"
  check(!flow.addTrustedKey(placeholder), "all-zero placeholder key refused");
  check(flow.setManifestUrl(kManifestUrl) && flow.setRunningVersion("1.0.0") && flow.setBoard("nodemcuv2"),
        "valid settings");
  checkEqual(code(flow.update()), "config_error", "no trusted key");
  checkEqual(static_cast<long long>(transport.requests.size()), 0, "nothing fetched without a key");
}

// Fleet settings (issue 11): each refuses what it cannot use and keeps the previous value.
void testFleetSettings() {
  Device device;
  check(!device.flow.setRequiredSignatures(0) && !device.flow.setRequiredSignatures(kMaxTrustedKeys + 1),
        "required signatures outside 1..kMaxTrustedKeys refused");
  check(device.flow.setRequiredSignatures(2), "two required signatures");
  Release release;
  device.publish(release);
  checkEqual(code(device.flow.update()), "config_error", "two required, one trusted key");
  checkEqual(static_cast<long long>(device.transport.requests.size()), 0, "nothing fetched");
  Signer second(9);
  check(device.flow.addTrustedKey(second.publicKey.data()) && device.flow.addTrustedKey(second.publicKey.data()),
        "a key added twice is accepted once");
  checkEqual(code(device.flow.update()), "bad_signature", "one of two signatures");
  checkEqual(manifestErrorCode(device.flow.manifestError()), "too_few_signatures", "detail");

  check(!device.flow.setDeviceId("") && !device.flow.setDeviceId("has space") && !device.flow.setDeviceId("a:b") &&
            !device.flow.setDeviceId(std::string(kMaxDeviceIdLength + 1, 'x').c_str()),
        "empty, spaced, ':' and 33-character device ids refused");
  check(device.flow.setDeviceId(std::string(kMaxDeviceIdLength, 'x').c_str()), "32-character device id");

  UpdateFlow& flow = device.flow;
  check(flow.addMirrorUrl("http://b.example/nodemcuv2/latest.txt") && flow.addMirrorUrl("http://c.example/nodemcuv2/latest.txt"),
        "two fallbacks");
  check(!flow.addMirrorUrl("http://d.example/nodemcuv2/latest.txt"), "a fourth manifest URL refused");
  check(!flow.addMirrorUrl("latest.txt"), "relative fallback refused");
}

// Rollout decisions and the offer record, over the fakes.
void testRolloutAndReplay() {
  Device device;
  MemoryVersionStore store;
  device.flow.setVersionStore(&store);
  Release halted;
  halted.extra = "rollout=0\nseq=2\n";
  device.publish(halted);
  device.flow.setDeviceId("device-1");
  checkEqual(code(device.flow.update()), "not_in_rollout", "rollout 0");
  checkEqual(store.offer + " " + std::to_string(store.offerSeq), "1.1.0 2", "offer recorded before the rollout decision");
  checkEqual(device.flash.commits, 0, "nothing installed");

  Release wider;
  wider.extra = "rollout=100\nseq=1\n";
  device.publish(wider);
  checkEqual(code(device.flow.update()), "replayed", "older signing of the same version");
  checkEqual(device.flash.commits, 0, "replay not installed");

  Device withoutId;
  Release half;
  half.extra = "rollout=50\n";
  withoutId.publish(half);
  checkEqual(code(withoutId.flow.update()), "not_in_rollout", "no device id: only full rollouts");
  Release full;
  full.extra = "rollout=100\nseq=3\n";
  device.publish(full);
  checkEqual(code(device.flow.update()), "updated", "rollout 100 with a higher seq");
}

// Mirror failover (docs/protocol.md, issue 18). A device with a version store
// judges each mirror against the highest version it accepted, not against
// what judging the mirror before left in its buffers: a primary replaying an
// older signed release must not hide a newer one on the fallback.
void testEachMirrorJudgedOnItsOwn() {
  const std::pair<const char*, const char*> runningAndOffered[] = {{"1.0.0", "2.0.0"}, {"1.0.0-rc.1", "2.0.1"}};
  for (const auto& [running, offered] : runningAndOffered) {
    const std::string name = std::string("running ") + running + ", fallback offers " + offered;
    Device device;
    device.flow.setRunningVersion(running);
    MemoryVersionStore store;
    store.stored = running;
    store.offer = "2.0.0";  // seen earlier at a rollout that left this device out
    device.flow.setVersionStore(&store);
    Release replayed;
    replayed.version = "1.5.0";
    device.publish(replayed);
    Release current;
    current.version = offered;
    current.extra = "rollout=100\nseq=1\n";
    device.addFallback(current);
    checkEqual(code(device.flow.update()), "updated", name + ": the fallback's release installs");
    checkEqual(static_cast<long long>(device.flow.mirrorIndex()), 1, name + ": from the fallback");
    checkEqual(store.stored, offered, name + ": recorded as the highest accepted");
    checkEqual(store.offer + " " + std::to_string(store.offerSeq), std::string(offered) + " 1",
               name + ": the offer record follows the newer offer");
  }
}

// Any failure of a mirror passes the poll to the next one: an offer whose
// image cannot be fetched, or does not match, is a failure of that mirror.
struct MirrorFailure {
  const char* name;
  void (*arrange)(FakeResponse& primaryImage);
  const char* alone;  // the result when the primary is the only mirror
};

const MirrorFailure kImageFailures[] = {
    {"image 404", [](FakeResponse& image) { image.status = 404; }, "http_status"},
    {"other image bytes", [](FakeResponse& image) { image.body = imageBytes(image.body.size(), 'y'); }, "hash_mismatch"},
    {"connection closed early", [](FakeResponse& image) { image.closeAfter = 1000; }, "network"},
    {"stalled download", [](FakeResponse& image) { image.stallAfter = 700; }, "timeout"},
    {"no Content-Length", [](FakeResponse& image) { image.sendContentLength = false; }, "size_mismatch"},
};

void testFailoverAfterImageFailure() {
  for (const MirrorFailure& failure : kImageFailures) {
    const std::string name = failure.name;
    const Release release;
    Device alone;
    alone.publish(release);
    failure.arrange(alone.transport.responses[kImageUrl]);
    checkEqual(code(alone.flow.update()), failure.alone, name + ": one mirror");

    Device device;
    device.publish(release);
    failure.arrange(device.transport.responses[kImageUrl]);
    device.addFallback(release);
    checkEqual(code(device.flow.check()), "update_available", name + ": check() asks for manifests only");
    checkEqual(static_cast<long long>(device.flow.mirrorIndex()), 0, name + ": the primary's offer");
    checkEqual(code(device.flow.update()), "updated", name + ": the fallback's image installs");
    checkEqual(static_cast<long long>(device.flow.mirrorIndex()), 1, name + ": from the fallback");
    check(device.flash.committed == release.image, name + ": the fallback's image committed");
    check(!device.flash.open && device.flash.commits == 1, name + ": nothing left open");
    checkEqual(device.transport.requests.back(), kFallbackImageUrl, name + ": the image beside the fallback's manifest");

    Device bothFail;
    bothFail.publish(release);
    failure.arrange(bothFail.transport.responses[kImageUrl]);
    bothFail.addFallback(release);
    bothFail.transport.responses[kFallbackImageUrl].status = 404;
    checkEqual(code(bothFail.flow.update()), "http_status", name + ", fallback 404: the last mirror's failure");
    checkEqual(bothFail.flow.httpStatus(), 404, name + ", fallback 404: its status");
    checkNothingLeftOpen(bothFail, name + ", fallback 404");
  }
}

// A primary that trickles latest.txt, each byte within the read timeout,
// spends its own share of the poll's time bound, not the fallback's.
void testEachMirrorHasItsShareOfTime() {
  Device device;
  const Release release;
  device.publish(release);
  device.transport.responses[kManifestUrl].bytesPerRead = 1;
  device.addFallback(release);
  device.flow.setTimeouts(1000, 10000);
  device.clock.stepMs = 100;  // each byte of the primary's manifest takes 100 ms
  checkEqual(code(device.flow.update()), "updated", "trickling primary: the fallback serves");
  checkEqual(static_cast<long long>(device.flow.mirrorIndex()), 1, "from the fallback");
  const std::vector<uint32_t>& total = device.transport.totalTimeouts;
  check(total.size() == 3 && total[0] <= 5000 && total[0] >= 4800, "the primary gets half the time bound");
  check(total[1] <= 5000 && total[1] >= 4700, "the fallback gets what is left of the poll's time bound");
  check(device.clock.nowMs <= 10000, "the poll ends within its time bound");

  Device alone;
  alone.publish(release);
  alone.flow.setTimeouts(1000, 10000);
  alone.clock.stepMs = 100;
  checkEqual(code(alone.flow.update()), "updated", "one mirror: the whole time bound");
  check(alone.transport.totalTimeouts[0] >= 9800, "its manifest GET gets all of it");
}

// The probe poll (fallbacks first) comes every kMirrorProbeInterval polls,
// whatever the primary answered: polls on which it failed count too.
void testProbeCountsPolls() {
  Device device;
  Release running;
  running.version = "1.0.0";
  device.publish(running);
  device.transport.responses[kManifestUrl].status = 500;
  device.addFallback(running);
  const size_t failingPolls = 4;
  for (size_t poll = 1; poll <= failingPolls; ++poll) {
    checkEqual(code(device.flow.update()), "no_update", "primary down: the fallback answers");
  }
  device.publish(running);  // the primary is back, and stays behind
  device.publish(Release(), kFallbackManifestUrl, kFallbackImageUrl);
  for (size_t poll = failingPolls + 1; poll < kMirrorProbeInterval; ++poll) {
    checkEqual(code(device.flow.update()), "no_update", "poll " + std::to_string(poll) + ": the primary answers");
    checkEqual(static_cast<long long>(device.flow.mirrorIndex()), 0, "poll " + std::to_string(poll) + ": primary");
  }
  checkEqual(code(device.flow.update()), "updated", "the probe poll comes after kMirrorProbeInterval polls");
  checkEqual(static_cast<long long>(device.flow.mirrorIndex()), 1, "the probe's offer from the fallback");
}

}  // namespace

// Runs each backend call on a worker thread, handed over through an atomic
// flag (no thread is created on the measured stack), so a stack measurement
// of the flow counts the core's own frames and none of the backend's.
class OffStackCrypto final : public CryptoBackend {
 public:
  OffStackCrypto() : worker_([this] { serve(); }) {}
  ~OffStackCrypto() {
    stop_ = true;
    worker_.join();
  }

  void sha256Begin() override {
    onWorker([this] { real_.sha256Begin(); });
  }
  void sha256Update(const uint8_t* data, size_t length) override {
    onWorker([&] { real_.sha256Update(data, length); });
  }
  void sha256Finish(uint8_t digest[32]) override {
    onWorker([&] { real_.sha256Finish(digest); });
  }
  bool ed25519Verify(const uint8_t s[64], const uint8_t k[32], const uint8_t* m, size_t n) override {
    bool valid = false;
    onWorker([&] { valid = real_.ed25519Verify(s, k, m, n); });
    return valid;
  }

 private:
  template <typename Task>
  void onWorker(Task&& task) {
    context_ = &task;
    run_ = [](void* context) { (*static_cast<Task*>(context))(); };
    pending_.store(true, std::memory_order_release);
    while (pending_.load(std::memory_order_acquire)) std::this_thread::yield();
  }

  void serve() {
    while (!stop_) {
      if (pending_.load(std::memory_order_acquire)) {
        run_(context_);
        pending_.store(false, std::memory_order_release);
      } else {
        std::this_thread::yield();
      }
    }
  }

  OpenSslCrypto real_;
  void (*run_)(void*) = nullptr;
  void* context_ = nullptr;
  std::atomic<bool> pending_{false};
  std::atomic<bool> stop_{false};
  std::thread worker_;  // last: starts once everything above exists
};

// Stack high-water of a full update over in-memory fakes, and where it goes:
// the core alone (what a chip adds to its own Ed25519 and SHA-256 code), one
// Ed25519 verification of the manifest and one SHA-256 chunk of the image
// with OpenSSL alone, and the whole update with OpenSSL on the same stack
// (what the host simulator shows). OpenSSL is initialised before any of it,
// as a device initialises its crypto library at boot.
void printFlowStackUsage() {
  static Device device;
  static OffStackCrypto offStack;
  static UpdateFlow coreOnly(device.transport, device.flash, device.clock, offStack);
  configure(coreOnly, device.signer);
  struct Run {
    UpdateFlow* flow;
    Result result;
  };
  const auto update = [](void* argument) -> void* {
    Run* run = static_cast<Run*>(argument);
    run->result = run->flow->update();
    return nullptr;
  };
  device.publish(Release());
  Run withOpenSsl{&device.flow, Result::ConfigError};
  const size_t withOpenSslBytes = stackHighWater(update, &withOpenSsl);
  device.publish(Release());
  Run core{&coreOnly, Result::ConfigError};
  const size_t coreBytes = stackHighWater(update, &core);
  check(withOpenSsl.result == Result::Updated && core.result == Result::Updated, "measured updates install");

  // The backend's two jobs alone, each on its own painted stack.
  static OpenSslCrypto openSsl;
  static const std::string manifest = device.signer.sign(Release().body());
  static const size_t signedLength = manifest.find("sig=");
  static const std::vector<uint8_t> signature = test::fromHex(manifest.substr(signedLength + 13, 128));
  static bool verified = false;
  const auto verify = [](void*) -> void* {
    verified = openSsl.ed25519Verify(signature.data(), device.signer.publicKey.data(),
                                     reinterpret_cast<const uint8_t*>(manifest.data()), signedLength);
    return nullptr;
  };
  const auto hashChunk = [](void*) -> void* {
    static const uint8_t chunk[kMaxManifestBytes] = {};
    uint8_t digest[kSha256Length];
    openSsl.sha256Begin();
    openSsl.sha256Update(chunk, sizeof(chunk));
    openSsl.sha256Finish(digest);
    return nullptr;
  };
  const size_t verifyBytes = stackHighWater(verify, nullptr);
  const size_t hashBytes = stackHighWater(hashChunk, nullptr);
  check(verified, "measured verification succeeds");
  std::printf(
      "update_stack_bytes_with_openssl=%zu update_stack_bytes_core_only=%zu openssl_ed25519_verify_stack_bytes=%zu "
      "openssl_sha256_chunk_stack_bytes=%zu\n",
      withOpenSslBytes, coreBytes, verifyBytes, hashBytes);
}

// A version rolled back on this device is refused without cryptography, and
// its refusal is a decision the next poll may take from a 304.
void testRefusedVersion() {
  Device device;
  check(!device.flow.setRefusedVersion("not a version"), "an invalid version is refused");
  check(device.flow.setRefusedVersion("1.1.0"), "a valid one is accepted");
  device.publish(Release());
  checkEqual(code(device.flow.update()), "rolled_back", "the refused version is not taken");
  checkEqual(device.crypto.verifications, 0, "refused before any cryptography");
  checkEqual(device.flash.begins, 0, "flash never opened");
  checkEqual(code(device.flow.update()), "rolled_back", "again");
  checkEqual(code(device.flow.update()), "no_update", "then the unchanged manifest is a 304, as for any decided refusal");
  checkEqual(device.transport.conditionalEtags.back(), "\"1\"", "validators sent once confirmed");
  checkEqual(device.crypto.verifications, 0, "still no cryptography");
  Release newer;
  newer.version = "1.1.1";
  device.publish(newer);
  checkEqual(code(device.flow.update()), "updated", "a newer version installs");
  check(device.flow.setRefusedVersion(""), "cleared");
}

// A boot's health check: the manifest is verified even when it offers the
// running version, never answered from validators, and only a valid
// signature counts.
void testVerifyUnchanged() {
  Device device;
  device.settleOnRunningVersion();
  checkEqual(code(device.flow.update()), "no_update", "304 before the health check");
  check(!device.flow.signatureVerified(), "a 304 verifies nothing");
  device.flow.setVerifyUnchanged(true);
  checkEqual(code(device.flow.update()), "no_update", "the running version, verified");
  checkEqual(device.transport.conditionalEtags.back(), "", "no validators during the health check");
  check(device.flow.signatureVerified(), "the signature was verified");
  checkEqual(device.crypto.verifications, 1, "one verification");
  Release older;
  older.version = "0.9.0";
  device.publish(older);
  checkEqual(code(device.flow.update()), "not_newer", "an older version is still refused");
  check(device.flow.signatureVerified(), "after its signature was verified");
  device.transport.responses[kManifestUrl].body = Release().body() + "sig=" + device.signer.keyId + ":" +
                                                  std::string(128, '0') + "\n";
  checkEqual(code(device.flow.update()), "bad_signature", "a forged manifest");
  check(!device.flow.signatureVerified(), "proves nothing");
  device.flow.setVerifyUnchanged(false);
  device.settleOnRunningVersion();
  check(!device.flow.signatureVerified(), "off again: the running version costs no verification");
}

// The poll a device with a boot guard runs: with the sketch's own health
// check still failing, a pending image reports an offer but writes nothing
// (ESP-IDF refuses); once confirmed, the offer installs and is the next trial.
void testGuardedPoll() {
  Device device;
  test::FakeBoot boot;
  boot.pending = true;
  BootGuard guard(boot);
  guard.begin("1.0.0");
  device.publish(Release());
  checkEqual(code(guardedPoll(device.flow, guard, true, false)), "update_available", "offered, not installed");
  checkEqual(device.flash.begins, 0, "nothing written while pending");
  checkEqual(boot.validMarks, 0, "a verified manifest does not confirm when the sketch checks health itself");
  guard.confirm();
  checkEqual(code(guardedPoll(device.flow, guard, true, false)), "updated", "installed once confirmed");
  BootGuard next(boot);  // the restart into 1.1.0
  boot.pending = true;
  device.flow.setRunningVersion("1.1.0");
  next.begin("1.1.0");
  checkEqual(bootStateCode(next.state()), "pending", "the update is the next boot's trial");
  checkEqual(code(guardedPoll(device.flow, next, false, true)), "no_update", "its first poll");
  checkEqual(bootStateCode(next.state()), "confirmed", "confirms it by default");
}

// encoding=gzip is refused before the download where the boot loader cannot
// inflate it (ESP32), and streamed, hashed and committed as served where it can.
void testGzipEncoding() {
  Release release;
  release.image = std::string("\x1f\x8b\x08\x00", 4) + std::string(3000, 'z');
  release.extra = "encoding=gzip\n";
  Device esp32;
  esp32.publish(release);
  checkEqual(code(esp32.flow.update()), "unsupported_encoding", "gzip on a device that cannot inflate it");
  checkEqual(static_cast<long long>(esp32.transport.requests.size()), 1, "refused before the image is fetched");
  checkEqual(esp32.flash.begins, 0, "unsupported encoding: flash never opened");
  check(esp32.flow.signatureVerified(), "refused only after the signature verified");
  checkEqual(code(esp32.flow.update()), "unsupported_encoding", "the same manifest again");
  esp32.flow.update();
  checkEqual(esp32.transport.conditionalEtags.back(), "\"1\"", "decided by the manifest bytes: validators kept");

  Device esp8266;
  esp8266.flash.inflatesGzip = true;
  esp8266.publish(release);
  checkEqual(code(esp8266.flow.update()), "updated", "gzip where the boot loader inflates it");
  check(esp8266.flash.committed == release.image, "the served (compressed) bytes are written as they are");

  Release raw;
  Device plain;
  plain.publish(raw);
  checkEqual(code(plain.flow.update()), "updated", "a raw image on a device that cannot inflate");
}

// A gzip image's signed inflated size must fit what the boot loader writes
// below the staged image: refused before the download, as the manifest
// bytes decide. Without the field (earlier publishers) nothing is known.
void testGzipInflatedSize() {
  Release release;
  release.image = std::string("\x1f\x8b\x08\x00", 4) + std::string(3000, 'z');
  release.extra = "encoding=gzip\ninflated-size=9000\n";
  Device tight;
  tight.flash.inflatesGzip = true;
  tight.flash.inflateRoom = 8999;
  tight.publish(release);
  checkEqual(code(tight.flow.update()), "too_large", "inflated size over the room below the staged image");
  checkEqual(static_cast<long long>(tight.transport.requests.size()), 1, "too large: refused before the image is fetched");
  checkEqual(tight.flash.begins, 0, "too large: flash never opened");
  checkEqual(tight.flash.inflateAskedFor, 3004, "the room is asked for the staged (served) size");

  Device roomy;
  roomy.flash.inflatesGzip = true;
  roomy.flash.inflateRoom = 9000;
  roomy.publish(release);
  checkEqual(code(roomy.flow.update()), "updated", "an inflated size that fits exactly");

  release.extra = "encoding=gzip\n";
  Device unsized;
  unsized.flash.inflatesGzip = true;
  unsized.publish(release);
  checkEqual(code(unsized.flow.update()), "updated", "no inflated-size: not checked before the download");
}

void runFlowTests() {
  testGzipEncoding();
  testGzipInflatedSize();
  testNoCryptoWhenNothingIsNew();
  testCheckOffersWithoutDownloading();
  testUpdateInstalls();
  testHashMismatchNeverReachesFlash();
  testLastChunkHeldBack();
  testSizeRules();
  testFlashFailures();
  testImageNotFound();
  testTotalTimeBound();
  testValidatorsCannotHideARelease();
  testManifestCutShort();
  testRequestsWithinTheDeadline();
  testReadsWithinTheDeadline();
  testRestoredStateIsBounded();
  testSettingsForgetValidators();
  testManifestLimits();
  testSignatureAndContext();
  testHighestAcceptedVersion();
  testConfiguration();
  testRefusedVersion();
  testVerifyUnchanged();
  testGuardedPoll();
  testFleetSettings();
  testRolloutAndReplay();
  testEachMirrorJudgedOnItsOwn();
  testFailoverAfterImageFailure();
  testEachMirrorHasItsShareOfTime();
  testProbeCountsPolls();
}
