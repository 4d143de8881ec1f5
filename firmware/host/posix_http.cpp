#include "posix_http.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <algorithm>
#include <cstring>
#include <ctime>
#include <string>

namespace static_ota {
namespace {

struct ParsedUrl {
  std::string host;
  std::string port = "80";
  std::string hostHeader;
  std::string path;
};

// Visible ASCII only: a URL or Location with a space, a control character or
// a non-ASCII byte could inject request lines into the request it becomes.
bool isVisibleAscii(const char* text, size_t length) {
  for (size_t i = 0; i < length; ++i) {
    if (text[i] <= 0x20 || text[i] >= 0x7f) return false;
  }
  return true;
}

bool isPort(const std::string& port) {
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return false;
  const unsigned long value = std::stoul(port);
  return value >= 1 && value <= 65535;
}

// http://host[:port]/path, with host a name, an IPv4 address or a bracketed
// IPv6 literal ("[::1]", RFC 3986 section 3.2.2; the Host header keeps the brackets).
bool parseHttpUrl(const char* url, ParsedUrl& parsed) {
  static const char kScheme[] = "http://";
  if (std::strncmp(url, kScheme, sizeof(kScheme) - 1) != 0) return false;  // https needs TLS: not simulated
  if (!isVisibleAscii(url, std::strlen(url))) return false;
  const char* authority = url + sizeof(kScheme) - 1;
  const char* pathStart = std::strchr(authority, '/');
  if (pathStart == nullptr || pathStart == authority) return false;
  parsed.hostHeader.assign(authority, pathStart);
  parsed.path = pathStart;
  const size_t hash = parsed.path.find('#');
  if (hash != std::string::npos) parsed.path.resize(hash);
  const std::string& hostAndPort = parsed.hostHeader;
  size_t portColon = std::string::npos;
  if (hostAndPort[0] == '[') {
    const size_t close = hostAndPort.find(']');
    if (close == std::string::npos || close == 1) return false;
    parsed.host = hostAndPort.substr(1, close - 1);
    if (parsed.host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string::npos) return false;
    if (close + 1 < hostAndPort.size()) {
      if (hostAndPort[close + 1] != ':') return false;
      portColon = close + 1;
    }
  } else {
    portColon = hostAndPort.find(':');
    parsed.host = hostAndPort.substr(0, portColon);
    if (parsed.host.empty() || parsed.host.find_first_of("@[]") != std::string::npos) return false;
  }
  if (portColon != std::string::npos) parsed.port = hostAndPort.substr(portColon + 1);
  return isPort(parsed.port);
}

bool headerNameIs(const char* line, size_t nameLength, const char* name) {
  return std::strlen(name) == nameLength && strncasecmp(line, name, nameLength) == 0;
}

// Copies a header value if it fits; an oversized value is dropped rather than truncated.
void copyValue(const char* value, size_t length, char* out, size_t capacity) {
  if (length < capacity) {
    std::memcpy(out, value, length);
    out[length] = '\0';
  } else {
    out[0] = '\0';
  }
}

// Location is absolute ("http://h/p") or an absolute path ("/p"); see followsLikeChips.
bool resolveLocation(const char* base, const char* location, char* out, size_t capacity) {
  std::string resolved;
  if (location[0] == '/') {
    ParsedUrl parsed;
    if (!parseHttpUrl(base, parsed)) return false;
    resolved = "http://" + parsed.hostHeader + location;
  } else {
    resolved = location;
  }
  if (resolved.size() >= capacity) return false;
  std::memcpy(out, resolved.c_str(), resolved.size() + 1);
  return true;
}

// The chips' HTTPClient::setURL() follows a Location that is a path ("/p")
// or a URL of the scheme begin() was given, and nothing else (a relative
// "p", another scheme): there the 3xx is the answer.
bool followsLikeChips(const char* url, const char* location) {
  if (location[0] == '/') return true;
  const size_t schemeAndColon = static_cast<size_t>(std::strchr(url, ':') - url) + 1;
  return std::strncmp(url, location, schemeAndColon) == 0;
}

uint64_t nowMs() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1000u + static_cast<uint64_t>(now.tv_nsec) / 1000000u;
}

}  // namespace

