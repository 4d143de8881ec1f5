#include "update_flow.h"

#include <string.h>

#include "image_session.h"
#include "text.h"
#include "url.h"
#include "version.h"

namespace static_ota {
namespace {

bool copyCString(const char* text, char* out, size_t capacity) {
  const size_t length = boundedLength(text, capacity - 1);
  if (length == 0 || length >= capacity) return false;
  memcpy(out, text, length);
  out[length] = '\0';
  return true;
}

TextSpan spanOf(const char* text) {
  TextSpan span;
  span.data = text;
  span.length = strlen(text);
  return span;
}

Result resultForManifestError(ManifestError error) {
  switch (error) {
    case ManifestError::Unsigned:
    case ManifestError::UntrustedKey:
    case ManifestError::BadSignature:
      return Result::BadSignature;
    default:
      return Result::WrongFormat;
  }
}

// Outcomes fixed by the manifest bytes alone: the same bytes would give the
// same answer, so the next poll may skip them with a conditional request.
bool decidedByManifestBytes(Result result) {
  switch (result) {
    case Result::NoUpdate:
    case Result::NotNewer:
    case Result::BadSignature:
    case Result::WrongFormat:
    case Result::WrongBoard:
    case Result::WrongChannel:
    case Result::Expired:
    case Result::TooLarge:
      return true;
    default:
      return false;
  }
}

}  // namespace

UpdateFlow::UpdateFlow(HttpTransport& transport, FlashTarget& flash, Clock& clock, CryptoBackend& crypto)
    : transport_(transport), flash_(flash), clock_(clock), crypto_(crypto) {
  manifestUrl_[0] = '\0';
  runningVersion_[0] = '\0';
  board_[0] = '\0';
  offeredVersion_[0] = '\0';
  imageUrl_[0] = '\0';
  memcpy(channel_, "stable", sizeof("stable"));
}

bool UpdateFlow::setManifestUrl(const char* url) {
  char probe[kMaxUrlLength + 1];
  const TextSpan noFile{"", 0};
  if (!imageUrlFor(url, noFile, probe, sizeof(probe))) return false;  // needs scheme://host/path
  return copyCString(url, manifestUrl_, sizeof(manifestUrl_));
}

bool UpdateFlow::addTrustedKey(const uint8_t publicKey[kPublicKeyLength]) {
  return trustedKeys_.add(publicKey, crypto_);
}

bool UpdateFlow::setRunningVersion(const char* version) {
  const size_t length = boundedLength(version, kMaxVersionLength);
  if (!isValidVersion(TextSpan{version, length})) return false;
  return copyCString(version, runningVersion_, sizeof(runningVersion_));
}

bool UpdateFlow::setBoard(const char* board) { return copyCString(board, board_, sizeof(board_)); }

bool UpdateFlow::setChannel(const char* channel) { return copyCString(channel, channel_, sizeof(channel_)); }

void UpdateFlow::setTimeouts(uint32_t readTimeoutMs, uint32_t updateTimeoutMs) {
  readTimeoutMs_ = readTimeoutMs;
  updateTimeoutMs_ = updateTimeoutMs;
}

void UpdateFlow::onProgress(ProgressCallback callback, void* context) {
  progress_ = callback;
  progressContext_ = context;
}

Result UpdateFlow::check() { return poll(); }

Result UpdateFlow::update() {
  const Result offer = poll();
  return offer == Result::UpdateAvailable ? install() : offer;
}

bool UpdateFlow::timeIsUp() const { return clock_.millis() - startedAtMs_ > updateTimeoutMs_; }

Result UpdateFlow::failTransport(TransportError error) {
  transportError_ = error;
  transport_.end();
  return error == TransportError::Timeout ? Result::Timeout : Result::Network;
}

bool UpdateFlow::loadHighestAccepted(char (&highest)[kMaxVersionLength + 1], TextSpan& version) {
  if (versionStore_ == nullptr || !versionStore_->load(highest, sizeof(highest))) return false;
  version = TextSpan{highest, boundedLength(highest, kMaxVersionLength)};
  return isValidVersion(version);  // an unreadable record is treated as none
}

void UpdateFlow::recordRunningVersion() {
  // The running image was accepted once, so it counts as accepted.
  char highest[kMaxVersionLength + 1];
  TextSpan highestSpan;
  if (!loadHighestAccepted(highest, highestSpan) || compareVersions(spanOf(runningVersion_), highestSpan) > 0) {
    versionStore_->save(runningVersion_);
  }
}

Result UpdateFlow::poll() {
  manifestError_ = ManifestError::None;
  transportError_ = TransportError::None;
  httpStatus_ = 0;
  offeredVersion_[0] = '\0';
  imageBytesReceived_ = 0;
  startedAtMs_ = clock_.millis();
  if (manifestUrl_[0] == '\0' || trustedKeys_.count() == 0 || runningVersion_[0] == '\0' || board_[0] == '\0') {
    return Result::ConfigError;
  }
  if (versionStore_ != nullptr) recordRunningVersion();

  size_t length = 0;
  HttpValidators validators;
  Result result = readManifest(length, validators);
  if (result != Result::UpdateAvailable) return result;
  result = evaluateManifest(length);
  if (decidedByManifestBytes(result)) {
    lastPoll_ = validators;
  } else {
    lastPoll_.clear();  // an offer or a failure is looked at again next time
  }
  return result;
}

// UpdateAvailable here means "a manifest body of length bytes is in buffer_".
Result UpdateFlow::readManifest(size_t& length, HttpValidators& validators) {
  HttpResponse response;
  const TransportError error =
      transport_.get(manifestUrl_, lastPoll_.empty() ? nullptr : &lastPoll_, readTimeoutMs_, response);
  if (error != TransportError::None) return failTransport(error);
  httpStatus_ = response.status;
  if (response.status == 304) {
    transport_.end();
    return Result::NoUpdate;
  }
  if (response.status != 200) {
    transport_.end();
    return Result::HttpStatus;
  }
  if (response.hasContentLength && response.contentLength > kMaxManifestBytes) {
    transport_.end();
    manifestError_ = ManifestError::TooLarge;
    return Result::WrongFormat;
  }
  length = 0;
  while (true) {
    if (timeIsUp()) return failTransport(TransportError::Timeout);
    size_t received = 0;
    if (length == kMaxManifestBytes) {
      // Full: one more byte means the manifest is too large.
      uint8_t probe;
      const TransportError probeError = transport_.read(&probe, 1, readTimeoutMs_, received);
      if (probeError == TransportError::Closed) break;
      if (probeError != TransportError::None) return failTransport(probeError);
      transport_.end();
      manifestError_ = ManifestError::TooLarge;
      return Result::WrongFormat;
    }
    const TransportError readError =
        transport_.read(buffer_ + length, kMaxManifestBytes - length, readTimeoutMs_, received);
    if (readError == TransportError::Closed) break;
    if (readError != TransportError::None) return failTransport(readError);
    length += received;
  }
  transport_.end();
  validators = response.validators;
  return Result::UpdateAvailable;
}

Result UpdateFlow::evaluateManifest(size_t length) {
  FramedManifest framed;
  manifestError_ = frameManifest(buffer_, length, framed);
  if (manifestError_ != ManifestError::None) return Result::WrongFormat;
  copyToCString(framed.version, offeredVersion_, sizeof(offeredVersion_));

  // Before any cryptography: equal is "up to date", lower is a rollback attempt.
  const int order = compareVersions(framed.version, spanOf(runningVersion_));
  if (order == 0) return Result::NoUpdate;
  if (order < 0) return Result::NotNewer;
  char highest[kMaxVersionLength + 1];
  TextSpan highestSpan;
  if (loadHighestAccepted(highest, highestSpan) && compareVersions(framed.version, highestSpan) <= 0) {
    return Result::NotNewer;
  }

  Manifest manifest;
  manifestError_ = openManifest(framed, trustedKeys_, crypto_, manifest);
  if (manifestError_ != ManifestError::None) return resultForManifestError(manifestError_);
  if (!manifest.board.equalsCString(board_)) return Result::WrongBoard;
  if (!manifest.channel.equalsCString(channel_)) return Result::WrongChannel;
  uint32_t now = 0;
  if (manifest.hasExpires && clock_.unixTime(now) && now > manifest.expires) return Result::Expired;
  if (manifest.size > flash_.maxImageSize()) return Result::TooLarge;
  if (!imageUrlFor(manifestUrl_, manifest.file, imageUrl_, sizeof(imageUrl_))) return Result::ConfigError;
  imageSize_ = manifest.size;
  memcpy(imageSha256_, manifest.sha256, kSha256Length);
  return Result::UpdateAvailable;
}

Result UpdateFlow::install() {
  HttpResponse response;
  const TransportError error = transport_.get(imageUrl_, nullptr, readTimeoutMs_, response);
  if (error != TransportError::None) return failTransport(error);
  httpStatus_ = response.status;
  if (response.status != 200) {
    transport_.end();
    return Result::HttpStatus;
  }
  // Without a matching Content-Length the image could not be bounded up front.
  if (!response.hasContentLength || response.contentLength != imageSize_) {
    transport_.end();
    return Result::SizeMismatch;
  }
  if (!flash_.begin(imageSize_)) {
    transport_.end();
    return Result::FlashError;
  }

  ImageSession session(crypto_, imageSize_, imageSha256_);
  size_t chunkLength = 0;
  while (!session.complete()) {
    TransportError readError = TransportError::None;
    if (timeIsUp()) {
      readError = TransportError::Timeout;
    } else {
      const size_t wanted = session.remaining() < sizeof(buffer_) ? session.remaining() : sizeof(buffer_);
      readError = transport_.read(buffer_, wanted, readTimeoutMs_, chunkLength);
    }
    if (readError != TransportError::None) {
      flash_.abort();
      imageBytesReceived_ = session.received();
      return failTransport(readError);
    }
    if (!session.append(buffer_, chunkLength)) {
      flash_.abort();
      transport_.end();
      return Result::SizeMismatch;
    }
    imageBytesReceived_ = session.received();
    // The last chunk is held back until the hash matched: an image whose
    // last bytes never reached the flash can never be committed.
    if (!session.complete() && !flash_.write(buffer_, chunkLength)) {
      flash_.abort();
      transport_.end();
      return Result::FlashError;
    }
    if (progress_ != nullptr) progress_(session.received(), imageSize_, progressContext_);
  }
  transport_.end();

  if (session.finish() != ImageCheck::Match) {
    flash_.abort();
    return Result::HashMismatch;
  }
  if (!flash_.write(buffer_, chunkLength) || !flash_.commit()) {
    flash_.abort();
    return Result::FlashError;
  }
  if (versionStore_ != nullptr) versionStore_->save(offeredVersion_);
  lastPoll_.clear();
  return Result::Updated;
}

}  // namespace static_ota
