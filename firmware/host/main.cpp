// static-ota-device: the device core with OpenSSL and POSIX sockets, behaving
// like a device (same limits, same order of checks). Prints one line that
// starts with result=<token>.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "core/boot_guard.h"
#include "core/ed25519_strict.h"
#include "core/update_flow.h"
#include "host_platform.h"
#include "openssl_crypto.h"
#include "painted_stack.h"
#include "posix_http.h"
#include "two_slot_device.h"

using namespace static_ota;

namespace {

struct Options {
  std::vector<std::string> urls;  // the primary mirror first, then fallbacks
  std::vector<std::string> publicKeys;
  std::string version;
  std::string board;
  std::string channel = "stable";
  std::string deviceId;
  uint8_t requiredSignatures = 1;
  std::string flashPath;
  uint32_t flashSize = 1024 * 1024;
  int64_t now = -1;
  std::string statePath;
  uint32_t readTimeoutMs = kDefaultReadTimeoutMs;
  uint32_t updateTimeoutMs = kDefaultUpdateTimeoutMs;
  bool checkOnly = false;
  bool measureStack = false;
  // Two app slots, RTC memory and a boot guard, kept in this file (instead of --flash).
  std::string devicePath;
  bool restart = false;
  bool powerCycle = false;
  uint8_t safeModeAfter = kDefaultSafeModeAfter;
  uint32_t trialTimeoutMs = kDefaultTrialTimeoutMs;
  // The simulated chip: whether gzip images boot, and with --device which boot loader runs.
  Chip chip = Chip::Esp32;
  // The running firmware's bytes (the base of a delta patch); empty: delta updates off.
  std::string runningImagePath;
};

const char kUsage[] =
    "usage: static-ota-device --url URL [--url URL...] --pubkey HEX [--pubkey HEX...] --version SEMVER --board ID\n"
    "                         [--channel NAME] [--device-id ID] [--flash FILE] [--flash-size BYTES] [--now UNIX]\n"
    "                         [--state FILE] [--timeout-ms MS] [--update-timeout-ms MS] [--check]\n"
    "                         [--measure-stack] [--required-signatures K] [--chip esp32|esp8266]\n"
    "                         [--running-image FILE]   (the running firmware: delta updates on)\n"
    "       static-ota-device ... --device FILE [--restart | --power-cycle] [--safe-mode-after N]\n"
    "                         [--trial-timeout-ms MS]   (two app slots and a boot guard instead of --flash)\n";

bool parseNumber(const char* text, uint64_t max, uint64_t& value) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long parsed = std::strtoull(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || text[0] == '-' || parsed > max) return false;
  value = parsed;
  return true;
}

