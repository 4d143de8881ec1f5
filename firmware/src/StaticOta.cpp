#if defined(ESP8266) || defined(ESP32)

#include "StaticOta.h"

#include <Arduino.h>
#include <stdio.h>

namespace {

// The chip's own identity, for rollout buckets (docs/protocol.md, "Staged rollout and halt").
void chipDeviceId(char (&out)[static_ota::kMaxDeviceIdLength + 1]) {
#if defined(ESP8266)
  snprintf(out, sizeof(out), "%08lx", static_cast<unsigned long>(ESP.getChipId()));
#else
  snprintf(out, sizeof(out), "%012llx", static_cast<unsigned long long>(ESP.getEfuseMac() & 0xFFFFFFFFFFFFull));
#endif
}

}  // namespace

#if defined(ESP32) && !defined(STATIC_OTA_NO_TRIAL_BOOT)
namespace {
// Set by a StaticOta constructed before setup(), i.e. a global.
bool trialBootWanted = false;
}  // namespace

// arduino-esp32's initArduino() (esp32-hal-misc.c) marks a pending image
// valid before setup() unless this returns true. The weak default there is a
// C function: only an extern "C" definition replaces it (a C++ one would be a
// different, silently unused symbol). It lives in this file, which every
// sketch using StaticOta links, so the override is never left out of an archive.
extern "C" bool verifyRollbackLater() { return trialBootWanted; }
#endif

StaticOta::StaticOta(const char* manifestUrl, const uint8_t (*trustedKeys)[32], size_t keyCount,
                     const char* runningVersion, const char* board)
    : flow_(transport_, flash_, clock_, crypto_), guard_(boot_) {
  configured_ = flow_.setManifestUrl(manifestUrl) && flow_.setRunningVersion(runningVersion) && flow_.setBoard(board);
  for (size_t i = 0; i < keyCount; ++i) configured_ = flow_.addTrustedKey(trustedKeys[i]) && configured_;
  char deviceId[static_ota::kMaxDeviceIdLength + 1];
  chipDeviceId(deviceId);
  flow_.setDeviceId(deviceId);
  transport_.userAgent().identify(flow_.board(), flow_.runningVersion(), flow_.channel());
#if defined(ESP32) && !defined(STATIC_OTA_NO_TRIAL_BOOT)
  trialBootWanted = true;
#endif
}

void StaticOta::begin() {
  if (began_) return;
  began_ = true;
  guard_.begin(flow_.runningVersion());
  flow_.setRefusedVersion(guard_.refusedVersion());
}

void StaticOta::loop() {
  begin();
  if (healthy_ != nullptr && !guard_.confirmed() && healthy_()) guard_.confirm();
  // Marks the image invalid and restarts into the previous one (ESP32).
  if (guard_.trialExpired(millis())) guard_.rollBack();
}

void StaticOta::onProgress(ProgressCallback callback) {
  progress_ = callback;
  flow_.onProgress(callback != nullptr ? forwardProgress : nullptr, this);
}

void StaticOta::forwardProgress(uint32_t received, uint32_t total, void* context) {
  static_cast<StaticOta*>(context)->progress_(received, total);
}

bool StaticOta::check() {
  loop();
  lastResult_ = static_ota::guardedPoll(flow_, guard_, false, healthy_ == nullptr);
  return lastResult_ == StaticOtaResult::UpdateAvailable;
}

StaticOtaResult StaticOta::update() {
  loop();
  lastResult_ = static_ota::guardedPoll(flow_, guard_, true, healthy_ == nullptr);
  return lastResult_;
}

const char* StaticOta::lastErrorDetail() const {
  if (flow_.manifestError() != static_ota::ManifestError::None) return static_ota::manifestErrorCode(flow_.manifestError());
  if (flow_.transportError() != static_ota::TransportError::None) {
    return static_ota::transportErrorCode(flow_.transportError());
  }
  return "";
}

#endif
