// Runs the device core on the ESP8266's CPU (lx106) under QEMU's `sim`
// machine: frameManifest + openManifest on a vector, the trusted key's check
// (UpdateFlow::addTrustedKey, as StaticOta's constructor calls it),
// UpdateFlow::check() and UpdateFlow::update() over in-memory fakes, an idle
// poll answered 304, and (given an image pair) UpdateFlow::update() installing
// the release from a patch against the running image.
// Each step runs on a painted stack between two reads of CCOUNT; one line per
// step goes out through semihosting:
//   step=<name> result=<code> ccount=<cycles> stack=<bytes>   (numbers in hex)
// Instructions follow from CCOUNT with the `calibration` line (a loop of
// known length). The fakes do no work of their own (no copies, no hashing),
// but for the running image, copied from memory as the chip reads its flash.
// Two spans of the delta step are timed in place and reported the same way:
//   span=<name> bytes=<bytes> ccount=<cycles>
// base_hash: sha256Begin to sha256Finish of the running image's hash (the
// base check); delta_apply: the flash's begin() to its commit() (download,
// decoding, the result's hash and the writes).
#include <string.h>

#include "core/manifest.h"
#include "core/delta_update.h"
#include "core/result.h"
#include "core/update_flow.h"
#include "harness.h"
#include "harness_data.h"

extern "C" {
uint32_t harness_ccount();
uintptr_t harness_sp();
void harness_spin(uint32_t n);
int harness_simcall(int number, int a, int b, int c);
int harness_main();
extern uint32_t __stack_bottom[];
}

// Placement new without <new>, which a freestanding build does not have.
void* operator new(size_t, void* where) noexcept { return where; }

using namespace static_ota;
using namespace harness;

namespace {

constexpr int kSysWrite = 4;
constexpr uint32_t kPaint = 0xA5A5A5A5u;
constexpr char kManifestUrl[] = "http://mirror.test/board/latest.txt";
constexpr char kEtag[] = "\"manifest\"";

void print(const char* text) { harness_simcall(kSysWrite, 1, reinterpret_cast<int>(text), static_cast<int>(strlen(text))); }

// In hexadecimal: the lx106 has no divide instruction and Debian's libgcc
// for it leaves division to the ESP8266's ROM, which QEMU does not have.
void printNumber(uint32_t value) {
  char digits[11] = "0x";
  for (int nibble = 0; nibble < 8; ++nibble) digits[2 + nibble] = "0123456789abcdef"[(value >> (28 - 4 * nibble)) & 0xF];
  digits[10] = '\0';
  print(digits);
}

// A file of the mirror; data null: the content is never looked at (the
// null backend does not hash it).
struct File {
  const char* url;
  const uint8_t* data;
  uint32_t length;
};

// Serves its files (the first one, the manifest, answered 304 when the
// request carries its ETag); any other URL is a 404.
class MemoryTransport final : public HttpTransport {
 public:
  // constexpr: start.S runs no constructors, the fakes must be constant-initialized.
  constexpr MemoryTransport(const File* files, size_t count) : files_(files), count_(count) {}
  TransportError get(const char* url, const HttpValidators* conditional, uint32_t, uint32_t, HttpResponse& response) override {
    file_ = nullptr;
    for (size_t index = 0; index < count_ && file_ == nullptr; ++index) {
      if (strcmp(url, files_[index].url) == 0) file_ = &files_[index];
    }
    position_ = 0;
    response.hasContentLength = true;
    response.contentLength = file_ != nullptr ? file_->length : 0;
    const bool manifest = file_ == files_;
    if (file_ == nullptr) response.status = 404;
    else response.status = manifest && conditional != nullptr && strcmp(conditional->etag, kEtag) == 0 ? 304 : 200;
    if (manifest) memcpy(response.validators.etag, kEtag, sizeof(kEtag));
    return TransportError::None;
  }
  TransportError read(uint8_t* buffer, size_t capacity, uint32_t, size_t& received) override {
    if (file_ == nullptr || position_ == file_->length) return TransportError::EndOfBody;
    received = file_->length - position_ < capacity ? file_->length - position_ : capacity;
    if (file_->data != nullptr) memcpy(buffer, file_->data + position_, received);
    position_ += static_cast<uint32_t>(received);
    return TransportError::None;
  }
  void end() override {}

