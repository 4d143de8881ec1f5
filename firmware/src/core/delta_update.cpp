#include "delta_update.h"

#include <string.h>

namespace static_ota {

bool NormalizedBase::read(uint32_t offset, uint8_t* buffer, size_t length) {
  if (offset > size_ || length > size_ - offset || !image_.read(offset, buffer, length)) return false;
  for (uint32_t at = kNormalizedHeaderStart; at < kNormalizedHeaderEnd; ++at) {
    if (at >= offset && at - offset < length) buffer[at - offset] = 0;
  }
  return true;
}

bool PatchSink::write(const uint8_t* data, size_t length) {
  if (!session_.append(data, length)) return false;
  if (!session_.complete()) return flash_.write(data, length);
  // The decoder writes at most kDeltaBlockBytes at a time.
  if (length > kDeltaBlockBytes) return false;
  memcpy(held_, data, length);
  heldLength_ = length;
  return true;
}

const char* patchOutcomeCode(PatchOutcome outcome) {
  switch (outcome) {
    case PatchOutcome::NotTried: return "not_tried";
    case PatchOutcome::NoPatch: return "no_patch";
    case PatchOutcome::BadManifest: return "bad_manifest";
    case PatchOutcome::Mismatch: return "mismatch";
    case PatchOutcome::BaseMismatch: return "base_mismatch";
    case PatchOutcome::Transport: return "transport";
    case PatchOutcome::Decoder: return "decoder";
    case PatchOutcome::HashMismatch: return "hash_mismatch";
    case PatchOutcome::FlashError: return "flash_error";
    case PatchOutcome::Installed: return "installed";
  }
  return "unknown";
}

}  // namespace static_ota
