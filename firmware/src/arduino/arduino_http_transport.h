// HttpTransport over the core's HTTPClient: ESP8266HTTPClient on ESP8266,
// HTTPClient on ESP32 (the same API for what is used here). Plain http by
// default; pass a WiFiClientSecure to useClient() for https where the chip
// can afford TLS.
#pragma once

#if defined(ESP8266) || defined(ESP32)

#include <Arduino.h>
#include <WiFiClient.h>
#if defined(ESP8266)
#include <ESP8266HTTPClient.h>
#else
#include <HTTPClient.h>
#endif

#include "../core/platform.h"
#include "../core/user_agent.h"

namespace static_ota {

class ArduinoHttpTransport final : public HttpTransport {
 public:
  void useClient(WiFiClient& client) { client_ = &client; }

  // HTTPClient bounds each wait, not the whole head: the time bound is
  // checked once GET() returns (connect, redirects and head are inside it).
  TransportError get(const char* url, const HttpValidators* conditional, uint32_t readTimeoutMs,
                     uint32_t totalTimeoutMs, HttpResponse& response) override;
  TransportError read(uint8_t* buffer, size_t capacity, uint32_t timeoutMs, size_t& received) override;
  void end() override;
  // Sent as the User-Agent of every request.
  UserAgent& userAgent() { return userAgent_; }

 private:
  UserAgent userAgent_;
  WiFiClient plainClient_;
  WiFiClient* client_ = &plainClient_;
  HTTPClient http_;
  Client* stream_ = nullptr;
  bool open_ = false;
  bool transferCoded_ = false;  // chunked or another coding: not decoded here
  int remaining_ = -1;          // body bytes left; -1 when the length is unknown
};

}  // namespace static_ota

#endif
