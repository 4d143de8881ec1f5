#if defined(ESP8266)

#include "esp8266_flash.h"

#include <Arduino.h>
#include <Updater.h>

namespace static_ota {

// Exactly what Updater::begin(size, U_FLASH) accepts: it refuses a size only
// when, rounded up to a sector, it exceeds _FS_start less the running sketch
// rounded up to a sector, which is what getFreeSketchSpace() returns
// (ESP8266httpUpdate compares with it directly, too).
uint32_t Esp8266Flash::maxImageSize() { return ESP.getFreeSketchSpace(); }

bool Esp8266Flash::begin(uint32_t imageSize) { return Update.begin(imageSize, U_FLASH); }

// Each 4 KB sector erase takes tens of milliseconds: let Wi-Fi run between chunks.
bool Esp8266Flash::write(const uint8_t* data, size_t length) {
  const bool written = Update.write(const_cast<uint8_t*>(data), length) == length;
  optimistic_yield(10000);
  return written;
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
