// The boot guard over a fake platform: counting, safe mode, trial states,
// rollback detection, the refused version and a garbage record.
#include <cstring>
#include <string>

#include "core/boot_guard.h"
#include "test_support.h"

using namespace static_ota;
using test::check;
using test::checkEqual;
using test::FakeBoot;

namespace {

std::string state(const BootGuard& guard) { return bootStateCode(guard.state()); }

void testSafeMode() {
  FakeBoot platform;
  for (int boot = 1; boot <= 3; ++boot) {
    BootGuard guard(platform);
    guard.setSafeModeAfter(3);
    guard.begin("1.0.0");
    check(!guard.inSafeMode(), "boot " + std::to_string(boot) + " is normal");
    checkEqual(guard.unconfirmedBoots(), boot, "boots counted");
  }
  BootGuard guard(platform);
  guard.setSafeModeAfter(3);
  guard.begin("1.0.0");
  check(guard.inSafeMode(), "after 3 boots without confirmation");
  guard.confirm();
  check(guard.inSafeMode(), "safe mode lasts the boot");
  BootGuard next(platform);
  next.setSafeModeAfter(3);
  next.begin("1.0.0");
  check(!next.inSafeMode(), "a confirmation ends it at the next boot");
  BootGuard never(platform);
  never.setSafeModeAfter(0);
  for (int boot = 0; boot < 300; ++boot) never.begin("1.0.0");
  check(!never.inSafeMode(), "0 turns safe mode off");
  checkEqual(never.unconfirmedBoots(), 255, "the count saturates");
}

void testTrialOnEsp32() {
  FakeBoot platform;
  BootGuard running(platform);
  running.begin("1.0.0");
  checkEqual(state(running), "confirmed", "factory image");
  running.installed("2.0.0");
  checkEqual(running.unconfirmedBoots(), 0, "a new image gets a fresh count");

  platform.pending = true;  // the bootloader boots 2.0.0 pending
  BootGuard trial(platform);
  trial.setTrialTimeoutMs(1000);
  trial.begin("2.0.0");
  checkEqual(state(trial), "pending", "on trial");
  check(!trial.confirmed(), "not confirmed yet");
  check(!trial.trialExpired(999), "within its time");
  check(trial.trialExpired(1000), "its time is up");
  trial.confirm();
  checkEqual(platform.validMarks, 1, "marked valid");
  checkEqual(state(trial), "confirmed", "confirmed");
  check(!trial.trialExpired(5000), "a confirmed image never expires");

  BootGuard after(platform);
  after.begin("2.0.0");
  checkEqual(state(after), "confirmed", "still confirmed after a reset");
  checkEqual(after.refusedVersion(), "", "nothing refused");
}

void testRollbackRemembered() {
  FakeBoot platform;
  BootGuard running(platform);
  running.begin("1.0.0");
  running.installed("2.0.0");
  platform.pending = true;
  BootGuard trial(platform);
  trial.begin("2.0.0");
  platform.pending = false;  // a reset: the bootloader aborted 2.0.0 and boots 1.0.0
  BootGuard back(platform);
  back.begin("1.0.0");
  checkEqual(state(back), "rolled_back", "the previous image runs again");
  checkEqual(back.refusedVersion(), "2.0.0", "the failed version is refused");
  back.confirm();
  checkEqual(state(back), "rolled_back", "confirming the old image keeps the refusal");
  BootGuard later(platform);
  later.begin("1.0.0");
  checkEqual(later.refusedVersion(), "2.0.0", "remembered across resets");
  later.installed("2.0.1");
  checkEqual(later.refusedVersion(), "", "until a newer version is installed");
}

void testWithoutSecondSlot() {
  FakeBoot platform;  // ESP8266: never pending, nothing to roll back to
  BootGuard running(platform);
  running.begin("1.0.0");
  running.installed("1.1.0");
  BootGuard next(platform);
  next.begin("1.1.0");
  checkEqual(state(next), "pending", "unconfirmed new image");
  check(!next.trialExpired(0xFFFFFFFFu), "no rollback without a second slot");
  next.confirm();
  checkEqual(state(next), "confirmed", "confirmed by its health check");
  checkEqual(platform.rollbacks, 0, "never rolled back");
}

void testGarbageRecord() {
  FakeBoot platform;
  platform.hasRecord = true;
  std::memset(&platform.stored, 0x5A, sizeof(platform.stored));
  BootGuard guard(platform);
  guard.begin("1.0.0");
  checkEqual(state(guard), "confirmed", "power-on garbage is no record");
  checkEqual(guard.unconfirmedBoots(), 1, "counting starts again");
  checkEqual(guard.refusedVersion(), "", "nothing refused");
  platform.stored.unconfirmedBoots = 200;  // changed behind the checksum's back
  BootGuard tampered(platform);
  tampered.setSafeModeAfter(3);
  tampered.begin("1.0.0");
  check(!tampered.inSafeMode(), "a record failing its checksum is none");
}

}  // namespace

void runBootTests() {
  testSafeMode();
  testTrialOnEsp32();
  testRollbackRemembered();
  testWithoutSecondSlot();
  testGarbageRecord();
}
