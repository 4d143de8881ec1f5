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

namespace {
constexpr uint64_t kSectorBytes = 4096;  // Updater rounds images, eboot its writes, to flash sectors
uint64_t roundUpToSector(uint64_t bytes) { return (bytes + kSectorBytes - 1) / kSectorBytes * kSectorBytes; }
}  // namespace

// The sketch area ends where the file system starts (_FS_start): it holds the
// running sketch and the free space, getFreeSketchSpace() being the area less
// the sketch rounded up to a sector. Updater::begin stages an update at the
// top of the area; at the next boot eboot inflates it from the area's start,
// so the inflated image must end below the staged sectors, or it overwrites
// bytes it has yet to read.
uint32_t Esp8266Flash::maxInflatedImageSize(uint32_t stagedSize) {
  const uint64_t sketchArea = ESP.getFreeSketchSpace() + roundUpToSector(ESP.getSketchSize());
  const uint64_t staged = roundUpToSector(stagedSize);
  return staged < sketchArea ? static_cast<uint32_t>(sketchArea - staged) : 0;
}

bool Esp8266Flash::begin(uint32_t imageSize) { return Update.begin(imageSize, U_FLASH); }

// Each 4 KB sector erase takes tens of milliseconds: let Wi-Fi run between chunks.
bool Esp8266Flash::write(const uint8_t* data, size_t length) {
  const bool written = Update.write(const_cast<uint8_t*>(data), length) == length;
  optimistic_yield(10000);
  return written;
}

// The flow calls this only once every byte is written and the hash matched.
bool Esp8266Flash::commit() { return Update.end(); }

// getSketchSize() counts from flash 0x0 to the end of the application image.
uint32_t Esp8266RunningImage::capacity() { return static_cast<uint32_t>(roundUpToSector(ESP.getSketchSize())); }

bool Esp8266RunningImage::read(uint32_t offset, uint8_t* buffer, size_t length) {
  if (offset > capacity() || length > capacity() - offset) return false;
  // EspClass::flashRead takes any address, buffer and length (cores 3.0+).
  return ESP.flashRead(offset, buffer, length);
}

void Esp8266Flash::abort() {
  // Updater has no abort(); end() on an unfinished update resets it without
  // touching the boot config. The flow holds back the last chunk until the
  // hash matched, so an aborted update is never finished.
  if (Update.isRunning()) Update.end(false);
  Update.clearError();
}

}  // namespace static_ota

#endif
