// static-ota for ESP8266 and ESP32: signed OTA updates from a static mirror.
//
//   static const uint8_t kTrustedKeys[][32] = {{/* the 32 bytes `static-ota keygen` prints */}};
//   StaticOta ota("http://ota.example.com/nodemcuv2/latest.txt", kTrustedKeys, 1);
//   StaticOtaResult result = ota.update();
//   if (result == StaticOtaResult::Updated) ESP.restart();
//
// The running version and the board default to the STATIC_OTA_VERSION and
// STATIC_OTA_BOARD build flags the publishing action injects; the channel
// defaults to "stable". Keep one StaticOta object for the program's lifetime
// (a global): it holds a 1 KB buffer and the validators of the last poll.
#pragma once

#include "core/result.h"
#include "core/update_flow.h"

#if defined(ESP8266) || defined(ESP32)

#include <WiFiClient.h>

#include "arduino/arduino_http_transport.h"
#include "crypto/chip_crypto.h"
#if defined(ESP8266)
#include "esp8266/esp8266_flash.h"
#else
#include "esp32/esp32_flash.h"
#endif

using StaticOtaResult = static_ota::Result;

class StaticOta {
 public:
  typedef void (*ProgressCallback)(uint32_t received, uint32_t total);
  // Current Unix time in seconds, or 0 while the device does not know it.
  typedef uint32_t (*TimeSource)();

  StaticOta(const char* manifestUrl, const uint8_t (*trustedKeys)[32], size_t keyCount, const char* runningVersion,
            const char* board);
#if defined(STATIC_OTA_VERSION) && defined(STATIC_OTA_BOARD)
  StaticOta(const char* manifestUrl, const uint8_t (*trustedKeys)[32], size_t keyCount)
      : StaticOta(manifestUrl, trustedKeys, keyCount, STATIC_OTA_VERSION, STATIC_OTA_BOARD) {}
#endif

  // False when the constructor's URL, a key, the version or the board was refused.
  bool configured() const { return configured_; }

  bool setChannel(const char* channel) { return flow_.setChannel(channel); }
  // Up to two fallback mirrors (the same path on another host), tried in
  // order when the one before fails; see docs/protocol.md, "Mirror failover".
  bool addMirrorUrl(const char* manifestUrl) { return flow_.addMirrorUrl(manifestUrl); }
  // Identity for staged rollouts; defaults to the chip's own (ESP8266 chip id,
  // ESP32 eFuse MAC, as lowercase hex). Set it before the first poll, and keep
  // it: a changed id may change which rollouts the device is in.
  bool setDeviceId(const char* deviceId) { return flow_.setDeviceId(deviceId); }
  // k of n: a manifest needs valid signatures from this many distinct trusted keys (default 1).
  bool setRequiredSignatures(uint8_t count) { return flow_.setRequiredSignatures(count); }
  // Enables `expires`: without a time source the field is ignored.
  void setTimeSource(TimeSource source) {
    clock_.source = source;
    flow_.forgetLastPoll();  // `expires` may now judge the same manifest differently
  }
  // Enables the rollback record: nothing older than or equal to the highest
  // version ever accepted is taken, even after an older image was flashed by hand.
  void setVersionStore(static_ota::VersionStore* store) { flow_.setVersionStore(store); }
  void setTimeouts(uint32_t readTimeoutMs, uint32_t updateTimeoutMs) { flow_.setTimeouts(readTimeoutMs, updateTimeoutMs); }
  void onProgress(ProgressCallback callback);
  // For https: a WiFiClientSecure set up with the server's CA or fingerprint.
  void useClient(WiFiClient& client) { transport_.useClient(client); }

  // True when a newer, signed version for this board and channel is offered
  // (downloads the manifest only).
  bool check();
  // The whole update; on Updated, restart to run the new image.
  StaticOtaResult update();

  StaticOtaResult lastResult() const { return lastResult_; }
  const char* offeredVersion() const { return flow_.offeredVersion(); }
  // "no_update", "hash_mismatch", ...
  static const char* resultCode(StaticOtaResult result) { return static_ota::resultCode(result); }
  static const char* resultString(StaticOtaResult result) { return static_ota::resultMessage(result); }
  // The manifest rule or transport error behind the last failure ("bad_sig_line", "timeout"), or "".
  const char* lastErrorDetail() const;
  int lastHttpStatus() const { return flow_.httpStatus(); }

 private:
  struct ArduinoClock final : public static_ota::Clock {
    TimeSource source = nullptr;
    uint32_t millis() override;
    bool unixTime(uint32_t& seconds) override;
  };

  static void forwardProgress(uint32_t received, uint32_t total, void* context);

  static_ota::ArduinoHttpTransport transport_;
#if defined(ESP8266)
  static_ota::Esp8266Flash flash_;
#else
  static_ota::Esp32Flash flash_;
#endif
  ArduinoClock clock_;
  static_ota::ChipCrypto crypto_;
  static_ota::UpdateFlow flow_;
  ProgressCallback progress_ = nullptr;
  StaticOtaResult lastResult_ = StaticOtaResult::NoUpdate;
  bool configured_ = false;
};

#endif
