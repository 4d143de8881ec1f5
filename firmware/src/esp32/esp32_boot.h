// The boot guard over ESP-IDF's app rollback: with rollback enabled in the
// bootloader (CONFIG_BOOTLOADER_APP_ROLLBACK_ENABLE) a new image boots
// pending until marked valid, and a reset before that boots the previous one.
// The record is in RTC memory that survives resets (RTC_NOINIT_ATTR).
#pragma once

#if defined(ESP32)

#include "../core/boot_guard.h"

namespace static_ota {

class Esp32Boot final : public BootControl {
 public:
  bool loadRecord(BootRecord& record) override;
  void saveRecord(const BootRecord& record) override;
  bool runningImagePending() override;
  void markRunningImageValid() override;
  void rollBack() override;
};

}  // namespace static_ota

#endif
