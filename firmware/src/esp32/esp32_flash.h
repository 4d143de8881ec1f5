// FlashTarget over the ESP32 core's Update (the next OTA app partition).
#pragma once

#if defined(ESP32)

#include "../core/platform.h"

namespace static_ota {

class Esp32Flash final : public FlashTarget {
 public:
  uint32_t maxImageSize() override;
  bool begin(uint32_t imageSize) override;
  bool write(const uint8_t* data, size_t length) override;
  bool commit() override;
  void abort() override;
};

}  // namespace static_ota

#endif
