#if defined(ESP8266) || defined(ESP32)

#include "arduino_http_transport.h"

namespace static_ota {
namespace {

void copyHeader(const String& value, char* out, size_t capacity) {
  // Oversized values are dropped rather than truncated: a cut ETag would never match.
  if (value.length() < capacity) {
    memcpy(out, value.c_str(), value.length() + 1);
  } else {
    out[0] = '\0';
  }
}

}  // namespace

TransportError ArduinoHttpTransport::get(const char* url, const HttpValidators* conditional, uint32_t readTimeoutMs,
                                         uint32_t totalTimeoutMs, HttpResponse& response) {
  end();
  if (totalTimeoutMs == 0) return TransportError::Timeout;
  // The platform says https needs a client with TLS: the plain one would
  // speak cleartext to port 443.
  if (client_ == &plainClient_ && strncasecmp(url, "https:", 6) == 0) return TransportError::BadUrl;
  const uint32_t startedMs = millis();
  // No single wait may outlast the time left; HTTPClient takes at most 65535 ms.
  uint32_t waitMs = readTimeoutMs < totalTimeoutMs ? readTimeoutMs : totalTimeoutMs;
  if (waitMs > 0xFFFF) waitMs = 0xFFFF;
#if defined(ESP32)
  // arduino-esp32 2.x HTTPClient::connect() hands the wait to WiFiClient in
  // whole seconds, rounded ((ms + 500) / 1000): under 1 s it becomes 0 (no
  // timeout at all) and 1.6 s becomes 2 s. Whole seconds, rounded down,
  // keep every wait within the time left.
  if (waitMs < 1000) return TransportError::Timeout;
  waitMs -= waitMs % 1000;
#endif
  http_.setReuse(false);
  http_.setTimeout(static_cast<uint16_t>(waitMs));
  http_.setFollowRedirects(HTTPC_STRICT_FOLLOW_REDIRECTS);
  http_.setRedirectLimit(kMaxRedirects);
  char userAgent[kMaxUserAgentLength + 1];
  userAgent_.format(userAgent);
  http_.setUserAgent(userAgent);
  if (!http_.begin(*client_, url)) return TransportError::BadUrl;
  open_ = true;
#if defined(ESP32)
  http_.setConnectTimeout(static_cast<int32_t>(waitMs));
#endif
  static const char* kCollected[] = {"ETag", "Last-Modified", "Transfer-Encoding"};
  http_.collectHeaders(kCollected, sizeof(kCollected) / sizeof(kCollected[0]));
  if (conditional != nullptr && conditional->etag[0] != '\0') http_.addHeader("If-None-Match", conditional->etag);
  if (conditional != nullptr && conditional->lastModified[0] != '\0') {
    http_.addHeader("If-Modified-Since", conditional->lastModified);
  }

  const int status = http_.GET();
  // A head trickled under the per-wait timeout ends past the time bound: refused here.
  const bool late = millis() - startedMs > totalTimeoutMs;
  if (status < 0 || late) {
    end();
    if (late || status == HTTPC_ERROR_READ_TIMEOUT) return TransportError::Timeout;
#if defined(ESP8266)
    // HTTPC_ERROR_CONNECTION_REFUSED is its deprecated alias in core 3.x.
    if (status == HTTPC_ERROR_CONNECTION_FAILED || status == HTTPC_ERROR_NOT_CONNECTED) return TransportError::Connect;
#else
    if (status == HTTPC_ERROR_CONNECTION_REFUSED || status == HTTPC_ERROR_NOT_CONNECTED) return TransportError::Connect;
#endif
    if (status == HTTPC_ERROR_CONNECTION_LOST) return TransportError::Closed;
    return TransportError::BadResponse;
  }
  const String coding = http_.header("Transfer-Encoding");
  transferCoded_ = coding.length() > 0 && !coding.equalsIgnoreCase("identity");
  const int size = http_.getSize();
  remaining_ = size;
  response.status = status;
  response.hasContentLength = size >= 0 && !transferCoded_;
  response.contentLength = size >= 0 ? static_cast<uint32_t>(size) : 0;
  copyHeader(http_.header("ETag"), response.validators.etag, sizeof(response.validators.etag));
  copyHeader(http_.header("Last-Modified"), response.validators.lastModified,
             sizeof(response.validators.lastModified));
  stream_ = http_.getStreamPtr();
  return TransportError::None;
}

TransportError ArduinoHttpTransport::read(uint8_t* buffer, size_t capacity, uint32_t timeoutMs, size_t& received) {
  received = 0;
  // Length first: HTTPClient may give no stream for an empty body (Content-Length: 0).
  if (remaining_ == 0) return TransportError::EndOfBody;
  if (stream_ == nullptr) return TransportError::Closed;
  if (transferCoded_) return TransportError::BadResponse;
  if (remaining_ > 0 && capacity > static_cast<size_t>(remaining_)) capacity = static_cast<size_t>(remaining_);
  const uint32_t started = millis();
  while (true) {
    const int available = stream_->available();
    if (available > 0) {
      const size_t wanted = capacity < static_cast<size_t>(available) ? capacity : static_cast<size_t>(available);
      const int got = stream_->read(buffer, wanted);
      if (got > 0) {
        received = static_cast<size_t>(got);
        if (remaining_ > 0) remaining_ -= got;
        return TransportError::None;
      }
    } else if (!stream_->connected()) {
      // Without a length the close ends the body; with one, bytes are missing.
      return remaining_ < 0 ? TransportError::EndOfBody : TransportError::Closed;
    }
    if (millis() - started >= timeoutMs) return TransportError::Timeout;
    delay(1);  // lets the Wi-Fi stack and the watchdog run
  }
}

void ArduinoHttpTransport::end() {
  if (open_) http_.end();
  open_ = false;
  stream_ = nullptr;
  transferCoded_ = false;
  remaining_ = -1;
}

}  // namespace static_ota

#endif