bool parseOptions(int argc, char** argv, Options& options) {
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--check") {
      options.checkOnly = true;
      continue;
    }
    if (flag == "--measure-stack") {
      options.measureStack = true;
      continue;
    }
    if (flag == "--restart" || flag == "--power-cycle") {
      options.restart = true;
      options.powerCycle = flag == "--power-cycle";
      continue;
    }
    if (i + 1 >= argc) return false;
    const char* value = argv[++i];
    uint64_t number = 0;
    if (flag == "--url") {
      options.urls.push_back(value);
    } else if (flag == "--pubkey") {
      options.publicKeys.push_back(value);
    } else if (flag == "--version") {
      options.version = value;
    } else if (flag == "--board") {
      options.board = value;
    } else if (flag == "--channel") {
      options.channel = value;
    } else if (flag == "--device-id") {
      options.deviceId = value;
    } else if (flag == "--flash") {
      options.flashPath = value;
    } else if (flag == "--state") {
      options.statePath = value;
    } else if (flag == "--chip" && (std::strcmp(value, "esp32") == 0 || std::strcmp(value, "esp8266") == 0)) {
      options.chip = std::strcmp(value, "esp8266") == 0 ? Chip::Esp8266 : Chip::Esp32;
    } else if (flag == "--running-image") {
      options.runningImagePath = value;
    } else if (flag == "--device") {
      options.devicePath = value;
    } else if (flag == "--safe-mode-after" && parseNumber(value, 0xFF, number)) {
      options.safeModeAfter = static_cast<uint8_t>(number);
    } else if (flag == "--trial-timeout-ms" && parseNumber(value, 0xFFFFFFFFu, number)) {
      options.trialTimeoutMs = static_cast<uint32_t>(number);
    } else if (flag == "--flash-size" && parseNumber(value, 0xFFFFFFFFu, number)) {
      options.flashSize = static_cast<uint32_t>(number);
    } else if (flag == "--now" && parseNumber(value, 0xFFFFFFFFu, number)) {
      options.now = static_cast<int64_t>(number);
    } else if (flag == "--required-signatures" && parseNumber(value, kMaxTrustedKeys, number)) {
      options.requiredSignatures = static_cast<uint8_t>(number);
    } else if (flag == "--timeout-ms" && parseNumber(value, 0xFFFFFFFFu, number)) {
      options.readTimeoutMs = static_cast<uint32_t>(number);
    } else if (flag == "--update-timeout-ms" && parseNumber(value, 0xFFFFFFFFu, number)) {
      options.updateTimeoutMs = static_cast<uint32_t>(number);
    } else {
      return false;
    }
  }
  return !options.urls.empty() && options.urls.size() <= kMaxManifestUrls && !options.publicKeys.empty() &&
         !options.version.empty() && !options.board.empty() &&
         (options.checkOnly || !options.flashPath.empty() || !options.devicePath.empty()) &&
         (options.devicePath.empty() || options.flashPath.empty()) && (!options.restart || !options.devicePath.empty());
}

bool readWholeFile(const std::string& path, std::vector<uint8_t>& bytes) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return false;
  uint8_t chunk[4096];
  for (size_t got; (got = std::fread(chunk, 1, sizeof(chunk), file)) > 0;) bytes.insert(bytes.end(), chunk, chunk + got);
  const bool ok = std::ferror(file) == 0;
  std::fclose(file);
  return ok;
}

bool decodeKey(const std::string& hex, uint8_t key[kPublicKeyLength]) {
  if (hex.size() != 2 * kPublicKeyLength) return false;
  for (size_t i = 0; i < kPublicKeyLength; ++i) {
    unsigned value = 0;
    if (std::sscanf(hex.c_str() + 2 * i, "%2x", &value) != 1) return false;
    key[i] = static_cast<uint8_t>(value);
  }
  return true;
}

struct Run {
  UpdateFlow* flow;
  BootGuard* guard;  // with --device: the poll as the library runs it
  bool checkOnly;
  Result result;
};

void* runFlow(void* argument) {
  Run* run = static_cast<Run*>(argument);
  if (run->guard != nullptr) {
    run->result = guardedPoll(*run->flow, *run->guard, !run->checkOnly, true);
  } else {
    run->result = run->checkOnly ? run->flow->check() : run->flow->update();
  }
  return nullptr;
}

void printBootFields(TwoSlotDevice& device, const BootGuard& guard) {
  std::printf(" running=%s boot_state=%s safe_mode=%d unconfirmed_boots=%u", device.runningVersion().c_str(),
              bootStateCode(guard.state()), guard.inSafeMode() ? 1 : 0, guard.unconfirmedBoots());
}

// eboot could not install the staged image: the app is overwritten, nothing boots.
int bootFailed(const TwoSlotDevice& device, const char* reason) {
  std::printf("result=boot_failed reason=%s detail=%s message=\"the boot loader could not install the image\"\n", reason,
              device.bootError().c_str());
  return 1;
}

