#if defined(ESP8266)

#include "esp8266_boot.h"

#include <Arduino.h>

namespace static_ota {

static_assert(sizeof(BootRecord) % 4 == 0, "RTC memory is read in 4-byte blocks");
static_assert(STATIC_OTA_RTC_BLOCK * 4 >= 128, "the first 128 bytes hold eboot's command");
static_assert(STATIC_OTA_RTC_BLOCK * 4 + sizeof(BootRecord) <= 512, "RTC user memory is 512 bytes");

bool Esp8266Boot::loadRecord(BootRecord& record) {
  return ESP.rtcUserMemoryRead(STATIC_OTA_RTC_BLOCK, reinterpret_cast<uint32_t*>(&record), sizeof(record));
}

void Esp8266Boot::saveRecord(const BootRecord& record) {
  BootRecord copy = record;
  ESP.rtcUserMemoryWrite(STATIC_OTA_RTC_BLOCK, reinterpret_cast<uint32_t*>(&copy), sizeof(copy));
}

}  // namespace static_ota

#endif
