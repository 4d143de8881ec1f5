// The device's side of a delta update (docs/protocol.md, "Delta updates"):
// the running image read as a patch's base (header bytes 2 and 3 as 0), the
// decoder's output into the image session, and the RAM both need, which the
// sketch provides (DeltaWorkspace) only when it enables delta updates.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "delta_patch.h"
#include "image_session.h"
#include "manifest.h"
#include "platform.h"
#include "static_ota_limits.h"

namespace static_ota {

// The header bytes the ESP8266 Updater rewrites for the chip (flash mode;
// flash size and frequency): read as 0, on every chip, so one base hash and
// one patch serve every device running the same image.
constexpr uint32_t kNormalizedHeaderStart = 2;
constexpr uint32_t kNormalizedHeaderEnd = 4;

// The running image as the decoder's base: reads below size only.
class NormalizedBase : public DeltaBase {
 public:
  NormalizedBase(RunningImage& image, uint32_t size) : image_(image), size_(size) {}
  bool read(uint32_t offset, uint8_t* buffer, size_t length) override;

 private:
  RunningImage& image_;
  uint32_t size_;
};

// Every result byte goes into the session (hashed, bounded by the signed
// size); each block but the one that completes the result goes to flash.
// That last block waits in held (kDeltaBlockBytes) until the result's hash matched.
class PatchSink : public DeltaSink {
 public:
  PatchSink(ImageSession& session, FlashTarget& flash, uint8_t* held) : session_(session), flash_(flash), held_(held) {}
  bool write(const uint8_t* data, size_t length) override;
  size_t heldLength() const { return heldLength_; }

 private:
  ImageSession& session_;
  FlashTarget& flash_;
  uint8_t* held_;
  size_t heldLength_ = 0;
};

// Why the last update() did or did not install a patch; every outcome but
// Installed was followed by the full image.
enum class PatchOutcome : uint8_t {
  NotTried,      // delta updates not enabled, or no newer release accepted
  NoPatch,       // the patch manifest's GET did not answer 200 (404: none for this version)
  BadManifest,   // unreadable, unsigned or malformed patch manifest
  Mismatch,      // signed, but not for this release, board, channel, running version or flash
  BaseMismatch,  // the running image's hash is not the patch's base
  Transport,     // the patch's download failed or was cut short
  Decoder,       // the decoder refused the patch (deltaError())
  HashMismatch,  // the result's SHA-256 is not the signed one
  FlashError,
  Installed,
};

const char* patchOutcomeCode(PatchOutcome outcome);

// The RAM of a delta update (about 2.7 KB; a static object in the sketch):
// the decoder with its heatshrink window, the patch's URL and its manifest.
struct DeltaWorkspace {
  DeltaDecoder decoder;
  uint8_t held[kDeltaBlockBytes];  // the result's last block, written once its hash matched
  char patchUrl[kMaxUrlLength + 1];
  // The patch manifest, opened here rather than on the stack, where it would
  // sit under the signature check (the poll's stack budget, firmware/README.md).
  // Its text views point into the flow's buffer: stale once the patch's
  // download reuses it; only the sizes and hashes are read after that.
  PatchManifest manifest;
};

}  // namespace static_ota
