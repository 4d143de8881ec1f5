#include "two_slot_device.h"

#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>

#include "eboot.h"

namespace static_ota {
namespace {

constexpr uint8_t kEspImageMagic = 0xE9;

const char* const kStateNames[] = {"empty", "new", "pending", "valid", "invalid", "aborted"};

bool parseState(const std::string& text, SlotState& state) {
  for (size_t i = 0; i < sizeof(kStateNames) / sizeof(kStateNames[0]); ++i) {
    if (text == kStateNames[i]) {
      state = static_cast<SlotState>(i);
      return true;
    }
  }
  return false;
}

uint64_t wallClockMs() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1000u + static_cast<uint64_t>(now.tv_nsec) / 1000000u;
}

}  // namespace

bool TwoSlotDevice::loadFile(const std::string& factoryVersion) {
  std::ifstream in(path_);
  if (!in) {
    version_[0] = factoryVersion;
    bootAtMs_ = wallClockMs();
    return true;
  }
  std::string line;
  while (std::getline(in, line)) {
    const size_t equals = line.find('=');
    if (equals == std::string::npos) return false;
    const std::string key = line.substr(0, equals);
    const std::string value = line.substr(equals + 1);
    if (key == "running") running_ = value == "1" ? 1 : 0;
    else if (key == "next") next_ = value == "1" ? 1 : 0;
    else if (key == "boot_at_ms") bootAtMs_ = std::strtoull(value.c_str(), nullptr, 10);
    else if (key == "rtc") rtc_ = value;
    else if (key == "boot_error") bootError_ = value;
    else if (key == "slot0_version") version_[0] = value;
    else if (key == "slot1_version") version_[1] = value;
    else if (key == "slot0_state" && !parseState(value, state_[0])) return false;
    else if (key == "slot1_state" && !parseState(value, state_[1])) return false;
  }
  return !in.bad();
}

bool TwoSlotDevice::saveFile() const {
  const std::string temporary = path_ + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << "running=" << running_ << "\nnext=" << next_ << "\nboot_at_ms=" << bootAtMs_ << "\nrtc=" << rtc_ << "\nboot_error=" << bootError_;
    for (int slot = 0; slot < 2; ++slot) {
      out << "\nslot" << slot << "_version=" << version_[slot] << "\nslot" << slot
          << "_state=" << kStateNames[static_cast<int>(state_[slot])];
    }
    out << "\n";
    if (!out.flush()) return false;
  }
  return std::rename(temporary.c_str(), path_.c_str()) == 0;
}

// ESP-IDF's bootloader with app rollback: an image still pending at a reset
// never confirmed itself, so it is aborted; a new image boots pending; an
// aborted or invalid selection falls back to the other slot.
void TwoSlotDevice::bootloader() {
  if (chip_ == Chip::Esp8266) {
    eboot();
    return;
  }
  if (state_[running_] == SlotState::Pending) state_[running_] = SlotState::Aborted;
  if (state_[next_] == SlotState::New) state_[next_] = SlotState::Pending;
  if (state_[next_] != SlotState::Pending && state_[next_] != SlotState::Valid) next_ = 1 - next_;
  running_ = next_;
  bootAtMs_ = wallClockMs();
  restarted_ = true;
}

// eboot with Updater's command: the staged image replaces the app. The app
// always runs from slot 0.
void TwoSlotDevice::eboot() {
  if (state_[1] == SlotState::New) {
    const char* error = ebootInstall(slotPath(1), slotPath(0), capacity_);
    bootError_ = error == nullptr ? "" : error;
    version_[0] = error == nullptr ? version_[1] : "";
    state_[0] = error == nullptr ? SlotState::Valid : SlotState::Invalid;
    state_[1] = SlotState::Empty;
    version_[1].clear();
  }
  running_ = 0;
  next_ = 0;
  bootAtMs_ = wallClockMs();
  restarted_ = true;
}

void TwoSlotDevice::restart(bool powerCycle) {
  if (powerCycle) rtc_.clear();
  bootloader();
}

void TwoSlotDevice::rollBack() {
  if (chip_ == Chip::Esp8266) return;  // no previous image to go back to
  state_[running_] = SlotState::Invalid;
  next_ = 1 - running_;
  bootloader();
}

void TwoSlotDevice::updateWritten(const std::string& version) {
  const int slot = 1 - running_;
  version_[slot] = version;
  state_[slot] = SlotState::New;
  next_ = slot;
}

uint32_t TwoSlotDevice::uptimeMs() const {
  const uint64_t now = wallClockMs();
  return now > bootAtMs_ ? static_cast<uint32_t>(now - bootAtMs_) : 0;
}

bool TwoSlotDevice::loadRecord(BootRecord& record) {
  if (rtc_.size() != 2 * sizeof(BootRecord)) return false;
  uint8_t* bytes = reinterpret_cast<uint8_t*>(&record);
  for (size_t i = 0; i < sizeof(BootRecord); ++i) {
    unsigned value = 0;
    if (std::sscanf(rtc_.c_str() + 2 * i, "%2x", &value) != 1) return false;
    bytes[i] = static_cast<uint8_t>(value);
  }
  return true;
}

void TwoSlotDevice::saveRecord(const BootRecord& record) {
  const uint8_t* bytes = reinterpret_cast<const uint8_t*>(&record);
  rtc_.clear();
  char hex[3];
  for (size_t i = 0; i < sizeof(BootRecord); ++i) {
    std::snprintf(hex, sizeof(hex), "%02x", bytes[i]);
    rtc_ += hex;
  }
}

bool UpdateSlotFlash::begin(uint32_t imageSize) {
  started_ = false;
  return !device_.runningImagePending() && slot_.begin(imageSize);
}

bool UpdateSlotFlash::write(const uint8_t* data, size_t length) {
  if (length == 0) return slot_.write(data, length);
  const bool refused = device_.chip() == Chip::Esp32 && !started_ && data[0] != kEspImageMagic;
  started_ = true;
  return !refused && slot_.write(data, length);
}

}  // namespace static_ota
