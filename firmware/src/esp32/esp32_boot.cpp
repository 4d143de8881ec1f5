#if defined(ESP32)

#include "esp32_boot.h"

#include <esp_attr.h>
#include <esp_ota_ops.h>
#include <string.h>

namespace static_ota {
namespace {
// Not initialised at boot: after a power-on it holds garbage, which the
// record's magic and checksum turn away.
RTC_NOINIT_ATTR BootRecord rtcRecord;
}  // namespace

bool Esp32Boot::loadRecord(BootRecord& record) {
  memcpy(&record, &rtcRecord, sizeof(record));
  return true;
}

void Esp32Boot::saveRecord(const BootRecord& record) { memcpy(&rtcRecord, &record, sizeof(record)); }

bool Esp32Boot::runningImagePending() {
  const esp_partition_t* running = esp_ota_get_running_partition();
  esp_ota_img_states_t state;
  return running != nullptr && esp_ota_get_state_partition(running, &state) == ESP_OK &&
         state == ESP_OTA_IMG_PENDING_VERIFY;
}

void Esp32Boot::markRunningImageValid() { esp_ota_mark_app_valid_cancel_rollback(); }

// Restarts into the previous image; returns only when there is none to go back to.
void Esp32Boot::rollBack() { esp_ota_mark_app_invalid_rollback_and_reboot(); }

}  // namespace static_ota

#endif
