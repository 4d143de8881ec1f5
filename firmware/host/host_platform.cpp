#include "host_platform.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>

namespace static_ota {

uint32_t roomBelowStagedImage(uint32_t capacity, uint64_t stagedSize) {
  constexpr uint64_t kSectorBytes = 4096;
  const uint64_t staged = (stagedSize + kSectorBytes - 1) / kSectorBytes * kSectorBytes;
  return staged < capacity ? static_cast<uint32_t>(capacity - staged) : 0;
}

bool FileFlash::begin(uint32_t imageSize) {
  abort();
  if (imageSize > capacity_) return false;
  std::string pattern = path_ + ".partial-XXXXXX";
  const int descriptor = mkstemp(pattern.data());
  if (descriptor < 0) return false;
  file_ = fdopen(descriptor, "wb");
  if (file_ == nullptr) {
    ::close(descriptor);
    ::unlink(pattern.c_str());
    return false;
  }
  temporaryPath_ = pattern;
  expected_ = imageSize;
  written_ = 0;
  return true;
}

bool FileFlash::write(const uint8_t* data, size_t length) {
  if (file_ == nullptr || length > expected_ - written_) return false;
  if (std::fwrite(data, 1, length, file_) != length) return false;
  written_ += static_cast<uint32_t>(length);
  return true;
}

bool FileFlash::commit() {
  if (file_ == nullptr || written_ != expected_) return false;
  const bool flushed = std::fflush(file_) == 0 && fsync(fileno(file_)) == 0;
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!flushed || !closed || std::rename(temporaryPath_.c_str(), path_.c_str()) != 0) {
    ::unlink(temporaryPath_.c_str());
    temporaryPath_.clear();
    return false;
  }
  temporaryPath_.clear();
  return true;
}

void FileFlash::abort() {
  if (file_ != nullptr) std::fclose(file_);
  file_ = nullptr;
  if (!temporaryPath_.empty()) ::unlink(temporaryPath_.c_str());
  temporaryPath_.clear();
}

uint32_t HostClock::millis() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<uint32_t>(static_cast<uint64_t>(now.tv_sec) * 1000u + static_cast<uint64_t>(now.tv_nsec) / 1000000u);
}

bool HostClock::unixTime(uint32_t& seconds) {
  if (unixNow_ < 0 || unixNow_ > 0xFFFFFFFFll) return false;
  seconds = static_cast<uint32_t>(unixNow_);
  return true;
}

namespace {
void copyInto(const std::string& value, char* out, size_t capacity) {
  if (value.size() < capacity) std::memcpy(out, value.c_str(), value.size() + 1);
}
}  // namespace

bool StateFile::loadFile() {
  std::ifstream in(path_);
  if (!in) return true;
  std::string line;
  while (std::getline(in, line)) {
    const size_t equals = line.find('=');
    if (equals == std::string::npos) continue;
    const std::string key = line.substr(0, equals);
    const std::string value = line.substr(equals + 1);
    if (key == "highest") highest_ = value;
    if (key == "offer") offer_ = value;
    if (key == "poll_context") pollContext = value;
    if (key == "etag") copyInto(value, validators.validators.etag, sizeof(validators.validators.etag));
    if (key == "last_modified") {
      copyInto(value, validators.validators.lastModified, sizeof(validators.validators.lastModified));
    }
    if (key == "polls_until_probe") {
      validators.pollsUntilProbe = static_cast<uint8_t>(std::min<unsigned long>(std::strtoul(value.c_str(), nullptr, 10), kMirrorProbeInterval - 1u));
    }
    if (key == "conditional_polls_left") {
      validators.conditionalPollsLeft = static_cast<uint8_t>(std::min<unsigned long>(
          std::strtoul(value.c_str(), nullptr, 10), kMaxConditionalPolls));
    }
  }
  return !in.bad();
}

bool StateFile::saveFile() const {
  const std::string temporary = path_ + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << "highest=" << highest_ << "\noffer=" << offer_ << "\npoll_context=" << pollContext << "\netag=" << validators.validators.etag
        << "\nlast_modified=" << validators.validators.lastModified
        << "\nconditional_polls_left=" << static_cast<unsigned>(validators.conditionalPollsLeft)
        << "\npolls_until_probe=" << static_cast<unsigned>(validators.pollsUntilProbe) << "\n";
    if (!out.flush()) return false;
  }
  return std::rename(temporary.c_str(), path_.c_str()) == 0;
}

bool StateFile::load(char* version, size_t capacity) {
  if (highest_.empty() || highest_.size() >= capacity) return false;
  std::memcpy(version, highest_.c_str(), highest_.size() + 1);
  return true;
}

bool StateFile::save(const char* version) {
  highest_ = version;
  return saveFile();
}

bool StateFile::loadOffer(char* version, size_t capacity, uint32_t& seq) {
  const size_t space = offer_.find(' ');
  if (space == std::string::npos || space >= capacity) return false;
  std::memcpy(version, offer_.data(), space);
  version[space] = '\0';
  seq = static_cast<uint32_t>(std::strtoul(offer_.c_str() + space + 1, nullptr, 10));
  return true;
}

bool StateFile::saveOffer(const char* version, uint32_t seq) {
  offer_ = std::string(version) + " " + std::to_string(seq);
  return saveFile();
}

HostRunningImage::HostRunningImage(std::vector<uint8_t> image, uint32_t capacity, const uint8_t* flashHeader)
    : image_(std::move(image)), capacity_(capacity < image_.size() ? static_cast<uint32_t>(image_.size()) : capacity) {
  if (flashHeader != nullptr && image_.size() >= 4) {
    image_[2] = flashHeader[0];
    image_[3] = flashHeader[1];
  }
}

bool HostRunningImage::read(uint32_t offset, uint8_t* buffer, size_t length) {
  if (offset > capacity_ || length > capacity_ - offset) return false;
  for (size_t i = 0; i < length; ++i) {
    const uint64_t at = static_cast<uint64_t>(offset) + i;
    buffer[i] = at < image_.size() ? image_[at] : 0xFF;
  }
  return true;
}

}  // namespace static_ota
