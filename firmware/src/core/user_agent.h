// The User-Agent every request of the device library carries, so a mirror's
// access log shows which versions the fleet runs (`static-ota fleet`):
//   static-ota/<library version> (<board>; <running version>; <channel>)
// and, only when the sketch opts in with a device id, `; <device id>` before
// the `)`. src/protocol/user-agent.ts parses the same format; a test checks both agree.
// Used by the transports (the Arduino one and the host simulator's), not by
// the update flow: formatting headers is the transport's job.
#pragma once

#include <stddef.h>

#include "static_ota_limits.h"

namespace static_ota {

// The library's version, as in library.json and library.properties.
constexpr char kLibraryVersion[] = "1.0.0";

constexpr size_t kMaxUserAgentLength = sizeof("static-ota/") - 1 + sizeof(kLibraryVersion) - 1 + sizeof(" (; ; ; )") - 1 +
                                       kMaxBoardLength + kMaxVersionLength + kMaxChannelLength + kMaxDeviceIdLength;

class UserAgent {
 public:
  // The flow's settings (UpdateFlow::board() and so on): pointers into the
  // flow, kept rather than copied, so later setting changes show; set once.
  void identify(const char* board, const char* runningVersion, const char* channel) {
    board_ = board;
    runningVersion_ = runningVersion;
    channel_ = channel;
  }
  // Opt-in: 1 to kMaxDeviceIdLength of [A-Za-z0-9._-], copied; null or ""
  // sends none (the default). False, keeping the previous id, for another.
  bool setDeviceId(const char* deviceId);
  // The header value. A part that is missing, or holds a byte outside
  // printable ASCII or one of ";()", gives the bare `static-ota/<version>`.
  void format(char (&out)[kMaxUserAgentLength + 1]) const;

 private:
  const char* board_ = nullptr;
  const char* runningVersion_ = nullptr;
  const char* channel_ = nullptr;
  char deviceId_[kMaxDeviceIdLength + 1] = {};
};

}  // namespace static_ota