bool PosixHttpTransport::waitFor(short events, uint32_t timeoutMs, uint64_t deadlineMs) {
  pollfd descriptor{socket_, events, 0};
  const uint64_t deadline = std::min(nowMs() + timeoutMs, deadlineMs);
  while (true) {
    const uint64_t now = nowMs();
    if (now >= deadline) return false;
    // A deadline of UINT64_MAX (none) would not fit poll()'s int.
    const uint64_t waitMs = std::min<uint64_t>(deadline - now, INT_MAX);
    const int ready = ::poll(&descriptor, 1, static_cast<int>(waitMs));
    if (ready > 0) return true;
    if (ready == 0) return false;
    if (errno != EINTR) return false;
  }
}

void PosixHttpTransport::end() {
  if (socket_ >= 0) ::close(socket_);
  socket_ = -1;
  headLength_ = 0;
  bodyStart_ = 0;
}

TransportError PosixHttpTransport::get(const char* url, const HttpValidators* conditional, uint32_t readTimeoutMs,
                                       uint32_t totalTimeoutMs, HttpResponse& response) {
  readTimeoutMs_ = readTimeoutMs;
  requestDeadlineMs_ = nowMs() + totalTimeoutMs;
  char current[kMaxUrlLength + 1];
  if (std::strlen(url) > kMaxUrlLength) return TransportError::BadUrl;
  std::strcpy(current, url);
  ParsedHead head;
  for (uint8_t redirects = 0;; ++redirects) {
    head = ParsedHead();
    const TransportError error = requestOnce(current, conditional, head);
    if (error != TransportError::None) return error;
    const bool isRedirect = head.status == 301 || head.status == 302 || head.status == 303 || head.status == 307 ||
                            head.status == 308;
    if (!isRedirect || head.location[0] == '\0' || redirects == kMaxRedirects ||
        !followsLikeChips(current, head.location)) {
      break;
    }
    char next[kMaxUrlLength + 1];
    if (!resolveLocation(current, head.location, next, sizeof(next))) {
      end();
      return TransportError::BadUrl;
    }
    end();
    std::strcpy(current, next);
  }
  response.status = head.status;
  response.hasContentLength = head.hasContentLength;
  response.contentLength = head.contentLength;
  response.validators = head.validators;
  bodyHasLength_ = head.hasContentLength;
  bodyChunked_ = head.chunked;
  bodyRemaining_ = head.contentLength;
  return TransportError::None;
}

