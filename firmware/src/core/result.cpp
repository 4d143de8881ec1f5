#include "result.h"

#include "platform.h"
#include "text.h"

namespace static_ota {

// In the order of Result, then the fallback.
constexpr char kResultCodes[] =
    "no_update\0" "update_available\0" "updated\0" "network\0" "timeout\0" "http_status\0" "bad_signature\0"
    "wrong_format\0" "wrong_board\0" "wrong_channel\0" "not_newer\0" "expired\0" "too_large\0" "size_mismatch\0"
    "hash_mismatch\0" "flash_error\0" "config_error\0" "unknown";
constexpr size_t kLastResult = static_cast<size_t>(Result::ConfigError);
static_assert(packedCount(kResultCodes) == kLastResult + 2, "one code per Result, then the fallback");

// In the order of TransportError, then the fallback.
constexpr char kTransportErrorCodes[] = "none\0" "bad_url\0" "connect\0" "timeout\0" "closed\0" "bad_response\0" "unknown";
constexpr size_t kLastTransportError = static_cast<size_t>(TransportError::BadResponse);
static_assert(packedCount(kTransportErrorCodes) == kLastTransportError + 2, "one code per error, then the fallback");

const char* resultCode(Result result) {
  return packedString(kResultCodes, static_cast<size_t>(result), kLastResult + 1);
}

const char* transportErrorCode(TransportError error) {
  return packedString(kTransportErrorCodes, static_cast<size_t>(error), kLastTransportError + 1);
}

}  // namespace static_ota
