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

}  // namespace static_ota

#endif
