#include "update_flow.h"

#include <string.h>

#include "image_session.h"
#include "rollout.h"
#include "text.h"
#include "url.h"
#include "version.h"

// For the steps with a single caller: on the chip each call frame costs
// 20-60 bytes of code, which the core's 6 KB budget cannot spare.
#define STATIC_OTA_ONE_CALLER __attribute__((always_inline)) inline

namespace static_ota {
namespace {

TextSpan spanOf(const char* text) { return TextSpan{text, strlen(text)}; }

constexpr uint32_t resultBit(Result result) { return 1u << static_cast<uint8_t>(result); }

// Outcomes fixed by the manifest bytes alone: the same bytes would give the
// same answer, so the next poll may skip them with a conditional request.
bool decidedByManifestBytes(Result result) {
  constexpr uint32_t kDecided = resultBit(Result::NoUpdate) | resultBit(Result::NotNewer) |
                                resultBit(Result::BadSignature) | resultBit(Result::WrongFormat) |
                                resultBit(Result::WrongBoard) | resultBit(Result::WrongChannel) |
                                resultBit(Result::Expired) | resultBit(Result::TooLarge) |
                                resultBit(Result::RolledBack) | resultBit(Result::NotInRollout) |
                                resultBit(Result::UnsupportedEncoding);
  return (resultBit(result) & kDecided) != 0;
}

// The mirror answered for itself: nothing newer to take there, no failure.
bool answered(Result result) {
  constexpr uint32_t kAnswers =
      resultBit(Result::NoUpdate) | resultBit(Result::NotNewer) | resultBit(Result::RolledBack) | resultBit(Result::NotInRollout);
  return (resultBit(result) & kAnswers) != 0;
}

// The answer carries validators, and the same ones as the answer before.
bool repeats(const HttpValidators& before, const HttpValidators& now) {
  return !now.empty() && sameCString(before.etag, now.etag) && sameCString(before.lastModified, now.lastModified);
}

}  // namespace

UpdateFlow::UpdateFlow(HttpTransport& transport, FlashTarget& flash, Clock& clock, CryptoBackend& crypto)
    : transport_(transport), flash_(flash), clock_(clock), crypto_(crypto) {
  for (char(&url)[kMaxUrlLength + 1] : manifestUrls_) url[0] = '\0';
  runningVersion_[0] = '\0';
  board_[0] = '\0';
  deviceId_[0] = '\0';
  offeredVersion_[0] = '\0';
  imageUrl_[0] = '\0';
  refusedVersion_[0] = '\0';
  memcpy(channel_, "stable", sizeof("stable"));
}

// A setting that is a non-empty NUL-terminated text fitting out (capacity includes the NUL).
bool UpdateFlow::setText(const char* text, char* out, size_t capacity) {
  forgetLastPoll();
  const TextSpan span{text, boundedLength(text, capacity)};
  return span.length != 0 && copyToCString(span, out, capacity);
}

bool UpdateFlow::setManifestUrl(const char* url) {
  if (!isFetchableUrl(url) || !setText(url, manifestUrls_[0], sizeof(manifestUrls_[0]))) {
    return false;
  }
  mirrorCount_ = 1;
  return true;
}

bool UpdateFlow::addMirrorUrl(const char* url) {
  if (mirrorCount_ == 0 || mirrorCount_ >= kMaxManifestUrls || !isFetchableUrl(url) ||
      !setText(url, manifestUrls_[mirrorCount_], sizeof(manifestUrls_[0]))) {
    return false;
  }
  ++mirrorCount_;
  return true;
}

bool UpdateFlow::addTrustedKey(const uint8_t publicKey[kPublicKeyLength]) {
  forgetLastPoll();
  return trustedKeys_.add(publicKey, crypto_);
}

// A valid SemVer version into one of the version buffers.
bool UpdateFlow::setVersion(const char* version, char (&out)[kMaxVersionLength + 1]) {
  return isValidVersion(TextSpan{version, boundedLength(version, kMaxVersionLength)}) &&
         setText(version, out, sizeof(out));
}

bool UpdateFlow::setRunningVersion(const char* version) { return setVersion(version, runningVersion_); }

bool UpdateFlow::setBoard(const char* board) { return setText(board, board_, sizeof(board_)); }

bool UpdateFlow::setChannel(const char* channel) { return setText(channel, channel_, sizeof(channel_)); }

bool UpdateFlow::setRequiredSignatures(uint8_t count) {
  if (count == 0 || count > kMaxTrustedKeys) return false;
  forgetLastPoll();
  requiredSignatures_ = count;
  return true;
}

bool UpdateFlow::setDeviceId(const char* deviceId) {
  return isValidDeviceId(TextSpan{deviceId, boundedLength(deviceId, kMaxDeviceIdLength)}) &&
         setText(deviceId, deviceId_, sizeof(deviceId_));
}

bool UpdateFlow::setRefusedVersion(const char* version) {
  forgetLastPoll();
  refusedVersion_[0] = '\0';
  return version[0] == '\0' || setVersion(version, refusedVersion_);
}

void UpdateFlow::setTimeouts(uint32_t readTimeoutMs, uint32_t updateTimeoutMs) {
  readTimeoutMs_ = readTimeoutMs;
  updateTimeoutMs_ = updateTimeoutMs;
}

void UpdateFlow::onProgress(ProgressCallback callback, void* context) {
  progress_ = callback;
  progressContext_ = context;
}

Result UpdateFlow::check() { return poll(false); }

Result UpdateFlow::update() { return poll(true); }

// What is left of the current mirror's share of the poll's time bound; 0 once it is over.
uint32_t UpdateFlow::timeLeftMs() const {
  const uint32_t elapsed = clock_.millis() - startedAtMs_;
  return elapsed < mirrorEndsAtMs_ ? mirrorEndsAtMs_ - elapsed : 0;
}

// Before each mirror: it may spend half of what is left of the poll's time
// bound, the last one asked all of it, so a mirror that trickles its answers
// cannot spend the next mirror's time. (Halves: the chip has no divide.)
STATIC_OTA_ONE_CALLER void UpdateFlow::shareTime(bool last) {
  const uint32_t elapsed = clock_.millis() - startedAtMs_;
  const uint32_t left = elapsed < updateTimeoutMs_ ? updateTimeoutMs_ - elapsed : 0;
  mirrorEndsAtMs_ = elapsed + (last ? left : left / 2);
}

// One read of a body: its wait ends with the mirror's share of the time bound too.
TransportError UpdateFlow::readBody(uint8_t* buffer, size_t capacity, size_t& received) {
  received = 0;
  uint32_t waitMs = timeLeftMs();
  if (waitMs == 0) return TransportError::Timeout;
  if (waitMs > readTimeoutMs_) waitMs = readTimeoutMs_;
  return transport_.read(buffer, capacity, waitMs, received);
}

Result UpdateFlow::failTransport(TransportError error) {
  transportError_ = error;
  return error == TransportError::Timeout ? Result::Timeout : Result::Network;
}

// The running image was accepted once, so it is recorded when it is higher
// than the stored record. Returns the highest version ever accepted: the
// record (read into storedVersion_) or the running version, whichever is higher.
STATIC_OTA_ONE_CALLER TextSpan UpdateFlow::recordRunningVersion() {
  const TextSpan running = spanOf(runningVersion_);
  if (versionStore_ == nullptr) return running;
  if (versionStore_->load(storedVersion_, sizeof(storedVersion_))) {
    const TextSpan stored{storedVersion_, boundedLength(storedVersion_, kMaxVersionLength)};
    // An unreadable record is treated as none.
    if (isValidVersion(stored) && compareVersions(stored, running) >= 0) return stored;
  }
  versionStore_->save(runningVersion_);
  return running;
}

Result UpdateFlow::poll(bool installOffer) {
  startedAtMs_ = clock_.millis();
  clearDetails(0);
  if (mirrorCount_ == 0 || trustedKeys_.count() < requiredSignatures_ || runningVersion_[0] == '\0' || board_[0] == '\0') {
    return Result::ConfigError;
  }

  // The primary first; any failure there (its manifest, or for update() its
  // image) moves on to the next mirror within this poll, and an answer
  // without an offer ends the poll. Every kMirrorProbeInterval-th poll, the
  // fallbacks are asked first and the primary last, so an older but validly
  // signed primary cannot hide a newer release, and the poll still ends with
  // the primary's own answer.
  const bool probe = mirrorCount_ > 1 && lastPoll_.pollsUntilProbe == 0;
  if (probe) {
    lastPoll_.pollsUntilProbe = kMirrorProbeInterval - 1;
  } else if (lastPoll_.pollsUntilProbe != 0) {
    --lastPoll_.pollsUntilProbe;
  }
  Result result = Result::ConfigError;
  for (size_t step = 0; step < mirrorCount_; ++step) {
    const size_t mirror = !probe ? step : step + 1 < mirrorCount_ ? step + 1 : 0;
    shareTime(step + 1 == mirrorCount_);
    // Read again for each mirror: judging one reuses the buffer it is read into.
    result = pollMirror(mirror, recordRunningVersion());
    if (installOffer && result == Result::UpdateAvailable) {
      // The patch first, from here: its manifest's check then sits no deeper
      // than the release's (install()'s frame is not below it).
      if (delta_ != nullptr) patchOutcome_ = installPatch();
      result = patchOutcome_ == PatchOutcome::Installed ? installed() : install();
    }
    if (result == Result::UpdateAvailable || result == Result::Updated || (answered(result) && (!probe || mirror == 0))) {
      break;
    }
  }
  return result;
}

// The details of the last check() or update() start over for each mirror asked.
void UpdateFlow::clearDetails(size_t mirror) {
  manifestError_ = ManifestError::None;
  transportError_ = TransportError::None;
  httpStatus_ = 0;
  offeredVersion_[0] = '\0';
  imageBytesReceived_ = 0;
  patchBytesReceived_ = 0;
  patchOutcome_ = PatchOutcome::NotTried;
  deltaError_ = DeltaError::None;
  mirrorIndex_ = mirror;
  signatureVerified_ = false;
}

// One mirror's manifest, judged. Only the primary's answers keep validators:
// a fallback is asked rarely, and always unconditionally.
Result UpdateFlow::pollMirror(size_t mirror, const TextSpan& highest) {
  clearDetails(mirror);
  size_t length = 0;
  bool repeated = false;
  {
    // Off the stack before the signature check, which needs it on the ESP8266.
    HttpResponse response;
    const Step read = readManifest(mirror, length, response);
    transport_.end();
    if (!read.keepGoing) return read.stopWith;
    if (mirror == 0) {
      repeated = repeats(lastPoll_.validators, response.validators);
      lastPoll_.validators = response.validators;
    }
  }
  const Result result = evaluateManifest(mirror, length, highest);
  if (mirror != 0) return result;
  // An offer or a failure is looked at again next time. Validators first
  // seen now are not sent next time: one forged answer cannot hide a release.
  const bool decided = decidedByManifestBytes(result);
  if (!decided) lastPoll_.validators.clear();
  lastPoll_.conditionalPollsLeft = decided && repeated ? kMaxConditionalPolls : 0;
  return result;
}

// Keeps going with a manifest body of length bytes in buffer_. The caller ends the request.
STATIC_OTA_ONE_CALLER UpdateFlow::Step UpdateFlow::readManifest(size_t mirror, size_t& length, HttpResponse& response) {
  const HttpValidators* conditional = nullptr;
  if (mirror == 0 && lastPoll_.conditionalPollsLeft != 0 && !verifyUnchanged_) {
    --lastPoll_.conditionalPollsLeft;
    conditional = &lastPoll_.validators;
  }
  const TransportError error = transport_.get(manifestUrls_[mirror], conditional, readTimeoutMs_, timeLeftMs(), response);
  if (error != TransportError::None) return stop(failTransport(error));
  httpStatus_ = response.status;
  if (response.status == 304) return stop(Result::NoUpdate);
  if (response.status != 200) return stop(Result::HttpStatus);
  if (!response.hasContentLength || response.contentLength <= kMaxManifestBytes) {
    // The buffer holds one byte more than a manifest may have: filling it means too large.
    size_t received = 0;
    for (length = 0; length <= kMaxManifestBytes; length += received) {
      const TransportError readError = readBody(buffer_ + length, sizeof(buffer_) - length, received);
      if (readError == TransportError::EndOfBody) return keepGoing();
      if (readError != TransportError::None) return stop(failTransport(readError));
    }
  }
  manifestError_ = ManifestError::TooLarge;
  return stop(Result::WrongFormat);
}

STATIC_OTA_ONE_CALLER Result UpdateFlow::evaluateManifest(size_t mirror, size_t length, const TextSpan& highest) {
  FramedManifest framed;
  manifestError_ = frameManifest(buffer_, length, framed);
  if (manifestError_ != ManifestError::None) return Result::WrongFormat;
  copyToCString(framed.version, offeredVersion_, sizeof(offeredVersion_));

  // Before any cryptography: equal is "up to date"; lower, or not above the
  // highest ever accepted, is a rollback attempt; a version rolled back here
  // waits for a newer one. Only a boot's health check verifies these too.
  Result refusal = Result::UpdateAvailable;
  if (compareVersions(framed.version, spanOf(runningVersion_)) == 0) {
    refusal = Result::NoUpdate;
  } else if (refusedVersion_[0] != '\0' && compareVersions(framed.version, spanOf(refusedVersion_)) == 0) {
    refusal = Result::RolledBack;
  } else if (compareVersions(framed.version, highest) <= 0) {
    refusal = Result::NotNewer;
  }
  if (refusal != Result::UpdateAvailable && !verifyUnchanged_) return refusal;

  Manifest manifest;
  manifestError_ = openManifest(framed, trustedKeys_, crypto_, manifest, requiredSignatures_);
  switch (manifestError_) {
    case ManifestError::None: break;
    case ManifestError::TooFewSignatures:
    case ManifestError::Unsigned:
    case ManifestError::UntrustedKey:
    case ManifestError::BadSignature: return Result::BadSignature;
    default: return Result::WrongFormat;
  }
  signatureVerified_ = true;
  if (refusal != Result::UpdateAvailable) return refusal;
  if (!manifest.board.equalsCString(board_)) return Result::WrongBoard;
  if (!manifest.channel.equalsCString(channel_)) return Result::WrongChannel;
  uint32_t now = 0;
  if (manifest.hasExpires && clock_.unixTime(now) && now > manifest.expires) return Result::Expired;
  // Before any byte is downloaded: written as is, a gzip image would never boot here.
  if (manifest.encoding == ImageEncoding::Gzip && !flash_.bootsGzip()) return Result::UnsupportedEncoding;
  if (!recordOffer(manifest)) return Result::Replayed;
  if (manifest.size > flash_.maxImageSize()) return Result::TooLarge;
  // A gzip image whose signed inflated size would not fit what the boot loader writes never boots.
  if (manifest.inflatedSize > flash_.maxInflatedImageSize(manifest.size)) return Result::TooLarge;
  if (!takesRollout(manifest)) return Result::NotInRollout;
  // The image sits next to the manifest that was accepted.
  if (!imageUrlFor(manifestUrls_[mirror], manifest.file, imageUrl_, sizeof(imageUrl_))) return Result::ConfigError;
  imageSize_ = manifest.size;
  memcpy(imageSha256_, manifest.sha256, kSha256Length);
  offerIsGzip_ = manifest.encoding == ImageEncoding::Gzip;
  offerRawSize_ = offerIsGzip_ ? manifest.inflatedSize : manifest.size;
  return Result::UpdateAvailable;
}

// With a version store, the highest signed offer seen is kept: an offer of a
// lower version, or of the same version with a lower `seq=` (an older
// signing, such as the wider rollout before a halt), is a replay.
STATIC_OTA_ONE_CALLER bool UpdateFlow::recordOffer(const Manifest& manifest) {
  if (versionStore_ == nullptr) return true;
  // storedVersion_ is free again: `highest` was compared before the signature
  // check, and the next mirror's poll reads the record again.
  uint32_t recordedSeq = 0;
  if (versionStore_->loadOffer(storedVersion_, sizeof(storedVersion_), recordedSeq)) {
    const TextSpan version{storedVersion_, boundedLength(storedVersion_, kMaxVersionLength)};
    // An unreadable record is treated as none.
    if (isValidVersion(version)) {
      const int order = compareVersions(manifest.version, version);
      if (order < 0 || (order == 0 && manifest.seq < recordedSeq)) return false;
      if (order == 0 && manifest.seq == recordedSeq) return true;  // nothing new to store
    }
  }
  versionStore_->saveOffer(offeredVersion_, manifest.seq);
  return true;
}

STATIC_OTA_ONE_CALLER bool UpdateFlow::takesRollout(const Manifest& manifest) {
  if (manifest.rollout >= kFullRollout) return true;
  if (deviceId_[0] == '\0') return false;
  return inRollout(manifest.rollout, rolloutBucket(crypto_, manifest.board, manifest.version, spanOf(deviceId_)));
}

Result UpdateFlow::install() {
  ImageSession session(crypto_, imageSize_, imageSha256_);
  const ReceivedImage received = receiveImage(session);
  transport_.end();
  // Finished on every path: a chip's hardware SHA unit is released here.
  // Once every byte arrived, only the hash can fail to match.
  // The last chunk reaches the flash only after the hash matched: an image
  // whose last bytes never reached the flash can never be committed.
  const bool hashMatches = session.finish();
  Result result = received.step.stopWith;
  if (received.step.keepGoing && !hashMatches) {
    result = Result::HashMismatch;
  } else if (received.step.keepGoing) {
    result = flash_.write(buffer_, received.lastChunkLength) && flash_.commit() ? Result::Updated : Result::FlashError;
  }
  if (result != Result::Updated) {
    if (received.flashOpened) flash_.abort();
    return result;
  }
  return installed();
}

Result UpdateFlow::installed() {
  if (versionStore_ != nullptr) versionStore_->save(offeredVersion_);
  return Result::Updated;
}

// The caller ends the request.
STATIC_OTA_ONE_CALLER UpdateFlow::ReceivedImage UpdateFlow::receiveImage(ImageSession& session) {
  ReceivedImage received{stop(Result::ConfigError), false, 0};
  HttpResponse response;
  const TransportError error = transport_.get(imageUrl_, nullptr, readTimeoutMs_, timeLeftMs(), response);
  if (error != TransportError::None) {
    received.step = stop(failTransport(error));
    return received;
  }
  httpStatus_ = response.status;
  if (response.status != 200) {
    received.step = stop(Result::HttpStatus);
  } else if (!response.hasContentLength || response.contentLength != imageSize_) {
    // Without a matching Content-Length the image could not be bounded up front.
    received.step = stop(Result::SizeMismatch);
  } else {
    received.flashOpened = flash_.begin(imageSize_);
    received.step = received.flashOpened ? receiveChunks(session, received.lastChunkLength) : stop(Result::FlashError);
  }
  return received;
}

// Keeps going once every byte is received and hashed, all but the last chunk
// (still in buffer_, chunkLength bytes) written.
STATIC_OTA_ONE_CALLER UpdateFlow::Step UpdateFlow::receiveChunks(ImageSession& session, size_t& chunkLength) {
  while (!session.complete()) {
    const size_t wanted = session.remaining() < kImageChunkBytes ? session.remaining() : kImageChunkBytes;
    const TransportError readError = readBody(buffer_, wanted, chunkLength);
    if (readError != TransportError::None) return stop(failTransport(readError));
    if (!session.append(buffer_, chunkLength)) return stop(Result::SizeMismatch);
    imageBytesReceived_ = session.received();
    if (!session.complete() && !flash_.write(buffer_, chunkLength)) return stop(Result::FlashError);
    if (progress_ != nullptr) progress_(session.received(), imageSize_, progressContext_);
  }
  return keepGoing();
}

// Delta updates (docs/protocol.md). A step's PatchOutcome::NotTried means
// "go on"; any other outcome ends the attempt, and the full image follows.
namespace {
constexpr PatchOutcome kGoOn = PatchOutcome::NotTried;
}  // namespace

// Off poll()'s frame, so the full image's path costs no more stack than before.
__attribute__((noinline)) PatchOutcome UpdateFlow::installPatch() {
  size_t length = 0;
  PatchOutcome outcome = readPatchManifest(length);
  transport_.end();
  if (outcome == kGoOn) outcome = acceptPatchManifest(length);
  if (outcome != kGoOn) return outcome;
  if (!baseMatches()) return PatchOutcome::BaseMismatch;
  return applyPatch();
}

// The patch manifest beside the image, into buffer_. The caller ends the request.
__attribute__((noinline)) PatchOutcome UpdateFlow::readPatchManifest(size_t& length) {
  if (!patchManifestUrlFor(imageUrl_, runningVersion_, delta_->patchUrl, sizeof(delta_->patchUrl))) {
    return PatchOutcome::Mismatch;
  }
  HttpResponse response;
  if (transport_.get(delta_->patchUrl, nullptr, readTimeoutMs_, timeLeftMs(), response) != TransportError::None) {
    return PatchOutcome::Transport;
  }
  if (response.status != 200) return PatchOutcome::NoPatch;
  if (response.hasContentLength && response.contentLength > kMaxManifestBytes) return PatchOutcome::BadManifest;
  size_t received = 0;
  for (length = 0; length <= kMaxManifestBytes; length += received) {
    const TransportError error = readBody(buffer_ + length, sizeof(buffer_) - length, received);
    if (error == TransportError::EndOfBody) return kGoOn;
    if (error != TransportError::None) return PatchOutcome::Transport;
  }
  return PatchOutcome::BadManifest;
}

// Signed by the trusted keys, for this release (version, board, channel, the
// raw image's size and hash), from the running version, and fitting the flash.
__attribute__((noinline)) PatchOutcome UpdateFlow::acceptPatchManifest(size_t length) {
  FramedManifest framed;
  PatchManifest& patch = delta_->manifest;
  patch = PatchManifest{};  // nothing of an earlier update's patch carries over
  if (frameManifest(buffer_, length, framed) != ManifestError::None ||
      openPatchManifest(framed, trustedKeys_, crypto_, patch, requiredSignatures_) != ManifestError::None) {
    return PatchOutcome::BadManifest;
  }
  uint32_t now = 0;
  const bool expired = patch.patch.hasExpires && clock_.unixTime(now) && now > patch.patch.expires;
  // A gzip offer signs its inflated size; the raw image's hash is signed by the patch manifest alone.
  const bool sameResult = patch.resultSize == offerRawSize_ &&
                          (offerIsGzip_ || memcmp(patch.resultSha256, imageSha256_, kSha256Length) == 0);
  if (!patch.patch.version.equalsCString(offeredVersion_) || !patch.patch.board.equalsCString(board_) ||
      !patch.patch.channel.equalsCString(channel_) || !patch.baseVersion.equalsCString(runningVersion_) || expired ||
      !sameResult || patch.resultSize > flash_.maxImageSize() || patch.baseSize > runningImage_->capacity() ||
      !imageUrlFor(manifestUrls_[mirrorIndex_], patch.patch.file, delta_->patchUrl, sizeof(delta_->patchUrl))) {
    return PatchOutcome::Mismatch;
  }
  return kGoOn;
}

// Before any byte of the patch: the running image is the patch's base.
// Not inlined: its digest would sit under the patch manifest's check.
__attribute__((noinline)) bool UpdateFlow::baseMatches() {
  NormalizedBase base(*runningImage_, delta_->manifest.baseSize);
  crypto_.sha256Begin();
  bool read = true;
  for (uint32_t offset = 0; read && offset < delta_->manifest.baseSize;) {
    const uint32_t left = delta_->manifest.baseSize - offset;
    const size_t length = left < kImageChunkBytes ? left : kImageChunkBytes;
    read = base.read(offset, buffer_, length);
    if (read) crypto_.sha256Update(buffer_, length);
    offset += static_cast<uint32_t>(length);
  }
  // Finished on every path: a chip's hardware SHA unit is released here.
  uint8_t digest[kSha256Length];
  crypto_.sha256Finish(digest);
  return read && memcmp(digest, delta_->manifest.baseSha256, kSha256Length) == 0;
}

// Downloads and decodes the patch into the image session: as for a full
// image, the result's last block reaches the flash only once the whole
// result hashed as signed.
__attribute__((noinline)) PatchOutcome UpdateFlow::applyPatch() {
  HttpResponse response;
  const TransportError error = transport_.get(delta_->patchUrl, nullptr, readTimeoutMs_, timeLeftMs(), response);
  if (error != TransportError::None || response.status != 200 || !response.hasContentLength ||
      response.contentLength != delta_->manifest.patch.size) {
    transport_.end();
    return PatchOutcome::Transport;
  }
  if (!flash_.begin(delta_->manifest.resultSize)) {
    transport_.end();
    return PatchOutcome::FlashError;
  }
  ImageSession session(crypto_, delta_->manifest.resultSize, delta_->manifest.resultSha256);
  PatchSink sink(session, flash_, delta_->held);
  NormalizedBase base(*runningImage_, delta_->manifest.baseSize);
  delta_->decoder.begin(base, delta_->manifest.baseSize, sink, delta_->manifest.resultSize);
  PatchOutcome outcome = feedPatch(delta_->decoder);
  transport_.end();
  const bool hashMatches = session.finish();
  if (outcome == kGoOn && !hashMatches) outcome = PatchOutcome::HashMismatch;
  if (outcome == kGoOn) {
    outcome = flash_.write(delta_->held, sink.heldLength()) && flash_.commit() ? PatchOutcome::Installed
                                                                             : PatchOutcome::FlashError;
  }
  if (outcome != PatchOutcome::Installed) flash_.abort();
  return outcome;
}

// Every byte of the patch through the decoder, which must end with the result complete.
STATIC_OTA_ONE_CALLER PatchOutcome UpdateFlow::feedPatch(DeltaDecoder& decoder) {
  for (uint32_t left = delta_->manifest.patch.size; left > 0;) {
    size_t received = 0;
    const TransportError error = readBody(buffer_, left < kImageChunkBytes ? left : kImageChunkBytes, received);
    if (error != TransportError::None) return PatchOutcome::Transport;
    left -= static_cast<uint32_t>(received);
    patchBytesReceived_ += static_cast<uint32_t>(received);
    deltaError_ = decoder.feed(buffer_, received);
    if (deltaError_ != DeltaError::None) return PatchOutcome::Decoder;
    if (progress_ != nullptr) progress_(delta_->manifest.patch.size - left, delta_->manifest.patch.size, progressContext_);
  }
  deltaError_ = decoder.finish();
  return deltaError_ == DeltaError::None ? kGoOn : PatchOutcome::Decoder;
}

}  // namespace static_ota
