#if defined(ESP8266)

#include "esp8266_flash.h"

#include <Arduino.h>
#include <Updater.h>

namespace static_ota {

uint32_t Esp8266Flash::maxImageSize() {
  // What Updater::begin accepts: the free sketch space less one sector, sector-aligned.
  const uint32_t free = ESP.getFreeSketchSpace();
  return free > 0x1000 ? (free - 0x1000) & 0xFFFFF000u : 0;
}

bool Esp8266Flash::begin(uint32_t imageSize) { return Update.begin(imageSize, U_FLASH); }

bool Esp8266Flash::write(const uint8_t* data, size_t length) {
  return Update.write(const_cast<uint8_t*>(data), length) == length;
}

// The flow calls this only once every byte is written and the hash matched.
bool Esp8266Flash::commit() { return Update.end(); }

void Esp8266Flash::abort() {
  // Updater has no abort(); end() on an unfinished update resets it without
  // touching the boot config. The flow holds back the last chunk until the
  // hash matched, so an aborted update is never finished.
  if (Update.isRunning()) Update.end(false);
  Update.clearError();
}

}  // namespace static_ota

#endif
