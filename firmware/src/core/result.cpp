#include "result.h"

#include "platform.h"
#include "text.h"

namespace static_ota {

// In the order of Result.
constexpr char kResultCodes[] =
    "no_update\0" "update_available\0" "updated\0" "network\0" "timeout\0" "http_status\0" "bad_signature\0"
    "wrong_format\0" "wrong_board\0" "wrong_channel\0" "not_newer\0" "expired\0" "too_large\0" "size_mismatch\0"
    "hash_mismatch\0" "flash_error\0" "config_error\0" "rolled_back\0" "not_in_rollout\0" "replayed\0" "unsupported_encoding";
static_assert(packedCount(kResultCodes) == kResultCount, "one code per Result");

// In the order of TransportError.
constexpr char kTransportErrorCodes[] = "none\0" "end_of_body\0" "bad_url\0" "connect\0" "timeout\0" "closed\0" "bad_response";
constexpr size_t kTransportErrorCount = static_cast<size_t>(TransportError::BadResponse) + 1;
static_assert(packedCount(kTransportErrorCodes) == kTransportErrorCount, "one code per TransportError");

const char* resultCode(Result result) {
  return packedString(kResultCodes, static_cast<size_t>(result), kResultCount);
}

const char* transportErrorCode(TransportError error) {
  return packedString(kTransportErrorCodes, static_cast<size_t>(error), kTransportErrorCount);
}

}  // namespace static_ota