TransportError PosixHttpTransport::requestOnce(const char* url, const HttpValidators* conditional,
                                               ParsedHead& head) {
  end();
  ParsedUrl parsed;
  if (!parseHttpUrl(url, parsed)) return TransportError::BadUrl;

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* addresses = nullptr;
  // A literal address skips name services, as a device given an IP does.
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  if (getaddrinfo(parsed.host.c_str(), parsed.port.c_str(), &hints, &addresses) != 0) {
    hints.ai_flags = 0;
    if (getaddrinfo(parsed.host.c_str(), parsed.port.c_str(), &hints, &addresses) != 0) addresses = nullptr;
  }
  if (addresses == nullptr) return TransportError::Connect;
  socket_ = ::socket(addresses->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int connected = socket_ >= 0 ? ::connect(socket_, addresses->ai_addr, addresses->ai_addrlen) : -1;
  freeaddrinfo(addresses);
  if (socket_ < 0) return TransportError::Connect;
  if (connected != 0 && errno == EINPROGRESS) {
    int socketError = 0;
    socklen_t length = sizeof(socketError);
    if (!waitWithinRequest(POLLOUT)) {
      end();
      return TransportError::Timeout;
    }
    getsockopt(socket_, SOL_SOCKET, SO_ERROR, &socketError, &length);
    connected = socketError == 0 ? 0 : -1;
  }
  if (connected != 0) {
    end();
    return TransportError::Connect;
  }

  char userAgent[kMaxUserAgentLength + 1];
  userAgent_.format(userAgent);
  std::string request = "GET " + parsed.path + " HTTP/1.1\r\nHost: " + parsed.hostHeader + "\r\nUser-Agent: " + userAgent +
                        "\r\nAccept-Encoding: identity\r\nConnection: close\r\n";
  if (conditional != nullptr && conditional->etag[0] != '\0') {
    request += std::string("If-None-Match: ") + conditional->etag + "\r\n";
  }
  if (conditional != nullptr && conditional->lastModified[0] != '\0') {
    request += std::string("If-Modified-Since: ") + conditional->lastModified + "\r\n";
  }
  request += "\r\n";
  size_t sent = 0;
  while (sent < request.size()) {
    if (!waitWithinRequest(POLLOUT)) {
      end();
      return TransportError::Timeout;
    }
    const ssize_t written = ::send(socket_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (written < 0 && errno != EAGAIN && errno != EINTR) {
      end();
      return TransportError::Connect;
    }
    if (written > 0) sent += static_cast<size_t>(written);
  }
  return receiveHead(head);
}

TransportError PosixHttpTransport::receiveHead(ParsedHead& head) {
  headLength_ = 0;
  const char* headEnd = nullptr;
  while (headEnd == nullptr) {
    if (headLength_ == kMaxHeadBytes) {
      end();
      return TransportError::BadResponse;  // headers larger than a device would accept
    }
    if (!waitWithinRequest(POLLIN)) {
      end();
      return TransportError::Timeout;
    }
    const ssize_t got = ::recv(socket_, head_ + headLength_, kMaxHeadBytes - headLength_, 0);
    if (got == 0) {
      end();
      return TransportError::BadResponse;
    }
    if (got < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      end();
      return TransportError::Connect;
    }
    headLength_ += static_cast<size_t>(got);
    bytesReceived_ += static_cast<uint64_t>(got);
    headEnd = static_cast<const char*>(memmem(head_, headLength_, "\r\n\r\n", 4));
  }
  bodyStart_ = static_cast<size_t>(headEnd - head_) + 4;
  bodyBytesReceived_ += headLength_ - bodyStart_;  // body bytes that came with the head

  // Every line of the head ends with CRLF: a bare LF or CR could hide a
  // header from one reader and show it to another.
  for (size_t i = 0; i < bodyStart_; ++i) {
    const bool crWithoutLf = head_[i] == '\r' && head_[i + 1] != '\n';
    const bool lfWithoutCr = head_[i] == '\n' && (i == 0 || head_[i - 1] != '\r');
    if (crWithoutLf || lfWithoutCr) {
      end();
      return TransportError::BadResponse;
    }
  }
  // Status line: HTTP/1.x, a space, three digits, then a space or the end of the line.
  const auto isDigit = [](char c) { return c >= '0' && c <= '9'; };
  if (std::strncmp(head_, "HTTP/1.", 7) != 0 || !isDigit(head_[7]) || head_[8] != ' ' || !isDigit(head_[9]) ||
      !isDigit(head_[10]) || !isDigit(head_[11]) || (head_[12] != ' ' && head_[12] != '\r')) {
    end();
    return TransportError::BadResponse;
  }
  head.status = (head_[9] - '0') * 100 + (head_[10] - '0') * 10 + (head_[11] - '0');
  // A 1xx interim answer (100 Continue, 103 Early Hints) ends the exchange
  // with its status, as on the chips, whose HTTPClient returns the first
  // head's code: docs/protocol.md.
  if (head.status < 100 || head.status > 599) {
    end();
    return TransportError::BadResponse;
  }
  const char* line = static_cast<const char*>(std::memchr(head_, '\n', headLength_)) + 1;
  while (line < headEnd) {
    const char* lineEnd = static_cast<const char*>(memmem(line, static_cast<size_t>(headEnd + 2 - line), "\r\n", 2));
    const char* colon = static_cast<const char*>(std::memchr(line, ':', static_cast<size_t>(lineEnd - line)));
    if (colon != nullptr) {
      const size_t nameLength = static_cast<size_t>(colon - line);
      const char* value = colon + 1;
      while (value < lineEnd && (*value == ' ' || *value == '\t')) ++value;
      const char* valueEnd = lineEnd;
      while (valueEnd > value && (valueEnd[-1] == ' ' || valueEnd[-1] == '\t')) --valueEnd;
      const size_t valueLength = static_cast<size_t>(valueEnd - value);
      if (headerNameIs(line, nameLength, "content-length")) {
        uint64_t length = 0;
        bool valid = valueLength > 0 && valueLength <= 10;
        for (size_t i = 0; valid && i < valueLength; ++i) {
          valid = value[i] >= '0' && value[i] <= '9';
          length = length * 10 + static_cast<uint64_t>(value[i] - '0');
        }
        if (!valid || length > 0xFFFFFFFFu || (head.hasContentLength && head.contentLength != length)) {
          end();
          return TransportError::BadResponse;
        }
        head.hasContentLength = true;
        head.contentLength = static_cast<uint32_t>(length);
      } else if (headerNameIs(line, nameLength, "transfer-encoding")) {
        head.chunked = true;  // any transfer coding: the body cannot be bounded by a length
      } else if (headerNameIs(line, nameLength, "location")) {
        if (!isVisibleAscii(value, valueLength)) {
          end();
          return TransportError::BadResponse;
        }
        copyValue(value, valueLength, head.location, sizeof(head.location));
      } else if (headerNameIs(line, nameLength, "etag")) {
        copyValue(value, valueLength, head.validators.etag, sizeof(head.validators.etag));
      } else if (headerNameIs(line, nameLength, "last-modified")) {
        copyValue(value, valueLength, head.validators.lastModified, sizeof(head.validators.lastModified));
      }
    }
    line = lineEnd + 2;
  }
  if (head.chunked) head.hasContentLength = false;  // RFC 9112: Transfer-Encoding overrides Content-Length
  return TransportError::None;
}

TransportError PosixHttpTransport::read(uint8_t* buffer, size_t capacity, uint32_t timeoutMs, size_t& received) {
  received = 0;
  if (socket_ < 0) return TransportError::Closed;
  if (bodyChunked_) return TransportError::BadResponse;  // a device does not decode chunked bodies
  if (bodyHasLength_ && bodyRemaining_ == 0) return TransportError::EndOfBody;
  if (bodyHasLength_ && capacity > bodyRemaining_) capacity = static_cast<size_t>(bodyRemaining_);
  if (bodyStart_ < headLength_) {
    received = std::min(capacity, headLength_ - bodyStart_);
    std::memcpy(buffer, head_ + bodyStart_, received);
    bodyStart_ += received;
  } else {
    while (true) {
      if (!waitFor(POLLIN, timeoutMs)) return TransportError::Timeout;
      const ssize_t got = ::recv(socket_, buffer, capacity, 0);
      // Without a length, an orderly close is how the body ends; with one, it
      // ended early. A reset is never a normal end.
      if (got == 0) return bodyHasLength_ ? TransportError::Closed : TransportError::EndOfBody;
      if (got < 0) {
        if (errno == EAGAIN || errno == EINTR) continue;
        return TransportError::Closed;
      }
      received = static_cast<size_t>(got);
      bytesReceived_ += received;
      bodyBytesReceived_ += received;
      break;
    }
  }
  if (bodyHasLength_) bodyRemaining_ -= received;
  return TransportError::None;
}

}  // namespace static_ota
