// Clock over the Arduino core: millis() for time bounds, and the sketch's own
// source of Unix time (NTP, RTC) for `expires`, when it sets one.
#pragma once

#if defined(ESP8266) || defined(ESP32)

#include <stdint.h>

#include "../core/platform.h"

namespace static_ota {

class ArduinoClock final : public Clock {
 public:
  // Current Unix time in seconds, or 0 while the device does not know it.
  typedef uint32_t (*TimeSource)();

  void setTimeSource(TimeSource source) { source_ = source; }
  uint32_t millis() override;
  bool unixTime(uint32_t& seconds) override;

 private:
  TimeSource source_ = nullptr;
};

}  // namespace static_ota

#endif
