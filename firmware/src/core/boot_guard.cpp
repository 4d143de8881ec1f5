#include "boot_guard.h"

#include <string.h>

#include "text.h"
#include "version.h"

namespace static_ota {
namespace {

constexpr uint32_t kMagic = 0x5354424Fu;  // "STBO"

// Over every byte before `check`: RTC memory after a power-on holds garbage.
uint32_t checksum(const BootRecord& record) {
  const uint8_t* bytes = reinterpret_cast<const uint8_t*>(&record);
  uint32_t sum = 0x811C9DC5u;
  for (size_t i = 0; i < offsetof(BootRecord, check); ++i) sum = (sum ^ bytes[i]) * 0x01000193u;
  return sum;
}

// The record's version and the running one (valid: the flow checked it)
// are equal in SemVer precedence, build metadata aside.
bool isRunning(const char* recorded, const char* running) {
  const TextSpan record{recorded, boundedLength(recorded, kMaxVersionLength)};
  return isValidVersion(record) && compareVersions(record, TextSpan{running, boundedLength(running, kMaxVersionLength)}) == 0;
}

void setVersion(BootRecord& record, const char* version) {
  record.version[0] = '\0';
  copyToCString(TextSpan{version, boundedLength(version, kMaxVersionLength)}, record.version, sizeof(record.version));
}

constexpr char kBootStateCodes[] = "confirmed\0" "pending\0" "rolled_back";

}  // namespace

const char* bootStateCode(BootState state) { return packedString(kBootStateCodes, static_cast<size_t>(state), 3); }

void BootGuard::load(const char* runningVersion) {
  if (!control_.loadRecord(record_) || record_.magic != kMagic || record_.check != checksum(record_) ||
      static_cast<uint8_t>(record_.trial) > static_cast<uint8_t>(Trial::RolledBack)) {
    record_ = BootRecord{};
    record_.magic = kMagic;
  }
  record_.version[kMaxVersionLength] = '\0';
  pending_ = control_.runningImagePending();
  runningIsTrial_ = record_.trial == Trial::Installed && isRunning(record_.version, runningVersion);
}

void BootGuard::save() {
  record_.check = checksum(record_);
  control_.saveRecord(record_);
}

void BootGuard::begin(const char* runningVersion) {
  load(runningVersion);
  // The image on trial is not the one running: it did not come up (or was
  // rolled back). Its version is refused until a newer one is offered.
  if (record_.trial == Trial::Installed && !runningIsTrial_) record_.trial = Trial::RolledBack;
  // Pending without a record (e.g. the record was lost): the running image is on trial.
  if (pending_ && !runningIsTrial_) {
    record_.trial = Trial::Installed;
    setVersion(record_, runningVersion);
    runningIsTrial_ = true;
  }
  record_.safeMode = safeModeAfter_ != 0 && record_.unconfirmedBoots >= safeModeAfter_;
  if (record_.unconfirmedBoots != 0xFF) ++record_.unconfirmedBoots;
  save();
}

void BootGuard::resume(const char* runningVersion) { load(runningVersion); }

BootState BootGuard::state() const {
  if (pending_ || runningIsTrial_) return BootState::Pending;
  return record_.trial == Trial::RolledBack ? BootState::RolledBack : BootState::Confirmed;
}

void BootGuard::confirm() {
  if (pending_) control_.markRunningImageValid();
  pending_ = false;
  if (runningIsTrial_) record_.trial = Trial::None;
  runningIsTrial_ = false;
  record_.unconfirmedBoots = 0;
  save();
}

bool BootGuard::trialExpired(uint32_t uptimeMs) const { return pending_ && uptimeMs >= trialTimeoutMs_; }

Result guardedPoll(UpdateFlow& flow, BootGuard& guard, bool install, bool defaultHealthCheck) {
  const bool onTrial = !guard.confirmed();
  flow.setVerifyUnchanged(onTrial && defaultHealthCheck);
  Result result = onTrial || !install ? flow.check() : flow.update();
  if (onTrial) {
    if (defaultHealthCheck && flow.signatureVerified()) guard.confirm();
    if (result != Result::UpdateAvailable || !install || guard.imagePending()) return result;
    result = flow.update();
  }
  if (result == Result::Updated) guard.installed(flow.offeredVersion());
  return result;
}

void BootGuard::installed(const char* version) {
  record_.trial = Trial::Installed;
  setVersion(record_, version);
  // The new image gets a fresh count: safe mode ends with a good update.
  record_.unconfirmedBoots = 0;
  save();
}

}  // namespace static_ota
