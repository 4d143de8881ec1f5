// A small HTTP/1.1 client over POSIX sockets with the limits of a device:
// plain http only, bounded headers, a timeout on every wait and one deadline
// over connecting, redirects and response heads, at most kMaxRedirects
// redirects and none to another scheme, as on the chips. It counts every
// byte it receives.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/platform.h"
#include "core/user_agent.h"

namespace static_ota {

class PosixHttpTransport final : public HttpTransport {
 public:
  static constexpr size_t kMaxHeadBytes = 4096;

  PosixHttpTransport() = default;
  ~PosixHttpTransport() { end(); }
  PosixHttpTransport(const PosixHttpTransport&) = delete;
  PosixHttpTransport& operator=(const PosixHttpTransport&) = delete;

  TransportError get(const char* url, const HttpValidators* conditional, uint32_t readTimeoutMs,
                     uint32_t totalTimeoutMs, HttpResponse& response) override;
  TransportError read(uint8_t* buffer, size_t capacity, uint32_t timeoutMs, size_t& received) override;
  void end() override;
  // Sent as the User-Agent of every request.
  UserAgent& userAgent() { return userAgent_; }

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

  TransportError requestOnce(const char* url, const HttpValidators* conditional, ParsedHead& head);
  TransportError receiveHead(ParsedHead& head);
  // Waits until the socket is readable (or writable), at most timeoutMs and
  // never past deadlineMs (CLOCK_MONOTONIC milliseconds).
  bool waitFor(short events, uint32_t timeoutMs, uint64_t deadlineMs = UINT64_MAX);
  // One wait of get() (connect, send, head): the read timeout, within the request's deadline.
  bool waitWithinRequest(short events) { return waitFor(events, readTimeoutMs_, requestDeadlineMs_); }

  UserAgent userAgent_;
  int socket_ = -1;
  uint32_t readTimeoutMs_ = 0;
  uint64_t requestDeadlineMs_ = 0;  // connect, redirects and response heads of one get()
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
