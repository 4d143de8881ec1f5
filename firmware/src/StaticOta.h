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
// (a global): it holds a 1 KB buffer and the validators of the last poll, and
// on ESP32 it must exist before setup() for the trial boot (see begin()).
//
// Trial boot and boot guard: call ota.begin() first in setup(). A new image
// then runs on trial until a poll verifies a signed manifest (or the sketch's
// confirmWhen() check passes); on ESP32 a reset or the trial's timeout before
// that rolls back to the previous image. After setSafeModeAfter() boots in a
// row without that confirmation, inSafeMode() is true: run only Wi-Fi and
// update polling. Build with -DSTATIC_OTA_NO_TRIAL_BOOT to leave ESP32 images
// to the Arduino core, which confirms each one before setup().
#pragma once

#include "core/boot_guard.h"
#include "core/result.h"
#include "core/update_flow.h"

#if defined(ESP8266) || defined(ESP32)

#include <WiFiClient.h>

#include "arduino/arduino_clock.h"
#include "arduino/arduino_http_transport.h"
#include "crypto/chip_crypto.h"
#if defined(ESP8266)
#include "esp8266/esp8266_boot.h"
#include "esp8266/esp8266_flash.h"
#else
#include "esp32/esp32_boot.h"
#include "esp32/esp32_flash.h"
#endif

using StaticOtaResult = static_ota::Result;
using StaticOtaBootState = static_ota::BootState;

class StaticOta {
 public:
  typedef void (*ProgressCallback)(uint32_t received, uint32_t total);
  // Current Unix time in seconds, or 0 while the device does not know it.
  typedef static_ota::ArduinoClock::TimeSource TimeSource;

  StaticOta(const char* manifestUrl, const uint8_t (*trustedKeys)[32], size_t keyCount, const char* runningVersion,
            const char* board);
#if defined(STATIC_OTA_VERSION) && defined(STATIC_OTA_BOARD)
  StaticOta(const char* manifestUrl, const uint8_t (*trustedKeys)[32], size_t keyCount)
      : StaticOta(manifestUrl, trustedKeys, keyCount, STATIC_OTA_VERSION, STATIC_OTA_BOARD) {}
#endif

  // False when the constructor's URL, a key, the version or the board was refused.
  bool configured() const { return configured_; }

  // First thing in setup(): counts this boot, notes a rollback of the last
  // update, decides safe mode. (check() and update() call it if the sketch
  // did not, but then a crash before the first poll is not counted.)
  void begin();
  // Confirmed, Pending (a new image on trial) or RolledBack (the previous
  // image runs again after a failed trial; that version is refused).
  StaticOtaBootState bootState() const { return guard_.state(); }
  static const char* bootStateCode(StaticOtaBootState state) { return static_ota::bootStateCode(state); }
  // The last boots did not pass their health check: run only Wi-Fi and polling.
  bool inSafeMode() const { return guard_.inSafeMode(); }
  // The sketch's own health check instead of the default (the first poll
  // that verifies a signed manifest); asked by loop(), check() and update()
  // until it returns true once per boot.
  void confirmWhen(bool (*healthy)()) { healthy_ = healthy; }
  // A pending image not confirmed within this time is rolled back (default 10 minutes).
  void setTrialTimeout(uint32_t milliseconds) { guard_.setTrialTimeoutMs(milliseconds); }
  // Safe mode after this many boots in a row without confirmation (default 5; 0: never).
  void setSafeModeAfter(uint8_t boots) { guard_.setSafeModeAfter(boots); }
  // From loop(): the health check and the trial's timeout (cheap; no network).
  void loop();

