// Outcome of check() and update(), each with a stable token and a sentence.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace static_ota {

enum class Result : uint8_t {
  NoUpdate,         // the offered version is the running one, or nothing changed (304)
  UpdateAvailable,  // check(): a newer, signed, fitting version is offered
  Updated,          // update(): the new image is written and verified; reboot to run it
  Network,
  Timeout,
  HttpStatus,
  BadSignature,
  WrongFormat,
  WrongBoard,
  WrongChannel,
  NotNewer,
  Expired,
  TooLarge,
  SizeMismatch,
  HashMismatch,
  FlashError,
  ConfigError,      // the device's own settings are unusable (URL, keys, version)
  RolledBack,       // the offered version failed its trial boot here and was rolled back
  NotInRollout,     // a newer signed version is offered, to a share of devices this one is not in
  Replayed,         // an older signed offer than one already seen (a replayed manifest)
  UnsupportedEncoding,  // the image is gzip and this platform's boot loader cannot inflate it (ESP32)
};
constexpr size_t kResultCount = static_cast<size_t>(Result::UnsupportedEncoding) + 1;

const char* resultCode(Result result);
const char* resultMessage(Result result);

}  // namespace static_ota
