// A small HTTP/1.1 client over POSIX sockets with the limits of a device:
// plain http only, bounded headers, a timeout on every wait, at most
// kMaxRedirects redirects. It counts every byte it receives.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/platform.h"

namespace static_ota {

class PosixHttpTransport final : public HttpTransport {
 public:
  static constexpr size_t kMaxHeadBytes = 4096;

  PosixHttpTransport() = default;
  ~PosixHttpTransport() { end(); }
  PosixHttpTransport(const PosixHttpTransport&) = delete;
  PosixHttpTransport& operator=(const PosixHttpTransport&) = delete;

  TransportError get(const char* url, const HttpValidators* conditional, uint32_t timeoutMs,
                     HttpResponse& response) override;
  TransportError read(uint8_t* buffer, size_t capacity, uint32_t timeoutMs, size_t& received) override;
  void end() override;

  uint64_t bytesReceived() const { return bytesReceived_; }
  uint64_t bodyBytesReceived() const { return bodyBytesReceived_; }

 private:
  struct ParsedHead {
    int status = 0;
    bool hasContentLength = false;
    uint32_t contentLength = 0;
    bool chunked = false;
    char location[kMaxUrlLength + 1] = {};
    HttpValidators validators;
  };

  TransportError requestOnce(const char* url, const HttpValidators* conditional, uint32_t timeoutMs,
                             ParsedHead& head);
  TransportError receiveHead(uint32_t timeoutMs, ParsedHead& head);
  // Waits until the socket is readable (or writable) or the timeout ends.
  bool waitFor(short events, uint32_t timeoutMs);

  int socket_ = -1;
  char head_[kMaxHeadBytes];
  size_t headLength_ = 0;
  size_t bodyStart_ = 0;  // body bytes that arrived with the head: head_[bodyStart_, headLength_)
  bool bodyHasLength_ = false;
  bool bodyChunked_ = false;
  uint64_t bodyRemaining_ = 0;
  uint64_t bytesReceived_ = 0;
  uint64_t bodyBytesReceived_ = 0;
};

}  // namespace static_ota
