// The User-Agent every request of the device library carries, so a mirror's
// access log shows which versions the fleet runs (`static-ota fleet`):
//   static-ota/<library version> (<board>; <running version>; <channel>)
// and, only when the sketch opts in with a device id, `; <device id>` before
// the `)`. src/fleet.ts parses the same format; a test checks both agree.
#pragma once

#include <stddef.h>

#include "static_ota_limits.h"

namespace static_ota {

// The library's version, as in library.json and library.properties.
constexpr char kLibraryVersion[] = "0.1.0";
constexpr size_t kMaxDeviceIdLength = 32;

constexpr size_t kMaxUserAgentLength = sizeof("static-ota/") - 1 + sizeof(kLibraryVersion) - 1 + sizeof(" (; ; ; )") - 1 +
                                       kMaxBoardLength + kMaxVersionLength + kMaxChannelLength + kMaxDeviceIdLength;

// A device id a sketch may send: 1 to kMaxDeviceIdLength of [A-Za-z0-9._-].
bool isValidDeviceId(const char* deviceId);

// Writes the User-Agent, NUL-terminated, into out (kMaxUserAgentLength + 1
// bytes hold any). deviceId may be null or empty (none is sent). A part that
// is missing, or holds a byte outside printable ASCII or one of ";()", gives
// the bare `static-ota/<library version>` and false.
bool formatUserAgent(char* out, size_t capacity, const char* board, const char* runningVersion, const char* channel,
                     const char* deviceId);

}  // namespace static_ota
