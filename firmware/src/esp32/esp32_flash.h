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

// The running app partition as the base of a delta patch: larger than the
// image, whose first base-size bytes the core reads.
class Esp32RunningImage final : public RunningImage {
 public:
  uint32_t capacity() override;
  bool read(uint32_t offset, uint8_t* buffer, size_t length) override;
};

}  // namespace static_ota

#endif