 private:
  const File* files_;
  size_t count_;
  const File* file_ = nullptr;
  uint32_t position_ = 0;
};

// The running image, read from memory (on the chip: ESP.flashRead).
class MemoryImage final : public RunningImage {
 public:
  uint32_t capacity() override { return kDeltaBaseSize; }
  bool read(uint32_t offset, uint8_t* buffer, size_t length) override {
    if (offset > kDeltaBaseSize || length > kDeltaBaseSize - offset) return false;
    memcpy(buffer, kDeltaBase + offset, length);
    return true;
  }
};

class NullFlash final : public FlashTarget {
 public:
  uint32_t maxImageSize() override { return 1024 * 1024; }
  bool begin(uint32_t) override {
    begun_ = harness_ccount();
    return true;
  }
  bool write(const uint8_t*, size_t) override { return true; }
  bool commit() override {
    committedAfter_ = harness_ccount() - begun_;
    return true;
  }
  void abort() override {}
  uint32_t cyclesToCommit() const { return committedAfter_; }

 private:
  uint32_t begun_ = 0;
  uint32_t committedAfter_ = 0;
};

class TickClock final : public Clock {
 public:
  uint32_t millis() override { return ++now_; }
  bool unixTime(uint32_t&) override { return false; }

 private:
  uint32_t now_ = 0;
};

struct Step {
  const char* result = "";
  uint32_t cycles = 0;
  uint32_t stackBytes = 0;
};

// Paints the free stack below this frame, runs step, and finds the deepest
// word the step overwrote.
template <typename Function>
__attribute__((noinline)) Step measure(Function function) {
  uint32_t* const top = reinterpret_cast<uint32_t*>(harness_sp());
  for (uint32_t* word = __stack_bottom; word < top; ++word) *word = kPaint;
  Step step;
  const uint32_t start = harness_ccount();
  step.result = function();
  step.cycles = harness_ccount() - start;
  const uint32_t* deepest = __stack_bottom;
  while (deepest < top && *deepest == kPaint) ++deepest;
  step.stackBytes = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(top) - reinterpret_cast<uintptr_t>(deepest));
  return step;
}

void reportSpan(const char* name, uint32_t bytes, uint32_t cycles) {
  print("span=");
  print(name);
  print(" bytes=");
  printNumber(bytes);
  print(" ccount=");
  printNumber(cycles);
  print("\n");
}

void report(const char* name, const Step& step) {
  print("step=");
  print(name);
  print(" result=");
  print(step.result);
  print(" ccount=");
  printNumber(step.cycles);
  print(" stack=");
  printNumber(step.stackBytes);
  print("\n");
}

const File kFiles[] = {{kManifestUrl, reinterpret_cast<const uint8_t*>(kManifest), kManifestLength},
                       {kImageUrl, nullptr, kImageSize}};
MemoryTransport transport(kFiles, 2);
// The delta step's mirror: the release, its patch manifest, the patch, and
// the full image (fetched only if the patch failed).
const File kDeltaFiles[] = {
    {kManifestUrl, reinterpret_cast<const uint8_t*>(kDeltaManifest), sizeof(kDeltaManifest) - 1},
    {kDeltaPatchManifestUrl, reinterpret_cast<const uint8_t*>(kDeltaPatchManifest),
     sizeof(kDeltaPatchManifest) - 1},
    {kDeltaPatchUrl, kDeltaPatch, kDeltaPatchSize},
    {kDeltaImageUrl, nullptr, kDeltaResultSize}};
