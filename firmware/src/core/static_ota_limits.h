// Fixed sizes of the protocol (docs/protocol.md) and of the device's buffers.
// Every buffer in the core is sized from these; nothing is allocated.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace static_ota {

constexpr size_t kMaxManifestBytes = 1024;
constexpr size_t kMaxSignatures = 4;
constexpr size_t kMaxTrustedKeys = 4;
constexpr size_t kMaxVersionLength = 64;
constexpr size_t kMaxNumericIdentifierDigits = 15;
constexpr size_t kMaxBoardLength = 64;
constexpr size_t kMaxChannelLength = 32;
constexpr size_t kMaxFileLength = 128;
constexpr size_t kPublicKeyLength = 32;
constexpr size_t kSignatureLength = 64;
constexpr size_t kKeyIdLength = 4;  // 8 hex characters
constexpr size_t kSha256Length = 32;
constexpr uint8_t kFullRollout = 100;  // `rollout=` is a percentage; absent means all devices

// Device-side limits, not part of the manifest format.
constexpr size_t kMaxUrlLength = 256;
// A device id (rollout buckets, and the User-Agent when the sketch opts in): 1 to this many of [A-Za-z0-9._-].
constexpr size_t kMaxDeviceIdLength = 32;
constexpr size_t kMaxManifestUrls = 3;  // the primary mirror and up to two fallbacks
// Every this many polls the primary answers without an offer, one poll asks the fallbacks first.
constexpr uint8_t kMirrorProbeInterval = 9;
constexpr size_t kMaxEtagLength = 96;
constexpr size_t kMaxLastModifiedLength = 40;
constexpr uint8_t kMaxRedirects = 3;
// Validators are unauthenticated: once confirmed, they are sent on at most
// this many polls in a row, then an unconditional GET checks them again.
constexpr uint8_t kMaxConditionalPolls = 8;
constexpr uint32_t kDefaultReadTimeoutMs = 10000;
constexpr uint32_t kDefaultUpdateTimeoutMs = 300000;

}  // namespace static_ota
