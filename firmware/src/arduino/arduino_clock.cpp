#if defined(ESP8266) || defined(ESP32)

#include "arduino_clock.h"

#include <Arduino.h>

namespace static_ota {

uint32_t ArduinoClock::millis() { return ::millis(); }

bool ArduinoClock::unixTime(uint32_t& seconds) {
  if (source_ == nullptr) return false;
  seconds = source_();
  return seconds != 0;
}

}  // namespace static_ota

#endif
