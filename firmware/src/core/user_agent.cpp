#include "user_agent.h"

#include <string.h>

namespace static_ota {

bool formatUserAgent(char* out, size_t capacity, const char* board, const char* runningVersion, const char* channel) {
  if (out == nullptr || capacity == 0) return false;
  out[0] = '\0';
  if (board == nullptr || runningVersion == nullptr || channel == nullptr) return false;
  const char* pieces[] = {"static-ota/", kLibraryVersion, " (", board, "; ", runningVersion, "; ", channel, ")"};
  size_t used = 0;
  for (const char* piece : pieces) {
    const size_t length = strlen(piece);
    if (length >= capacity - used) {
      out[0] = '\0';
      return false;
    }
    memcpy(out + used, piece, length);
    used += length;
  }
  out[used] = '\0';
  return true;
}

}  // namespace static_ota
