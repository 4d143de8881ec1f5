#include "eboot.h"

#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <memory>

#include "host_platform.h"

namespace static_ota {
namespace {

constexpr uint8_t kEspImageMagic = 0xE9;
constexpr size_t kSectorBytes = 4096;  // eboot reads and writes a flash sector at a time

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

// zlib checks the gzip header, and the trailer's CRC-32 and length, itself.
const char* inflateError(const z_stream& stream) {
  const char* message = stream.msg != nullptr ? stream.msg : "";
  if (std::strstr(message, "header") != nullptr || std::strstr(message, "compression method") != nullptr) return "gzip_header";
  if (std::strstr(message, "length check") != nullptr) return "length";
  return "inflate";
}

// Inflates (gzip) or copies (raw) in, stagedBytes long, into out, a sector at a time.
const char* copyImage(std::FILE* in, uint64_t stagedBytes, std::FILE* out, uint32_t capacity, uint8_t& firstByte) {
  uint8_t input[kSectorBytes];
  uint8_t output[kSectorBytes];
  size_t head = std::fread(input, 1, 2, in);
  const bool gzip = head == 2 && input[0] == 0x1f && input[1] == 0x8b;
  // Raw, copy_raw copies forward: each staged sector is read before any write
  // could reach it, so the image may fill the area. Inflated, the writes
  // outrun the reads and must end below the staged sectors.
  if (gzip) capacity = roomBelowStagedImage(capacity, stagedBytes);
  uint64_t written = 0;
  auto emit = [&](const uint8_t* data, size_t length) {
    if (length == 0) return true;
    if (written == 0) firstByte = data[0];
    written += length;
    return written <= capacity && std::fwrite(data, 1, length, out) == length;
  };
  if (!gzip) {
    if (!emit(input, head)) return written > capacity ? "too_large" : "write";
    for (size_t got; (got = std::fread(input, 1, sizeof(input), in)) > 0;) {
      if (!emit(input, got)) return written > capacity ? "too_large" : "write";
    }
    return std::ferror(in) ? "read" : nullptr;
  }
  z_stream stream{};
  // 16 + 15: a gzip wrapper and a 32 KB window, as eboot's dictionary.
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) return "inflate";
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&stream, inflateEnd);
  stream.next_in = input;
  stream.avail_in = static_cast<uInt>(head);
  int status = Z_OK;
  while (status != Z_STREAM_END) {
    if (stream.avail_in == 0) {
      const size_t got = std::fread(input, 1, sizeof(input), in);
      if (got == 0) return std::ferror(in) ? "read" : "inflate";
      stream.next_in = input;
      stream.avail_in = static_cast<uInt>(got);
    }
    stream.next_out = output;
    stream.avail_out = sizeof(output);
    status = inflate(&stream, Z_NO_FLUSH);
    if (status != Z_OK && status != Z_STREAM_END) return inflateError(stream);
    if (!emit(output, sizeof(output) - stream.avail_out)) return written > capacity ? "too_large" : "write";
  }
  const bool trailing = stream.avail_in != 0 || std::fread(input, 1, 1, in) != 0;
  return trailing ? "trailing_data" : nullptr;
}

}  // namespace

const char* ebootInstall(const std::string& from, const std::string& to, uint32_t capacity) {
  File in(std::fopen(from.c_str(), "rb"));
  if (!in) return "read";
  std::fseek(in.get(), 0, SEEK_END);
  const long stagedBytes = std::ftell(in.get());
  std::rewind(in.get());
  if (stagedBytes < 0) return "read";
  const std::string temporary = to + ".eboot";
  uint8_t firstByte = 0;
  const char* error = nullptr;
  {
    File out(std::fopen(temporary.c_str(), "wb"));
    if (!out) return "write";
    error = copyImage(in.get(), static_cast<uint64_t>(stagedBytes), out.get(), capacity, firstByte);
    if (error == nullptr && firstByte != kEspImageMagic) error = "not_esp_image";
    if (error == nullptr && std::fflush(out.get()) != 0) error = "write";
  }
  if (error == nullptr && std::rename(temporary.c_str(), to.c_str()) != 0) error = "write";
  if (error != nullptr) std::remove(temporary.c_str());
  return error;
}

}  // namespace static_ota
