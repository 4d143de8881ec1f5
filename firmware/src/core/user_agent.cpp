#include "user_agent.h"

#include <string.h>

#include "rollout.h"
#include "text.h"

namespace static_ota {
namespace {

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

// Appends text at out[used]; the caller sized out for every part at its limit.
void append(char* out, size_t& used, const char* text) {
  const size_t length = strlen(text);
  memcpy(out + used, text, length);
  used += length;
  out[used] = '\0';
}

}  // namespace

bool UserAgent::setDeviceId(const char* deviceId) {
  if (deviceId == nullptr || deviceId[0] == '\0') {
    deviceId_[0] = '\0';
    return true;
  }
  const size_t length = boundedLength(deviceId, kMaxDeviceIdLength);
  if (!isValidDeviceId(TextSpan{deviceId, length})) return false;
  memcpy(deviceId_, deviceId, length);
  deviceId_[length] = '\0';
  return true;
}

void UserAgent::format(char (&out)[kMaxUserAgentLength + 1]) const {
  size_t used = 0;
  out[0] = '\0';
  append(out, used, "static-ota/");
  append(out, used, kLibraryVersion);
  // Each part is bounded by its limit, so the whole fits kMaxUserAgentLength.
  if (!isCommentPart(board_, kMaxBoardLength) || !isCommentPart(runningVersion_, kMaxVersionLength) ||
      !isCommentPart(channel_, kMaxChannelLength)) {
    return;
  }
  const char* parts[] = {" (", board_, "; ", runningVersion_, "; ", channel_};
  for (const char* part : parts) append(out, used, part);
  if (deviceId_[0] != '\0') {
    append(out, used, "; ");
    append(out, used, deviceId_);
  }
  append(out, used, ")");
}

}  // namespace static_ota
