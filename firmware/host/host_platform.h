// The simulated device's flash, clock and persistent state.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "core/platform.h"

namespace static_ota {

// An ESP8266's sketch area of capacity bytes with an image of stagedSize
// bytes staged at its top by Updater, in whole 4 KB sectors: what eboot may
// inflate from the area's start without reaching bytes it has yet to read.
uint32_t roomBelowStagedImage(uint32_t capacity, uint64_t stagedSize);

// The OTA area is a file. Writes go to a temporary file next to it, which
// replaces the flash file only on commit, so a refused update leaves it as it was.
class FileFlash final : public FlashTarget {
 public:
  // bootsGzip: the simulated chip's boot loader inflates gzip images (ESP8266).
  FileFlash(std::string path, uint32_t capacity, bool bootsGzip = false)
      : path_(std::move(path)), capacity_(capacity), bootsGzip_(bootsGzip) {}
  ~FileFlash() { abort(); }
  FileFlash(const FileFlash&) = delete;
  FileFlash& operator=(const FileFlash&) = delete;

  uint32_t maxImageSize() override { return capacity_; }
  bool bootsGzip() override { return bootsGzip_; }
  uint32_t maxInflatedImageSize(uint32_t stagedSize) override { return roomBelowStagedImage(capacity_, stagedSize); }
  bool begin(uint32_t imageSize) override;
  bool write(const uint8_t* data, size_t length) override;
  bool commit() override;
  void abort() override;

 private:
  std::string path_;
  std::string temporaryPath_;
  uint32_t capacity_;
  bool bootsGzip_;
  uint32_t expected_ = 0;
  uint32_t written_ = 0;
  std::FILE* file_ = nullptr;
};

// The running firmware (--running-image) in flash of capacity bytes, erased
// (0xFF) after the image, as an ESP32's app partition or an ESP8266's sketch
// area. flashHeader: header bytes 2 and 3 as the ESP8266 Updater rewrites
// them for the chip it installs on (the published image's are replaced).
class HostRunningImage final : public RunningImage {
 public:
  HostRunningImage(std::vector<uint8_t> image, uint32_t capacity, const uint8_t* flashHeader);
  uint32_t capacity() override { return capacity_; }
  bool read(uint32_t offset, uint8_t* buffer, size_t length) override;

 private:
  std::vector<uint8_t> image_;
  uint32_t capacity_;
};

class HostClock final : public Clock {
 public:
  // unixNow < 0: the device has no trusted time.
  explicit HostClock(int64_t unixNow) : unixNow_(unixNow) {}
  uint32_t millis() override;
  bool unixTime(uint32_t& seconds) override;

 private:
  int64_t unixNow_;
};

// key=value lines in a file: the highest accepted version and the validators
// of the last poll (with how many more polls may send them), with the
// settings they were obtained under.
class StateFile final : public VersionStore {
 public:
  explicit StateFile(std::string path) : path_(std::move(path)) {}
  // A missing file is an empty state.
  bool loadFile();
  bool saveFile() const;

  bool load(char* version, size_t capacity) override;
  bool save(const char* version) override;
  bool loadOffer(char* version, size_t capacity, uint32_t& seq) override;
  bool saveOffer(const char* version, uint32_t seq) override;

  std::string pollContext;
  PollValidators validators;

 private:
  std::string path_;
  std::string highest_;
  std::string offer_;  // "<version> <seq>"
};

}  // namespace static_ota
