// Trial boot and boot guard, the same on every platform:
//  - a new image runs on trial until a health check passes (by default the
//    first poll that verifies a manifest signature: the firmware can still
//    update itself); on ESP32 the bootloader keeps it pending meanwhile, and
//    a reset or the trial's timeout rolls back to the previous image;
//  - every boot counts until its health check passes; after
//    safeModeAfter boots in a row that did not, the next boot is in safe
//    mode (the sketch runs only Wi-Fi and update polling), so an image that
//    crashes in the application can still be replaced from the mirror;
//  - a version that was rolled back is refused until a newer one appears.
// The record lives in memory that survives a reset but not a power loss (RTC
// memory on the chips).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "result.h"
#include "static_ota_limits.h"
#include "update_flow.h"

namespace static_ota {

enum class BootState : uint8_t {
  Confirmed,   // the running image passed its health check, now or before
  Pending,     // a new image on trial: not yet confirmed
  RolledBack,  // the previous image runs again: the new one failed its trial
};

const char* bootStateCode(BootState state);  // "confirmed", "pending", "rolled_back"

enum class Trial : uint8_t { None, Installed, RolledBack };

// Fixed layout; an unreadable record (power-on garbage) counts as none.
struct BootRecord {
  uint32_t magic;
  uint8_t unconfirmedBoots;  // boots in a row whose health check has not passed, this one included
  Trial trial;
  uint8_t safeMode;          // this boot runs in safe mode
  uint8_t reserved;
  char version[kMaxVersionLength + 1];  // Installed: the image on trial; RolledBack: the refused one
  uint32_t check;
};

// What a platform provides: the record's storage and the bootloader's slots.
class BootControl {
 public:
  virtual bool loadRecord(BootRecord& record) = 0;
  virtual void saveRecord(const BootRecord& record) = 0;
  // The bootloader holds the running image pending (ESP32 with app rollback).
  virtual bool runningImagePending() = 0;
  virtual void markRunningImageValid() = 0;
  // Marks the running image invalid and restarts into the previous one; does
  // not return where that is possible.
  virtual void rollBack() = 0;

 protected:
  ~BootControl() = default;
};

constexpr uint8_t kDefaultSafeModeAfter = 5;
constexpr uint32_t kDefaultTrialTimeoutMs = 10UL * 60UL * 1000UL;

class BootGuard {
 public:
  explicit BootGuard(BootControl& control) : control_(control) { record_ = BootRecord{}; }

  // 0 turns safe mode off.
  void setSafeModeAfter(uint8_t boots) { safeModeAfter_ = boots; }
  void setTrialTimeoutMs(uint32_t timeoutMs) { trialTimeoutMs_ = timeoutMs; }
  uint32_t trialTimeoutMs() const { return trialTimeoutMs_; }

  // Once per boot, before anything else: counts this boot, notes a trial
  // image that did not come up, decides safe mode.
  void begin(const char* runningVersion);
  // Reads the record of a boot already begun (a process continuing it).
  void resume(const char* runningVersion);

  BootState state() const;
  bool inSafeMode() const { return record_.safeMode != 0; }
  uint8_t unconfirmedBoots() const { return record_.unconfirmedBoots; }
  // This boot's health check has passed.
  bool confirmed() const { return record_.unconfirmedBoots == 0 && !pending_; }
  // The bootloader holds the running image pending (ESP32): nothing can be
  // written to the other slot before it is confirmed.
  bool imagePending() const { return pending_; }
  // "" when none.
  const char* refusedVersion() const { return record_.trial == Trial::RolledBack ? record_.version : ""; }

  // The health check passed: a pending image becomes the one to keep, the
  // boot counter restarts.
  void confirm();
  // A pending image whose health check has not passed within the trial's time.
  bool trialExpired(uint32_t uptimeMs) const;
  void rollBack() { control_.rollBack(); }
  // An update was written: the next boot runs it on trial.
  void installed(const char* version);

 private:
  void load(const char* runningVersion);
  void save();

  BootControl& control_;
  BootRecord record_;
  bool pending_ = false;
  bool runningIsTrial_ = false;
  uint8_t safeModeAfter_ = kDefaultSafeModeAfter;
  uint32_t trialTimeoutMs_ = kDefaultTrialTimeoutMs;
};

// One poll of a device with a boot guard, as StaticOta and the simulator run
// it. Until this boot is confirmed, the poll checks first and verifies even an
// unchanged manifest; with the default health check a verified signature
// confirms the boot. An offer is installed (when install is true) only once
// the running image is no longer pending: ESP-IDF refuses to write the other
// slot before that. An installed update is the next boot's trial.
Result guardedPoll(UpdateFlow& flow, BootGuard& guard, bool install, bool defaultHealthCheck);

}  // namespace static_ota
