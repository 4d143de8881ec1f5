#include "user_agent.h"

#include <string.h>

#include "text.h"

namespace static_ota {
namespace {

constexpr char kProduct[] = "static-ota/";

// Printable ASCII without the characters that delimit the comment's parts.
bool isCommentPart(const char* text, size_t limit) {
  if (text == nullptr || text[0] == '\0') return false;
  const size_t length = boundedLength(text, limit);
  if (length > limit) return false;
  for (size_t i = 0; i < length; ++i) {
    const char c = text[i];
    if (c < 0x20 || c > 0x7e || c == ';' || c == '(' || c == ')') return false;
  }
  return true;
}

// Appends pieces to out; false (nothing written past `used`) when they do not fit.
bool append(char* out, size_t capacity, size_t& used, const char* const* pieces, size_t count) {
  size_t length = used;
  for (size_t i = 0; i < count; ++i) {
    const size_t pieceLength = strlen(pieces[i]);
    if (pieceLength >= capacity - length) return false;
    memcpy(out + length, pieces[i], pieceLength);
    length += pieceLength;
  }
  out[length] = '\0';
  used = length;
  return true;
}

}  // namespace

bool isValidDeviceId(const char* deviceId) {
  if (deviceId == nullptr) return false;
  const size_t length = boundedLength(deviceId, kMaxDeviceIdLength);
  return length != 0 && length <= kMaxDeviceIdLength &&
         allIn(deviceId, length, kDigit | kLower | kUpper | kDash | kUnderscore | kDot);
}

bool formatUserAgent(char* out, size_t capacity, const char* board, const char* runningVersion, const char* channel,
                     const char* deviceId) {
  if (out == nullptr || capacity == 0) return false;
  out[0] = '\0';
  size_t used = 0;
  const char* product[] = {kProduct, kLibraryVersion};
  if (!append(out, capacity, used, product, 2)) return false;
  const bool withId = deviceId != nullptr && deviceId[0] != '\0';
  if (!isCommentPart(board, kMaxBoardLength) || !isCommentPart(runningVersion, kMaxVersionLength) ||
      !isCommentPart(channel, kMaxChannelLength) || (withId && !isValidDeviceId(deviceId))) {
    return false;
  }
  const size_t bare = used;
  const char* comment[] = {" (", board, "; ", runningVersion, "; ", channel};
  const char* id[] = {"; ", deviceId};
  const char* close[] = {")"};
  if (append(out, capacity, used, comment, 6) && (!withId || append(out, capacity, used, id, 2)) &&
      append(out, capacity, used, close, 1)) {
    return true;
  }
  out[bare] = '\0';
  return false;
}

}  // namespace static_ota
