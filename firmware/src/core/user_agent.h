// The User-Agent every request of the device library carries, so a mirror's
// access log shows which versions the fleet runs (`static-ota fleet`):
//   static-ota/<library version> (<board>; <running version>; <channel>)
// No device id. src/fleet.ts parses the same format; a test checks both agree.
#pragma once

#include <stddef.h>

#include "static_ota_limits.h"

namespace static_ota {

// The library's version, as in library.json and library.properties.
constexpr char kLibraryVersion[] = "0.1.0";

constexpr size_t kMaxUserAgentLength = sizeof("static-ota/") - 1 + sizeof(kLibraryVersion) - 1 + sizeof(" (; ; )") - 1 +
                                       kMaxBoardLength + kMaxVersionLength + kMaxChannelLength;

// Writes the User-Agent, NUL-terminated, into out; false (out empty) when it
// does not fit in capacity or a part is missing.
bool formatUserAgent(char* out, size_t capacity, const char* board, const char* runningVersion, const char* channel);

}  // namespace static_ota
