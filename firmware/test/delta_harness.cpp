// static-ota-delta: the device decoder's verdict on patches, for
// test/delta/*.test.ts, which compares it with src/release/delta/apply.ts.
//
// In (one line each): <base file> <patch file> <expected result size> <chunk size>
// Out: <error code> <bytes produced> <SHA-256 of the bytes produced, hex>
// A base read outside the base or a sink write past the result prints
// "out_of_bounds" instead (the decoder must never ask for either).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "core/delta_patch.h"
#include "delta_support.h"
#include "openssl_crypto.h"
#include "test_support.h"

using namespace static_ota;

namespace {

std::vector<uint8_t> readBytes(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("cannot read " + path);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

std::string judge(const std::string& line, OpenSslCrypto& crypto) {
  std::istringstream fields(line);
  std::string basePath, patchPath;
  uint32_t expectedSize = 0;
  size_t chunk = 0;
  if (!(fields >> basePath >> patchPath >> expectedSize >> chunk)) return "bad_record";
  const std::vector<uint8_t> base = readBytes(basePath);
  const std::vector<uint8_t> patch = readBytes(patchPath);
  test::MemoryBase reader(base);
  test::VectorSink sink(expectedSize);
  DeltaDecoder decoder(reader, static_cast<uint32_t>(base.size()), sink, expectedSize);
  const DeltaError error = test::applyInChunks(decoder, patch, chunk);
  if (reader.outOfBounds || sink.badWrite) return "out_of_bounds";
  uint8_t digest[kSha256Length];
  crypto.sha256Begin();
  crypto.sha256Update(sink.bytes.data(), sink.bytes.size());
  crypto.sha256Finish(digest);
  return std::string(deltaErrorCode(error)) + " " + std::to_string(sink.bytes.size()) + " " +
         test::toHex(digest, kSha256Length);
}

}  // namespace

int main() {
  OpenSslCrypto crypto;
  std::string line;
  try {
    while (std::getline(std::cin, line)) std::cout << judge(line, crypto) << '\n';
  } catch (const std::exception& error) {
    std::fprintf(stderr, "error: %s\n", error.what());
    return 1;
  }
  return 0;
}
