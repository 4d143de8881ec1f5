// Sentences for results, apart from the tokens so a sketch that logs only
// tokens does not carry them.
#include "result.h"

namespace static_ota {

const char* resultMessage(Result result) {
  switch (result) {
    case Result::NoUpdate: return "no update";
    case Result::UpdateAvailable: return "a newer signed version is offered";
    case Result::Updated: return "updated, reboot to run the new version";
    case Result::Network: return "network error";
    case Result::Timeout: return "timed out";
    case Result::HttpStatus: return "unexpected HTTP status";
    case Result::BadSignature: return "no valid signature from a trusted key";
    case Result::WrongFormat: return "manifest is malformed";
    case Result::WrongBoard: return "manifest is for another board";
    case Result::WrongChannel: return "manifest is for another channel";
    case Result::NotNewer: return "offered version is not newer";
    case Result::Expired: return "manifest has expired";
    case Result::TooLarge: return "image does not fit the OTA flash area";
    case Result::SizeMismatch: return "image size does not match the manifest";
    case Result::HashMismatch: return "image SHA-256 does not match the manifest";
    case Result::FlashError: return "flash write failed";
    case Result::ConfigError: return "device configuration is invalid";
  }
  return "unknown result";
}

}  // namespace static_ota
