// libFuzzer target: the delta decoder on any patch, fed in chunks of any size.
// Input: 2 bytes result size (little endian), 1 byte chunk size, the patch.
// The base is fixed. Checks: no base read outside the base, no write past the
// result, and "ok" only with the whole result written.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "../test/delta_support.h"
#include "core/delta_patch.h"
#include "fuzz_support.h"

using namespace static_ota;
using static_ota_fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::vector<uint8_t> baseBytes;
  if (baseBytes.empty()) {
    for (uint32_t i = 0; i < 700; ++i) baseBytes.push_back(static_cast<uint8_t>((i * 37) ^ (i >> 3)));
  }
  if (size < 3) return 0;
  const uint32_t resultSize = static_cast<uint32_t>(data[0] | (data[1] << 8));
  const size_t chunk = data[2] == 0 ? 1 : data[2];
  const std::vector<uint8_t> patch(data + 3, data + size);
  test::MemoryBase base(baseBytes);
  test::VectorSink sink(resultSize);
  DeltaDecoder decoder(base, static_cast<uint32_t>(baseBytes.size()), sink, resultSize);
  const DeltaError error = test::applyInChunks(decoder, patch, chunk);
  require(!base.outOfBounds);
  require(!sink.badWrite);
  require(error != DeltaError::BaseRead && error != DeltaError::SinkWrite);
  if (error == DeltaError::None) require(sink.bytes.size() == resultSize && decoder.complete());
  return 0;
}