MemoryTransport deltaTransport(kDeltaFiles, 4);
MemoryImage runningImage;
DeltaWorkspace deltaWorkspace;
NullFlash flash;
TickClock clock;

struct HashRecord {
  uint32_t bytes;
  uint32_t cycles;
};
HashRecord hashes[8];
size_t hashCount = 0;

// As a sketch's global: the flow's buffers are not on the measured stack.
// The trusted key is added by the caller, so that its check can be measured.
UpdateFlow& newFlow(const char* runningVersion, HttpTransport& mirror = transport) {
  alignas(UpdateFlow) static uint8_t storage[sizeof(UpdateFlow)];
  UpdateFlow* flow = new (storage) UpdateFlow(mirror, flash, clock, cryptoBackend());
  const bool configured =
      flow->setManifestUrl(kManifestUrl) && flow->setRunningVersion(runningVersion) && flow->setBoard(kBoard);
  if (!configured) print("error=config\n");
  return *flow;
}

const char* addTrustedKey(UpdateFlow& flow) { return flow.addTrustedKey(kTrustedKey) ? "ok" : "refused"; }

// update() on a device running the pair's base, offered the pair's result
// with a patch from it: "installed" when the patch built the release.
void measureDelta() {
  UpdateFlow& flow = newFlow(kRunningVersion, deltaTransport);
  if (strcmp(addTrustedKey(flow), "ok") != 0) print("error=config\n");
  flow.enableDelta(&runningImage, &deltaWorkspace);
  flow.check();
  hashCount = 0;
  report("delta_update", measure([&flow] {
           const Result result = flow.update();
           return result == Result::Updated ? patchOutcomeCode(flow.patchOutcome()) : resultCode(result);
         }));
  // The first hash of the base's length is the base's (the result's comes after it).
  size_t index = 0;
  while (index < hashCount && hashes[index].bytes != kDeltaBaseSize) ++index;
  if (index < hashCount) reportSpan("base_hash", kDeltaBaseSize, hashes[index].cycles);
  reportSpan("delta_apply", kDeltaResultSize, flash.cyclesToCommit());
}

}  // namespace

void harness::recordHash(uint32_t bytes, uint32_t cycles) {
  if (hashCount < sizeof(hashes) / sizeof(hashes[0])) hashes[hashCount++] = {bytes, cycles};
}

int harness_main() {
  constexpr uint32_t kSpins = 100000;
  const Step calibration = measure([] {
    harness_spin(kSpins);
    return "ok";
  });
  print("calibration instructions=");
  printNumber(2 * kSpins + 1);
  print(" ccount=");
  printNumber(calibration.cycles);
  print("\n");

  static TrustedKeys keys;
  keys.add(kTrustedKey, cryptoBackend());
  report("open", measure([] {
           FramedManifest framed;
           Manifest manifest;
           ManifestError error = frameManifest(reinterpret_cast<const uint8_t*>(kManifest), kManifestLength, framed);
           if (error == ManifestError::None) error = openManifest(framed, keys, cryptoBackend(), manifest);
           return manifestErrorCode(error);
         }));

  UpdateFlow& flow = newFlow(kRunningVersion);
  report("trusted_key", measure([&flow] { return addTrustedKey(flow); }));
  report("check", measure([&flow] { return resultCode(flow.check()); }));
  report("update", measure([&flow] { return resultCode(flow.update()); }));

  // The device now runs the offered version: the first poll stores the
  // ETag, the second confirms it, the third is answered 304.
  char offered[kMaxVersionLength + 1];
  memcpy(offered, flow.offeredVersion(), sizeof(offered));
  UpdateFlow& idle = newFlow(offered);
  if (strcmp(addTrustedKey(idle), "ok") != 0) print("error=config\n");
  idle.check();
  idle.check();
  report("idle_304", measure([&idle] { return resultCode(idle.check()); }));
  if (kHasDelta) measureDelta();
  print("done\n");
  return 0;
}
