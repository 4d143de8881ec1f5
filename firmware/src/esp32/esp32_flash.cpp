#if defined(ESP32)

#include "esp32_flash.h"

#include <Arduino.h>
#include <Update.h>
#include <esp_ota_ops.h>
#include <esp_partition.h>

namespace static_ota {

uint32_t Esp32Flash::maxImageSize() {
  const esp_partition_t* partition = esp_ota_get_next_update_partition(nullptr);
  return partition != nullptr ? partition->size : 0;
}

bool Esp32Flash::begin(uint32_t imageSize) { return Update.begin(imageSize, U_FLASH); }

bool Esp32Flash::write(const uint8_t* data, size_t length) {
  return Update.write(const_cast<uint8_t*>(data), length) == length;
}

// The flow calls this only once every byte is written and the hash matched.
bool Esp32Flash::commit() { return Update.end(); }

void Esp32Flash::abort() { Update.abort(); }

uint32_t Esp32RunningImage::capacity() {
  const esp_partition_t* partition = esp_ota_get_running_partition();
  return partition != nullptr ? partition->size : 0;
}

bool Esp32RunningImage::read(uint32_t offset, uint8_t* buffer, size_t length) {
  const esp_partition_t* partition = esp_ota_get_running_partition();
  if (partition == nullptr || offset > partition->size || length > partition->size - offset) return false;
  return esp_partition_read(partition, offset, buffer, length) == ESP_OK;
}

}  // namespace static_ota

#endif
