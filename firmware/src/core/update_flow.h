// The whole device flow over the platform interfaces, in the order the
// protocol requires:
//   1. GET latest.txt (conditional when allowed); 304 ends the poll with no
//      parsing or crypto
//   2. line 1 not newer than the running version -> done, no crypto
//   3. strict signature from a trusted key, then the fields and the device's
//      own context (board, channel, expiry, rollback record, free space)
//   4. GET the image, stream it into flash while hashing, refuse past `size`
//   5. commit only when size and SHA-256 match; otherwise the running image stays
// With delta updates enabled, step 4 first tries a patch from the running
// version (docs/protocol.md, "Delta updates") and falls back to the full
// image on any failure, within the same update().
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "crypto_backend.h"
#include "delta_update.h"
#include "image_session.h"
#include "manifest.h"
#include "platform.h"
#include "result.h"
#include "static_ota_limits.h"

namespace static_ota {

class UpdateFlow {
 public:
  UpdateFlow(HttpTransport& transport, FlashTarget& flash, Clock& clock, CryptoBackend& crypto);

  // Settings; each setter copies its argument and returns false, keeping the
  // previous value, when it is empty or does not fit. Beyond that the URL
  // must be scheme://host/path, the running version valid SemVer, and a key
  // canonical and not of small order. Board and channel are checked for
  // length only: the manifest's own board and channel are validated by the
  // protocol rules, so a setting outside their alphabet never matches. A
  // flow without a URL, a trusted key, a running version or a board reports
  // ConfigError. The channel defaults to "stable". Every call to one of these
  // setters forgets the last poll's validators: they were obtained under the
  // old settings, which may decide the same manifest bytes differently.
  bool setManifestUrl(const char* url);  // the primary mirror; drops any fallbacks
  // A fallback mirror's manifest URL, tried in order after the primary when
  // the mirror before fails, its manifest or the image it offers (at most
  // kMaxManifestUrls in all); false when the list is full. See
  // docs/protocol.md, "Mirror failover".
  bool addMirrorUrl(const char* url);
  bool addTrustedKey(const uint8_t publicKey[kPublicKeyLength]);
  bool setRunningVersion(const char* version);
  bool setBoard(const char* board);
  bool setChannel(const char* channel);
  // This device's identity for staged rollouts (docs/protocol.md): 1 to 64
  // printable characters, no spaces. Without one, only releases offered to
  // every device (no `rollout=` or 100) are taken.
  bool setDeviceId(const char* deviceId);
  // Signatures from this many distinct trusted keys make a manifest valid
  // (k of n; 1 to kMaxTrustedKeys, default 1). False, keeping the previous
  // value, outside that range. Fewer trusted keys than k is ConfigError.
  bool setRequiredSignatures(uint8_t count);
  void setVersionStore(VersionStore* store) {
    forgetLastPoll();
    versionStore_ = store;
  }
  // Each wait of a read, and a whole check() or update(); with fallback
  // mirrors each mirror but the last asked gets half of what is left of it.
  void setTimeouts(uint32_t readTimeoutMs, uint32_t updateTimeoutMs);
  // A version that failed its trial boot here ("" for none): offered again,
  // it is RolledBack, without cryptography. False, with none refused, when
  // it is not valid SemVer.
  bool setRefusedVersion(const char* version);
  // Also verify a manifest offering the running or an older version (never
  // answered from validators): the health check of a boot, which needs proof
  // that this firmware can still fetch and verify a release.
  // Forgets the validators when it changes.
  void setVerifyUnchanged(bool enabled) {
    if (enabled != verifyUnchanged_) forgetLastPoll();
    verifyUnchanged_ = enabled;
  }
  void onProgress(ProgressCallback callback, void* context);
  // Delta updates: after accepting a newer release, update() asks for a patch
  // from the running version, hashes image's first base-size bytes (read
  // through image) and, when they are the patch's base, builds the release
  // from the patch; any failure falls back to the full image. workspace is
  // the RAM this needs (about 2.5 KB), kept by the caller. Null for either
  // turns delta updates off (the default).
  void enableDelta(RunningImage* image, DeltaWorkspace* workspace) {
    runningImage_ = workspace != nullptr ? image : nullptr;
    delta_ = image != nullptr ? workspace : nullptr;
  }

  // Steps 1-3: is a newer signed version offered? Downloads nothing else.
  Result check();
  // Steps 1-5.
  Result update();

  // Details of the last check() or update().
  ManifestError manifestError() const { return manifestError_; }
  TransportError transportError() const { return transportError_; }
  int httpStatus() const { return httpStatus_; }
  const char* offeredVersion() const { return offeredVersion_; }  // "" when none was read
  size_t mirrorIndex() const { return mirrorIndex_; }  // the mirror (0: primary) the result came from
  const char* runningVersion() const { return runningVersion_; }
  // The last poll verified a manifest's signature from a trusted key.
  bool signatureVerified() const { return signatureVerified_; }
  // The settings the transport's User-Agent names (user_agent.h).
  const char* board() const { return board_; }
  const char* channel() const { return channel_; }
  uint32_t imageBytesReceived() const { return imageBytesReceived_; }
  // The last update()'s patch: whether it was installed, or why not.
  PatchOutcome patchOutcome() const { return patchOutcome_; }
  DeltaError deltaError() const { return deltaError_; }  // with PatchOutcome::Decoder
  uint32_t patchBytesReceived() const { return patchBytesReceived_; }

