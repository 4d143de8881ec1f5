// What the update flow needs from the device: HTTP, the OTA flash area, a
// clock and, optionally, persistent storage for the highest accepted version.
// Each adapter (ESP8266, ESP32, host simulator) implements these.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "static_ota_limits.h"

namespace static_ota {

enum class TransportError : uint8_t {
  None,
  EndOfBody,       // read(): the whole body has arrived (not a failure)
  BadUrl,          // not a URL this transport can fetch (e.g. https without TLS)
  Connect,         // name resolution or connection failed
  Timeout,         // no byte within the read timeout, or the request's time is up
  Closed,          // the peer closed or reset the connection before the body ended
  BadResponse,     // not HTTP/1.x, oversized headers, unsupported transfer coding
};

const char* transportErrorCode(TransportError error);

// ETag and Last-Modified of a response, sent back as If-None-Match and
// If-Modified-Since. Values that do not fit are dropped, never truncated.
struct HttpValidators {
  char etag[kMaxEtagLength + 1];
  char lastModified[kMaxLastModifiedLength + 1];

  HttpValidators() { clear(); }

  bool empty() const { return etag[0] == '\0' && lastModified[0] == '\0'; }
  void clear() {
    etag[0] = '\0';
    lastModified[0] = '\0';
  }
};

// What one poll leaves for the next. Validators are unauthenticated headers,
// so they are sent only once two answers in a row carried them, and then on
// at most kMaxConditionalPolls polls before an unconditional GET.
struct PollValidators {
  uint8_t conditionalPollsLeft = 0;  // 0: the next manifest GET is unconditional
  // Polls the primary mirror answers without an offer before a poll asks the
  // fallback mirrors too (0: the next one does), so a stale primary cannot hide a release.
  uint8_t pollsUntilProbe = kMirrorProbeInterval - 1;
  HttpValidators validators;
};

struct HttpResponse {
  int status = 0;
  bool hasContentLength = false;
  uint32_t contentLength = 0;
  HttpValidators validators;
};

class HttpTransport {
 public:
  // Sends GET, following at most kMaxRedirects redirects, none to another
  // scheme (the chips' HTTPClient refuses that); past that, or for another
  // scheme, the last 3xx response is returned. conditional may be null. Each wait lasts at
  // most readTimeoutMs, and connecting, redirects and the response head
  // together at most totalTimeoutMs (0: the time is already up), as far as
  // the platform's HTTP client allows.
  virtual TransportError get(const char* url, const HttpValidators* conditional, uint32_t readTimeoutMs,
                             uint32_t totalTimeoutMs, HttpResponse& response) = 0;
  // At least one body byte and at most capacity, waiting at most timeoutMs.
  // EndOfBody once Content-Length bytes have arrived, or, without a length,
  // when the peer closed normally; Closed when the connection ended before.
  virtual TransportError read(uint8_t* buffer, size_t capacity, uint32_t timeoutMs, size_t& received) = 0;
  // Closes the connection; safe to call at any time.
  virtual void end() = 0;

 protected:
  ~HttpTransport() = default;
};

class FlashTarget {
 public:
  // Largest image the OTA area takes.
  virtual uint32_t maxImageSize() = 0;
  // The boot loader inflates a gzip image (`encoding=gzip`) when it installs
  // it: ESP8266's eboot does, ESP32's does not.
  virtual bool bootsGzip() { return false; }
  // Largest image the boot loader can inflate from a staged gzip image of
  // stagedSize bytes (asked only when bootsGzip()): eboot writes it from the
  // start of the sketch area while the staged bytes sit at its top. 0 (the
  // default): a signed inflated size is never known to fit.
  virtual uint32_t maxInflatedImageSize(uint32_t /*stagedSize*/) { return 0; }
  virtual bool begin(uint32_t imageSize) = 0;
  virtual bool write(const uint8_t* data, size_t length) = 0;
  // Makes the written image boot next; called only after size and SHA-256 matched.
  virtual bool commit() = 0;
  // Drops what was written; the running image stays.
  virtual void abort() = 0;

 protected:
  ~FlashTarget() = default;
};

// The firmware running now, read from flash: the base of a delta patch
// (docs/protocol.md, "Delta updates"). ESP8266: the sketch from flash 0x0;
// ESP32: the running app partition. Raw bytes: the core normalises them.
class RunningImage {
 public:
  // Bytes readable from the image's start (the area that holds it).
  virtual uint32_t capacity() = 0;
  // False when the read fails or goes past capacity().
  virtual bool read(uint32_t offset, uint8_t* buffer, size_t length) = 0;

 protected:
  ~RunningImage() = default;
};

class Clock {
 public:
  // Monotonic milliseconds (wrapping is fine: only differences are used).
  virtual uint32_t millis() = 0;
  // Current Unix time when the device has a trusted clock.
  virtual bool unixTime(uint32_t& seconds) = 0;

 protected:
  ~Clock() = default;
};

// Optional persistent record of the highest version ever accepted, so an
// image flashed by hand cannot be used to roll the device back, and of the
// highest offer seen.
class VersionStore {
 public:
  // False when nothing is stored yet.
  virtual bool load(char* version, size_t capacity) = 0;
  virtual bool save(const char* version) = 0;
  // The highest signed offer seen (version and its `seq=`), so a mirror
  // cannot replay an older manifest of it, such as a wider rollout after a
  // halt (docs/security.md). False when nothing is stored yet.
  virtual bool loadOffer(char* version, size_t capacity, uint32_t& seq) = 0;
  virtual bool saveOffer(const char* version, uint32_t seq) = 0;

 protected:
  ~VersionStore() = default;
};

typedef void (*ProgressCallback)(uint32_t received, uint32_t total, void* context);

}  // namespace static_ota