// A restart ends the run: the next run is the new boot's loop().
int finishBoot(TwoSlotDevice& device, BootGuard& guard, const char* reason) {
  if (!device.saveFile()) {
    std::fprintf(stderr, "cannot write the device file\n");
    return 2;
  }
  if (!device.bootError().empty()) return bootFailed(device, reason);
  guard.begin(device.runningVersion().c_str());
  if (!device.saveFile()) {
    std::fprintf(stderr, "cannot write the device file\n");
    return 2;
  }
  std::printf("result=restarted reason=%s", reason);
  printBootFields(device, guard);
  std::printf("\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!parseOptions(argc, argv, options)) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  // setup(): a restart runs the bootloader and the boot guard; a poll first
  // checks the trial's time, as the library's loop() does.
  TwoSlotDevice device(options.devicePath, options.chip, options.flashSize);
  BootGuard guard(device);
  const bool deviceMode = !options.devicePath.empty();
  if (deviceMode) {
    if (!device.loadFile(options.version)) {
      std::fprintf(stderr, "cannot read device file %s\n", options.devicePath.c_str());
      return 2;
    }
    if (!device.bootError().empty() && !options.restart) return bootFailed(device, "earlier");
    guard.setSafeModeAfter(options.safeModeAfter);
    guard.setTrialTimeoutMs(options.trialTimeoutMs);
    if (options.restart) {
      device.restart(options.powerCycle);
      return finishBoot(device, guard, options.powerCycle ? "power_on" : "reset");
    }
    guard.resume(device.runningVersion().c_str());
    if (guard.trialExpired(device.uptimeMs())) {
      guard.rollBack();
      return finishBoot(device, guard, "trial_timeout");
    }
  }
  const std::string runningVersion = deviceMode ? device.runningVersion() : options.version;

  OpenSslCrypto crypto;
  PosixHttpTransport transport;
  FileFlash fileFlash(options.flashPath, options.flashSize, options.chip == Chip::Esp8266);
  UpdateSlotFlash slotFlash(device, options.flashSize);
  FlashTarget& flash = deviceMode ? static_cast<FlashTarget&>(slotFlash) : fileFlash;
  HostClock clock(options.now);
  StateFile state(options.statePath);
  // The flow keeps its buffers inside itself, as a sketch's global would: off the stack.
  static UpdateFlow flow(transport, flash, clock, crypto);
  // Delta updates: the running image, with the header bytes an ESP8266's Updater wrote for this chip.
  static DeltaWorkspace deltaWorkspace;
  std::vector<uint8_t> runningBytes;
  if (!options.runningImagePath.empty() && !readWholeFile(options.runningImagePath, runningBytes)) {
    std::fprintf(stderr, "cannot read running image %s\n", options.runningImagePath.c_str());
    return 2;
  }
  const uint8_t esp8266Header[] = {0x03, 0x20};  // DOUT, 1 MB at 40 MHz: what this simulated chip has
  HostRunningImage runningImage(runningBytes, options.flashSize,
                                options.chip == Chip::Esp8266 ? esp8266Header : nullptr);
  if (!options.runningImagePath.empty()) flow.enableDelta(&runningImage, &deltaWorkspace);

  bool configured = flow.setManifestUrl(options.urls[0].c_str());
  for (size_t i = 1; i < options.urls.size(); ++i) configured = configured && flow.addMirrorUrl(options.urls[i].c_str());
  configured = configured && flow.setRunningVersion(runningVersion.c_str()) && flow.setBoard(options.board.c_str()) &&
               flow.setChannel(options.channel.c_str()) && flow.setRefusedVersion(guard.refusedVersion()) &&
               (options.deviceId.empty() || flow.setDeviceId(options.deviceId.c_str())) &&
               transport.userAgent().setDeviceId(options.deviceId.c_str()) &&
               flow.setRequiredSignatures(options.requiredSignatures);
  transport.userAgent().identify(flow.board(), flow.runningVersion(), flow.channel());
  // A key that can never verify is named with the code src/protocol/crypto.ts gives it.
  const char* keyProblem = nullptr;
  for (const std::string& hex : options.publicKeys) {
    uint8_t key[kPublicKeyLength];
    const bool decoded = decodeKey(hex, key);
    const PublicKeyProblem problem = decoded ? checkPublicKey(key) : PublicKeyProblem::None;
    if (problem != PublicKeyProblem::None && keyProblem == nullptr) keyProblem = publicKeyProblemCode(problem);
    configured = configured && decoded && flow.addTrustedKey(key);
  }
  flow.setTimeouts(options.readTimeoutMs, options.updateTimeoutMs);
  // Validators only count for the settings they were obtained under: every
  // one that decides how the same manifest bytes are judged.
  std::string pollContext = options.board + "|" + options.channel + "|" + runningVersion + "|" +
                            std::to_string(options.flashSize) + "|" + std::to_string(options.now) + "|" +
                            guard.refusedVersion() + "|" + options.deviceId + "|" + std::to_string(options.requiredSignatures) +
                            (options.chip == Chip::Esp8266 ? "|esp8266" : "|esp32");
  for (const std::string& hex : options.publicKeys) pollContext += "|" + hex;
  for (const std::string& url : options.urls) pollContext += "|" + url;
  if (!options.statePath.empty()) {
    if (!state.loadFile()) {
      std::fprintf(stderr, "cannot read state file %s\n", options.statePath.c_str());
      return 2;
    }
    flow.setVersionStore(&state);
    if (state.pollContext == pollContext) flow.restoreLastPollValidators(state.validators);
  }
  if (!configured) {
    std::printf("result=config_error detail=%s message=\"invalid --url, --pubkey, --version, --board, --channel, --device-id or --required-signatures\"\n",
                keyProblem != nullptr ? keyProblem : "-");
    return 1;
  }

  Run run{&flow, deviceMode ? &guard : nullptr, options.checkOnly, Result::ConfigError};
  size_t stackBytes = 0;
  if (options.measureStack) {
    stackBytes = stackHighWater(runFlow, &run);
  } else {
    runFlow(&run);
  }

  if (deviceMode) {
    if (run.result == Result::Updated) device.updateWritten(flow.offeredVersion());
    if (!device.saveFile()) std::fprintf(stderr, "cannot write device file %s\n", options.devicePath.c_str());
  }
  if (!options.statePath.empty()) {
    state.pollContext = pollContext;
    state.validators = flow.lastPollValidators();
    if (!state.saveFile()) std::fprintf(stderr, "cannot write state file %s\n", options.statePath.c_str());
  }

  const char* detail = "-";
  if (flow.manifestError() != ManifestError::None) {
    detail = manifestErrorCode(flow.manifestError());
  } else if (flow.transportError() != TransportError::None) {
    detail = transportErrorCode(flow.transportError());
  }
  std::printf("result=%s offered=%s detail=%s http_status=%d mirror=%zu image_bytes=%u bytes_received=%llu body_bytes=%llu",
              resultCode(run.result), flow.offeredVersion()[0] != '\0' ? flow.offeredVersion() : "-", detail,
              flow.httpStatus(), flow.mirrorIndex(), flow.imageBytesReceived(), static_cast<unsigned long long>(transport.bytesReceived()),
              static_cast<unsigned long long>(transport.bodyBytesReceived()));
  if (!options.runningImagePath.empty()) {
    std::printf(" patch=%s delta_error=%s patch_bytes=%u", patchOutcomeCode(flow.patchOutcome()),
                deltaErrorCode(flow.deltaError()), flow.patchBytesReceived());
  }
  if (options.measureStack) std::printf(" stack_bytes=%zu", stackBytes);
  if (deviceMode) printBootFields(device, guard);
  std::printf(" message=\"%s\"\n", resultMessage(run.result));
  const bool success =
      run.result == Result::NoUpdate || run.result == Result::UpdateAvailable || run.result == Result::Updated ||
      run.result == Result::NotInRollout;
  return success ? 0 : 1;
}
