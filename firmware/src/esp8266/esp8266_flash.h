// FlashTarget over the ESP8266 core's Updater (the global `Update`).
#pragma once

#if defined(ESP8266)

#include "../core/platform.h"

namespace static_ota {

class Esp8266Flash final : public FlashTarget {
 public:
  uint32_t maxImageSize() override;
  // eboot (cores 2.7+) inflates a gzip image while copying it over the running one.
  bool bootsGzip() override { return true; }
  uint32_t maxInflatedImageSize(uint32_t stagedSize) override;
  bool begin(uint32_t imageSize) override;
  bool write(const uint8_t* data, size_t length) override;
  bool commit() override;
  void abort() override;
};

// The running sketch as the base of a delta patch: eboot copied the whole
// published image (eboot itself at 0x0, the application at 0x1000) to flash
// 0x0, with header bytes 2-3 rewritten by Updater (the core reads them as 0).
class Esp8266RunningImage final : public RunningImage {
 public:
  uint32_t capacity() override;
  bool read(uint32_t offset, uint8_t* buffer, size_t length) override;
};

}  // namespace static_ota

#endif
