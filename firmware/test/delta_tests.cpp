// Tests of the delta decoder (core/delta_patch.h) on patches written here bit
// by bit, so each field of the format and each refusal is exercised on its
// own. test/delta/*.test.ts adds patches from the TypeScript encoder.
#include <cstdio>
#include <string>
#include <vector>

#include "core/delta_patch.h"
#include "delta_support.h"
#include "test_support.h"

using namespace static_ota;
using test::check;
using test::checkEqual;

namespace {

// A heatshrink stream written symbol by symbol (MSB first, zero padding).
class Heatshrink {
 public:
  Heatshrink(int windowBits, int lookaheadBits) : window_(windowBits), lookahead_(lookaheadBits) {}
  void literal(uint8_t byte) {
    bits(1, 1);
    bits(byte, 8);
  }
  void literals(const std::vector<uint8_t>& bytes) {
    for (uint8_t byte : bytes) literal(byte);
  }
  void reference(int distance, int count) {
    bits(0, 1);
    bits(static_cast<uint32_t>(distance - 1), window_);
    bits(static_cast<uint32_t>(count - 1), lookahead_);
  }
  void bits(uint32_t value, int count) {
    for (int bit = count - 1; bit >= 0; --bit) {
      pending_ = static_cast<uint8_t>((pending_ << 1) | ((value >> bit) & 1));
      if (++pendingBits_ == 8) {
        out.push_back(pending_);
        pendingBits_ = 0;
      }
    }
  }
  std::vector<uint8_t> finish() {
    std::vector<uint8_t> bytes = out;
    if (pendingBits_ > 0) bytes.push_back(static_cast<uint8_t>(pending_ << (8 - pendingBits_)));
    return bytes;
  }
  std::vector<uint8_t> out;

