// The boot guard's record in the ESP8266's RTC user memory (kept across
// resets, lost at power-off). There is no second app slot: eboot copies a new
// image over the old one, so nothing is pending and nothing can roll back;
// the guard's boot counter and safe mode still apply.
#pragma once

#if defined(ESP8266)

#include "../core/boot_guard.h"

// RTC user memory is 512 bytes; Updater keeps eboot's command in the first
// 128 (esp8266/Arduino Esp.cpp). The record sits at the end unless the sketch
// needs that place (offset in 4-byte blocks).
#ifndef STATIC_OTA_RTC_BLOCK
#define STATIC_OTA_RTC_BLOCK ((512 - sizeof(static_ota::BootRecord)) / 4)
#endif

namespace static_ota {

class Esp8266Boot final : public BootControl {
 public:
  bool loadRecord(BootRecord& record) override;
  void saveRecord(const BootRecord& record) override;
  bool runningImagePending() override { return false; }
  void markRunningImageValid() override {}
  void rollBack() override {}
};

}  // namespace static_ota

#endif
