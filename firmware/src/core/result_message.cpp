// Sentences for results, apart from the tokens so a sketch that logs only
// tokens does not carry them.
#include "result.h"
#include "text.h"

namespace static_ota {

// In the order of Result.
constexpr char kResultMessages[] =
    "no update\0"
    "a newer signed version is offered\0"
    "updated, reboot to run the new version\0"
    "network error\0"
    "timed out\0"
    "unexpected HTTP status\0"
    "no valid signature from a trusted key\0"
    "manifest is malformed\0"
    "manifest is for another board\0"
    "manifest is for another channel\0"
    "offered version is not newer\0"
    "manifest has expired\0"
    "image does not fit the OTA flash area\0"
    "image size does not match the manifest\0"
    "image SHA-256 does not match the manifest\0"
    "flash write failed\0"
    "device configuration is invalid\0"
    "offered version was rolled back on this device; waiting for a newer one\0"
    "this device is not in the release's rollout yet\0"
    "manifest is older than one already seen (replayed)\0"
    "image is gzip-compressed and this device's boot loader cannot inflate it";
static_assert(packedCount(kResultMessages) == kResultCount, "one sentence per Result");

const char* resultMessage(Result result) {
  return packedString(kResultMessages, static_cast<size_t>(result), kResultCount);
}

}  // namespace static_ota