  // Validators of the last poll whose outcome the manifest bytes alone
  // decided; sent back so an unchanged manifest costs a 304 and no crypto.
  // A device that keeps them across restarts saves and restores all of it,
  // after the settings, and only for the settings they were obtained under.
  // Restored state is untrusted storage: the poll count is capped and the
  // texts are cut at their buffers' ends.
  const PollValidators& lastPollValidators() const { return lastPoll_; }
  void restoreLastPollValidators(const PollValidators& saved) {
    lastPoll_ = saved;
    if (lastPoll_.conditionalPollsLeft > kMaxConditionalPolls) lastPoll_.conditionalPollsLeft = kMaxConditionalPolls;
    if (lastPoll_.pollsUntilProbe >= kMirrorProbeInterval) lastPoll_.pollsUntilProbe = kMirrorProbeInterval - 1;
    lastPoll_.validators.etag[kMaxEtagLength] = '\0';
    lastPoll_.validators.lastModified[kMaxLastModifiedLength] = '\0';
  }
  // For a setting kept outside the flow that changes how a manifest is
  // judged (e.g. the clock's time source, the flash size).
  void forgetLastPoll() {
    lastPoll_.conditionalPollsLeft = 0;
    lastPoll_.validators.clear();
  }

 private:
  bool setText(const char* text, char* out, size_t capacity);
  bool setVersion(const char* version, char (&out)[kMaxVersionLength + 1]);
  Result poll(bool installOffer);
  Result pollMirror(size_t mirror, const TextSpan& highest);
  void clearDetails(size_t mirror);
  TextSpan recordRunningVersion();
  // What a private step hands on: keep going (the flow's next step), or stop
  // with the Result check() or update() reports. No public Result means "go on".
  struct Step {
    bool keepGoing;
    Result stopWith;
  };
  static Step keepGoing() { return Step{true, Result::ConfigError}; }
  static Step stop(Result result) { return Step{false, result}; }
  // What receiveImage() hands on: the last chunk, held back in buffer_, is
  // written only once the whole image hashed as the manifest says.
  struct ReceivedImage {
    Step step;  // keepGoing: every byte received and hashed, all but the last chunk written
    bool flashOpened;
    size_t lastChunkLength;
  };
  Step readManifest(size_t mirror, size_t& length, HttpResponse& response);
  Result evaluateManifest(size_t mirror, size_t length, const TextSpan& highest);
  bool recordOffer(const Manifest& manifest);
  bool takesRollout(const Manifest& manifest);
  Result install();
  ReceivedImage receiveImage(ImageSession& session);
  Step receiveChunks(ImageSession& session, size_t& chunkLength);
  Result failTransport(TransportError error);
  Result installed();
  PatchOutcome installPatch();
  PatchOutcome readPatchManifest(size_t& length);
  PatchOutcome acceptPatchManifest(size_t length);
  bool baseMatches();
  PatchOutcome applyPatch();
  PatchOutcome feedPatch(DeltaDecoder& decoder);
  uint32_t timeLeftMs() const;
  void shareTime(bool last);
  TransportError readBody(uint8_t* buffer, size_t capacity, size_t& received);

  // Scalars first: small offsets keep the chip's loads and stores short.
  HttpTransport& transport_;
  FlashTarget& flash_;
  Clock& clock_;
  CryptoBackend& crypto_;
  VersionStore* versionStore_ = nullptr;
  ProgressCallback progress_ = nullptr;
  void* progressContext_ = nullptr;
  uint32_t readTimeoutMs_ = kDefaultReadTimeoutMs;
  uint32_t updateTimeoutMs_ = kDefaultUpdateTimeoutMs;
  uint32_t startedAtMs_ = 0;     // the poll's start
  uint32_t mirrorEndsAtMs_ = 0;  // the end of the current mirror's share, counted from startedAtMs_

  ManifestError manifestError_ = ManifestError::None;
  TransportError transportError_ = TransportError::None;
  int httpStatus_ = 0;
  uint32_t imageBytesReceived_ = 0;
  uint32_t patchBytesReceived_ = 0;
  size_t mirrorIndex_ = 0;
  RunningImage* runningImage_ = nullptr;
  DeltaWorkspace* delta_ = nullptr;
  // The raw image the offer installs (size=, or a gzip offer's inflated-size=; 0: unknown).
  uint32_t offerRawSize_ = 0;
  bool offerIsGzip_ = false;
  PatchOutcome patchOutcome_ = PatchOutcome::NotTried;
  DeltaError deltaError_ = DeltaError::None;
  size_t mirrorCount_ = 0;
  bool signatureVerified_ = false;
  bool verifyUnchanged_ = false;

  PollValidators lastPoll_;

  TrustedKeys trustedKeys_;
  char manifestUrls_[kMaxManifestUrls][kMaxUrlLength + 1];
  char runningVersion_[kMaxVersionLength + 1];
  char board_[kMaxBoardLength + 1];
  char channel_[kMaxChannelLength + 1];
  char deviceId_[kMaxDeviceIdLength + 1];
  uint8_t requiredSignatures_ = 1;
  // The version store's record, read by each poll: off the stack, which the
  // signature check needs on the ESP8266 (firmware/README.md).
  char storedVersion_[kMaxVersionLength + 1];
  char refusedVersion_[kMaxVersionLength + 1];

  // The offer found by the last poll.
  uint32_t imageSize_ = 0;
  char offeredVersion_[kMaxVersionLength + 1];
  char imageUrl_[kMaxUrlLength + 1];
  uint8_t imageSha256_[kSha256Length];

  // The manifest (and one byte to tell a larger one), then the image chunks:
  // one buffer, never both at once.
  static constexpr size_t kImageChunkBytes = kMaxManifestBytes;
  uint8_t buffer_[kMaxManifestBytes + 1];
};

}  // namespace static_ota