 private:
  int window_;
  int lookahead_;
  uint8_t pending_ = 0;
  int pendingBits_ = 0;
};

std::vector<uint8_t> size(long long value) {
  unsigned long long magnitude = static_cast<unsigned long long>(value < 0 ? -value : value);
  std::vector<uint8_t> bytes{static_cast<uint8_t>((value < 0 ? 0x40 : 0) | (magnitude & 0x3f))};
  magnitude >>= 6;
  while (magnitude > 0) {
    bytes.back() |= 0x80;
    bytes.push_back(static_cast<uint8_t>(magnitude & 0x7f));
    magnitude >>= 7;
  }
  return bytes;
}

std::vector<uint8_t> cat(std::initializer_list<std::vector<uint8_t>> parts) {
  std::vector<uint8_t> all;
  for (const auto& part : parts) all.insert(all.end(), part.begin(), part.end());
  return all;
}

// A whole patch: header, result size, heatshrink parameters, and the body as literals.
std::vector<uint8_t> patchOf(uint32_t resultSize, const std::vector<uint8_t>& body, int windowBits = 11,
                             int lookaheadBits = 10) {
  Heatshrink stream(windowBits, lookaheadBits);
  stream.literals(body);
  return cat({{0x04}, size(resultSize), {static_cast<uint8_t>(((windowBits - 4) << 4) | (lookaheadBits - 3))},
              stream.finish()});
}

struct Outcome {
  DeltaError error;
  std::vector<uint8_t> result;
  bool outOfBounds;
};

Outcome run(const std::vector<uint8_t>& base, const std::vector<uint8_t>& patch, uint32_t expectedSize,
            size_t chunk = 1) {
  test::MemoryBase reader(base);
  test::VectorSink sink(expectedSize);
  DeltaDecoder decoder(reader, static_cast<uint32_t>(base.size()), sink, expectedSize);
  const DeltaError error = test::applyInChunks(decoder, patch, chunk);
  return {error, sink.bytes, reader.outOfBounds || sink.badWrite};
}

void expectError(const std::vector<uint8_t>& base, const std::vector<uint8_t>& patch, uint32_t expectedSize,
                 DeltaError expected, const std::string& what) {
  for (size_t chunk : {size_t{1}, size_t{7}, patch.size() + 1}) {
    const Outcome outcome = run(base, patch, expectedSize, chunk);
    checkEqual(deltaErrorCode(outcome.error), deltaErrorCode(expected), what + " (chunk " + std::to_string(chunk) + ")");
    check(!outcome.outOfBounds, what + ": no access outside base or result");
  }
}

const std::vector<uint8_t> kBase{10, 20, 30, 40, 50, 60, 70, 80};

void testWellFormed() {
  // result = base[2..6) + 1 each, then "xy", then base[0..2) unchanged.
  const std::vector<uint8_t> body =
      cat({size(0), size(2), {0, 0}, size(0), size(0),  // diff 2 at base 0, no extra
           size(4), {1, 1, 1, 1}, size(2), {'x', 'y'}, size(-6),
           size(2), {0, 0}, size(0), size(0)});
  // The first chunk starts at base 0; move the cursor to 2 first with a zero-length chunk.
  const std::vector<uint8_t> moved = cat({size(0), size(0), size(0), size(2), size(4), {1, 1, 1, 1}, size(2),
                                          {'x', 'y'}, size(-6), size(2), {0, 0}, size(0), size(0)});
  const std::vector<uint8_t> expected{31, 41, 51, 61, 'x', 'y', 10, 20};
  for (size_t chunk : {size_t{1}, size_t{2}, size_t{3}, size_t{64}, size_t{1000}}) {
    const Outcome outcome = run(kBase, patchOf(8, moved), 8, chunk);
    checkEqual(deltaErrorCode(outcome.error), "ok", "well-formed patch, chunk " + std::to_string(chunk));
    check(outcome.result == expected, "well-formed patch gives the expected bytes, chunk " + std::to_string(chunk));
  }
  checkEqual(deltaErrorCode(run(kBase, patchOf(10, body), 10).error), "ok", "chunks with diff from base 0");

  // Back-references, including one that overlaps itself and one before the stream's start (zeros).
  Heatshrink stream(8, 4);
  stream.literals(cat({size(0), size(0), size(6)}));
  stream.literal('a');
  stream.reference(1, 3);  // "aaa"
  stream.reference(256, 2);  // window not yet written: two zeros
  stream.literals(size(0));
  const std::vector<uint8_t> referenced = cat({{0x04}, size(6), {0x41}, stream.finish()});
  const Outcome outcome = run(kBase, referenced, 6);
  checkEqual(deltaErrorCode(outcome.error), "ok", "back-references");
  check(outcome.result == std::vector<uint8_t>({'a', 'a', 'a', 'a', 0, 0}), "back-references repeat earlier output");

  const Outcome empty = run(kBase, {0x04, 0x00}, 0);
  checkEqual(deltaErrorCode(empty.error), "ok", "empty result");
  check(empty.result.empty(), "empty result writes nothing");
}

void testRefusals() {
  const std::vector<uint8_t> okBody = cat({size(0), size(0), size(2), {'h', 'i'}, size(0)});
  expectError(kBase, patchOf(2, okBody), 2, DeltaError::None, "reference patch");
  std::vector<uint8_t> patch = patchOf(2, okBody);
  patch[0] = 0x14;  // in-place patch type
  expectError(kBase, patch, 2, DeltaError::BadHeader, "other patch type");
  patch[0] = 0x01;  // lzma
  expectError(kBase, patch, 2, DeltaError::BadHeader, "other compression");
  expectError(kBase, patchOf(2, okBody), 3, DeltaError::ResultSize, "result size other than the signed one");
  expectError(kBase, cat({{0x04}, {0x42}}), 2, DeltaError::BadSize, "negative result size");
  expectError(kBase, cat({{0x04}, {0x80, 0x80, 0x80, 0x80, 0x01}}), 2, DeltaError::BadSize, "five size bytes");
  expectError(kBase, patchOf(2, okBody, 12, 4), 2, DeltaError::BadHeatshrink, "window over 2^11");
  expectError(kBase, patchOf(2, okBody, 8, 8), 2, DeltaError::BadHeatshrink, "lookahead not below window");
  expectError(kBase, patchOf(2, cat({size(3), {1, 2, 3}})), 2, DeltaError::BadDataFormat, "data-format section");
  expectError(kBase, patchOf(2, cat({size(0), size(3)})), 2, DeltaError::PastResult, "diff past the result");
  expectError(kBase, patchOf(20, cat({size(0), size(9)})), 20, DeltaError::PastBase, "diff past the base");
  expectError(kBase, patchOf(2, cat({size(0), size(-1)})), 2, DeltaError::BadSize, "negative diff size");
  expectError(kBase, patchOf(2, cat({size(0), size(0), size(3)})), 2, DeltaError::PastResult, "extra past the result");
  expectError(kBase, patchOf(2, cat({size(0), size(0), size(1), {'h'}, size(9)})), 2, DeltaError::PastBase,
              "cursor moved past the base");
  expectError(kBase, patchOf(2, cat({size(0), size(0), size(1), {'h'}, size(-1)})), 2, DeltaError::PastBase,
              "cursor moved before the base");
  expectError(kBase, patchOf(2, cat({size(0), size(0), size(1), {'h'}, size(0)})), 2, DeltaError::Truncated,
              "patch ends early");
  std::vector<uint8_t> truncated = patchOf(2, okBody);
  truncated.resize(truncated.size() - 2);
  expectError(kBase, truncated, 2, DeltaError::Truncated, "patch cut short");
  std::vector<uint8_t> trailing = patchOf(2, okBody);
  trailing.push_back(0);
  expectError(kBase, trailing, 2, DeltaError::TrailingData, "byte after the result");
  expectError(kBase, patchOf(2, cat({okBody, {0}})), 2, DeltaError::TrailingData, "body byte after the result");
  expectError(kBase, {0x04, 0x00, 0x41}, 0, DeltaError::TrailingData, "byte after an empty result");
  Heatshrink stream(11, 10);
  stream.literals(okBody);
  stream.bits(1, 1);  // a one in the padding
  expectError(kBase, cat({{0x04}, size(2), {0x77}, stream.finish()}), 2, DeltaError::TrailingData,
              "non-zero padding");
}

// Whatever a patch says, the decoder's RAM is fixed and within the 4 KB budget.
void testFootprint() {
  check(sizeof(DeltaDecoder) <= 4096, "DeltaDecoder fits 4 KB (" + std::to_string(sizeof(DeltaDecoder)) + " B)");
  std::printf("sizeof(DeltaDecoder) = %zu bytes on this host\n", sizeof(DeltaDecoder));
}

// Sink and base failures end the patch with their own codes.
void testIoFailures() {
  struct FailingBase final : DeltaBase {
    bool read(uint32_t, uint8_t*, size_t) override { return false; }
  } failingBase;
  struct FailingSink final : DeltaSink {
    bool write(const uint8_t*, size_t) override { return false; }
  } failingSink;
  const std::vector<uint8_t> diff = patchOf(2, cat({size(0), size(2), {0, 0}, size(0), size(0)}));
  test::VectorSink sink(2);
  DeltaDecoder decoder(failingBase, 8, sink, 2);
  checkEqual(deltaErrorCode(test::applyInChunks(decoder, diff, 5)), "base_read", "failing base read");
  checkEqual(deltaErrorCode(decoder.feed(diff.data(), 1)), "base_read", "an error stays");
  test::MemoryBase base(kBase);
  DeltaDecoder toFailingSink(base, 8, failingSink, 2);
  checkEqual(deltaErrorCode(test::applyInChunks(toFailingSink, diff, 5)), "sink_write", "failing sink write");
}

}  // namespace

int main() {
  try {
    testWellFormed();
    testRefusals();
    testFootprint();
    testIoFailures();
  } catch (const std::exception& error) {
    std::fprintf(stderr, "error: %s\n", error.what());
    return 1;
  }
  return test::finish("delta");
}
