// The simulated device's two flash slots and RTC memory, kept in a key=value
// file between runs (each run of static-ota-device is one poll, or one
// restart).
// - ESP32: two app slots; the bootloader follows ESP-IDF's app rollback: a
//   new image boots pending; a reset while it is still pending aborts it and
//   boots the other slot; marking it invalid does the same at once.
// - ESP8266: slot 0 is the app, slot 1 the area Updater stages an update in;
//   at the next reset eboot copies it over the app, inflating a gzip image
//   (eboot.h), and boots it. Nothing is pending and nothing can roll back; a
//   copy that fails leaves no bootable app (`bootError()`).
#pragma once

#include <cstdint>
#include <string>

#include "core/boot_guard.h"
#include "host_platform.h"

namespace static_ota {

enum class SlotState : uint8_t { Empty, New, Pending, Valid, Invalid, Aborted };

enum class Chip : uint8_t { Esp32, Esp8266 };

class TwoSlotDevice final : public BootControl {
 public:
  // capacity: the flash an update may use; on ESP8266 the sketch area: the
  // staged image sits at its top, a raw one is copied forward over it, an
  // inflated one must fit below it.
  TwoSlotDevice(std::string path, Chip chip, uint32_t capacity)
      : path_(std::move(path)), chip_(chip), capacity_(capacity) {}
  Chip chip() const { return chip_; }
  // Why the last install by eboot failed, "" when it did not (ESP8266).
  const std::string& bootError() const { return bootError_; }

  // A missing file is a factory-fresh device running factoryVersion from slot 0.
  bool loadFile(const std::string& factoryVersion);
  bool saveFile() const;

  // Reset (RTC memory kept) or power cycle (RTC memory lost), then the bootloader.
  void restart(bool powerCycle);
  const std::string& runningVersion() const { return version_[running_]; }
  // Where an update is written: the slot not running.
  std::string updateSlotPath() const { return slotPath(1 - running_); }
  // The update written there boots next.
  void updateWritten(const std::string& version);
  // Milliseconds since the last restart (wall clock, kept across runs).
  uint32_t uptimeMs() const;

  bool loadRecord(BootRecord& record) override;
  void saveRecord(const BootRecord& record) override;
  bool runningImagePending() override { return state_[running_] == SlotState::Pending; }  // never on ESP8266
  void markRunningImageValid() override { state_[running_] = SlotState::Valid; }
  void rollBack() override;

  bool restarted() const { return restarted_; }

 private:
  std::string slotPath(int slot) const { return path_ + ".slot" + std::to_string(slot); }
  void bootloader();
  void eboot();

  std::string path_;
  Chip chip_;
  uint32_t capacity_;
  std::string bootError_;
  int running_ = 0;
  int next_ = 0;
  SlotState state_[2] = {SlotState::Valid, SlotState::Empty};
  std::string version_[2];
  uint64_t bootAtMs_ = 0;
  std::string rtc_;  // the BootRecord's bytes in hex; empty after a power cycle
  bool restarted_ = false;
};

// The slot an update is written to. As esp_ota_begin() does with app
// rollback, it refuses to begin while the running image is still pending.
// On ESP32, arduino-esp32's Update refuses an image whose first byte is not
// 0xE9 (UPDATE_ERROR_MAGIC_BYTE) when it writes the first sector: the model
// refuses at the first write.
class UpdateSlotFlash final : public FlashTarget {
 public:
  UpdateSlotFlash(TwoSlotDevice& device, uint32_t capacity)
      : device_(device), slot_(device.updateSlotPath(), capacity) {}
  uint32_t maxImageSize() override { return slot_.maxImageSize(); }
  bool bootsGzip() override { return device_.chip() == Chip::Esp8266; }
  uint32_t maxInflatedImageSize(uint32_t stagedSize) override { return slot_.maxInflatedImageSize(stagedSize); }
  bool begin(uint32_t imageSize) override;
  // ESP32: refuses an image whose first byte is not 0xE9, as Update::write does.
  bool write(const uint8_t* data, size_t length) override;
  bool commit() override { return slot_.commit(); }
  void abort() override { slot_.abort(); }

 private:
  TwoSlotDevice& device_;
  FileFlash slot_;
  bool started_ = false;  // a byte was written since begin()
};

}  // namespace static_ota
