// Host-side ends of the delta decoder for its tests, harness and fuzzer: a
// base in memory that records any read outside it, and a sink into a vector
// that records a write past the result's size.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "core/delta_patch.h"

namespace test {

class MemoryBase final : public static_ota::DeltaBase {
 public:
  explicit MemoryBase(const std::vector<uint8_t>& bytes) : bytes_(bytes) {}
  bool read(uint32_t offset, uint8_t* buffer, size_t length) override {
    if (offset > bytes_.size() || length > bytes_.size() - offset) {
      outOfBounds = true;
      return false;
    }
    if (length > 0) std::memcpy(buffer, bytes_.data() + offset, length);
    ++reads;
    return true;
  }
  bool outOfBounds = false;
  int reads = 0;

 private:
  const std::vector<uint8_t>& bytes_;
};

class VectorSink final : public static_ota::DeltaSink {
 public:
  explicit VectorSink(size_t limit) : limit_(limit) {}
  bool write(const uint8_t* data, size_t length) override {
    if (length == 0 || length > static_ota::kDeltaBlockBytes || bytes.size() + length > limit_) {
      badWrite = true;
      return false;
    }
    bytes.insert(bytes.end(), data, data + length);
    return true;
  }
  std::vector<uint8_t> bytes;
  bool badWrite = false;

 private:
  size_t limit_;
};

// Feeds the patch in chunks of `chunk` bytes (at least 1), then finishes.
inline static_ota::DeltaError applyInChunks(static_ota::DeltaDecoder& decoder, const std::vector<uint8_t>& patch,
                                            size_t chunk) {
  if (chunk == 0) chunk = 1;
  for (size_t offset = 0; offset < patch.size(); offset += chunk) {
    const size_t length = patch.size() - offset < chunk ? patch.size() - offset : chunk;
    const static_ota::DeltaError error = decoder.feed(patch.data() + offset, length);
    if (error != static_ota::DeltaError::None) return error;
  }
  return decoder.finish();
}

}  // namespace test
