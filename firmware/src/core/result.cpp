#include "result.h"

#include "platform.h"

namespace static_ota {

const char* resultCode(Result result) {
  switch (result) {
    case Result::NoUpdate: return "no_update";
    case Result::UpdateAvailable: return "update_available";
    case Result::Updated: return "updated";
    case Result::Network: return "network";
    case Result::Timeout: return "timeout";
    case Result::HttpStatus: return "http_status";
    case Result::BadSignature: return "bad_signature";
    case Result::WrongFormat: return "wrong_format";
    case Result::WrongBoard: return "wrong_board";
    case Result::WrongChannel: return "wrong_channel";
    case Result::NotNewer: return "not_newer";
    case Result::Expired: return "expired";
    case Result::TooLarge: return "too_large";
    case Result::SizeMismatch: return "size_mismatch";
    case Result::HashMismatch: return "hash_mismatch";
    case Result::FlashError: return "flash_error";
    case Result::ConfigError: return "config_error";
  }
  return "unknown";
}

const char* transportErrorCode(TransportError error) {
  switch (error) {
    case TransportError::None: return "none";
    case TransportError::BadUrl: return "bad_url";
    case TransportError::Connect: return "connect";
    case TransportError::Timeout: return "timeout";
    case TransportError::Closed: return "closed";
    case TransportError::BadResponse: return "bad_response";
  }
  return "unknown";
}

}  // namespace static_ota