  bool setChannel(const char* channel) { return flow_.setChannel(channel); }
  // Up to two fallback mirrors (the same path on another host), tried in
  // order when the one before fails (its manifest or its image); see
  // docs/protocol.md, "Mirror failover".
  bool addMirrorUrl(const char* manifestUrl) { return flow_.addMirrorUrl(manifestUrl); }
  // The device's identity, 1 to 32 of [A-Za-z0-9._-]. Staged rollouts use
  // the chip's own (ESP8266 chip id, ESP32 eFuse MAC, lowercase hex) unless
  // this is called; calling it also opts in to sending the id in the
  // User-Agent, so the mirror's access log (static-ota fleet) counts devices
  // one by one. Set it before the first poll and keep it: a changed id may
  // change which rollouts the device is in.
  bool setDeviceId(const char* deviceId) { return flow_.setDeviceId(deviceId) && transport_.userAgent().setDeviceId(deviceId); }
  // k of n: a manifest needs valid signatures from this many distinct trusted keys (default 1).
  bool setRequiredSignatures(uint8_t count) { return flow_.setRequiredSignatures(count); }
  // Enables `expires`: without a time source the field is ignored.
  void setTimeSource(TimeSource source) {
    clock_.setTimeSource(source);
    flow_.forgetLastPoll();  // `expires` may now judge the same manifest differently
  }
  // Enables the rollback record: nothing older than or equal to the highest
  // version ever accepted is taken, even after an older image was flashed by hand.
  void setVersionStore(static_ota::VersionStore* store) { flow_.setVersionStore(store); }
  void setTimeouts(uint32_t readTimeoutMs, uint32_t updateTimeoutMs) { flow_.setTimeouts(readTimeoutMs, updateTimeoutMs); }
  void onProgress(ProgressCallback callback);
#if defined(ESP8266)
  // The signature check runs at 160 MHz, then the clock is restored (default
  // on). Turn it off when the sketch counts CPU cycles itself at a fixed
  // clock (e.g. SoftwareSerial receiving during a poll).
  void setCpuBoost(bool enabled) { crypto_.setCpuBoost(enabled); }
#endif
  // Delta updates (docs/protocol.md, "Delta updates"): update() first asks
  // for a patch from the running version and falls back to the full image.
  // workspace (about 2.5 KB) must outlive the object: a static in the sketch,
  //   static static_ota::DeltaWorkspace deltaWorkspace;  ota.enableDelta(deltaWorkspace);
  void enableDelta(static_ota::DeltaWorkspace& workspace) { flow_.enableDelta(&runningImage_, &workspace); }
  // "installed", "no_patch", "base_mismatch", ... for the last update().
  const char* lastPatchOutcome() const { return static_ota::patchOutcomeCode(flow_.patchOutcome()); }
  // For https: a WiFiClientSecure set up with the server's CA or fingerprint.
  void useClient(WiFiClient& client) { transport_.useClient(client); }

  // True when a newer, signed version for this board and channel is offered
  // (downloads the manifest only).
  bool check();
  // The whole update; on Updated, restart to run the new image. While an
  // ESP32 image is pending (not yet confirmed) an offer is only reported
  // (UpdateAvailable): ESP-IDF writes the other slot only after confirmation.
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
  static void forwardProgress(uint32_t received, uint32_t total, void* context);

  static_ota::ArduinoHttpTransport transport_;
#if defined(ESP8266)
  static_ota::Esp8266Flash flash_;
  static_ota::Esp8266RunningImage runningImage_;
#else
  static_ota::Esp32Flash flash_;
  static_ota::Esp32RunningImage runningImage_;
#endif
  static_ota::ArduinoClock clock_;
  static_ota::ChipCrypto crypto_;
  static_ota::UpdateFlow flow_;
#if defined(ESP8266)
  static_ota::Esp8266Boot boot_;
#else
  static_ota::Esp32Boot boot_;
#endif
  static_ota::BootGuard guard_;
  bool (*healthy_)() = nullptr;
  bool began_ = false;
  ProgressCallback progress_ = nullptr;
  StaticOtaResult lastResult_ = StaticOtaResult::NoUpdate;
  bool configured_ = false;
};

#endif
