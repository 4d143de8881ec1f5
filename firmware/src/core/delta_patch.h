// Streaming decoder of delta patches (docs/delta.md): detools' "sequential"
// layout compressed with heatshrink. It reads the running image (the base)
// through DeltaBase, writes the new image through DeltaSink, and takes the
// patch in chunks of any size as they arrive over HTTP. Fixed buffers only:
// the heatshrink window and every other byte of state live in the object.
// Every size in the patch is checked against the base and the result before
// use; a malformed patch ends with an error, never a read or write outside
// the base, the result or the object's buffers.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace static_ota {

// Largest heatshrink window accepted: 2^11 bytes of RAM (our encoder's default).
constexpr uint8_t kDeltaMaxWindowBits = 11;
// Base bytes read ahead and result bytes gathered before each sink write.
constexpr size_t kDeltaBlockBytes = 64;

// The running image, read at offsets below the base size given to the decoder.
class DeltaBase {
 public:
  virtual bool read(uint32_t offset, uint8_t* buffer, size_t length) = 0;

 protected:
  ~DeltaBase() = default;  // never deleted through the interface: no heap
};

// Receives the new image in order, in blocks of at most kDeltaBlockBytes.
class DeltaSink {
 public:
  virtual bool write(const uint8_t* data, size_t length) = 0;

 protected:
  ~DeltaSink() = default;
};

enum class DeltaError : uint8_t {
  None,
  BadHeader,       // not a sequential heatshrink patch
  BadHeatshrink,   // window or lookahead outside what this decoder holds
  BadSize,         // a size over four bytes, or negative where it cannot be
  ResultSize,      // the patch builds another size than the signed one
  BadDataFormat,   // a detools data-format section (not used by our encoder)
  PastBase,        // reads or moves outside the base
  PastResult,      // writes past the result's size
  Truncated,       // the patch ended before the result was complete
  TrailingData,    // bytes (or non-zero padding) after the result was complete
  BaseRead,        // DeltaBase::read failed
  SinkWrite,       // DeltaSink::write failed
};

const char* deltaErrorCode(DeltaError error);

class DeltaDecoder {
 public:
  DeltaDecoder(DeltaBase& base, uint32_t baseSize, DeltaSink& sink, uint32_t expectedResultSize);
  // Not ready until begin(): for a decoder kept in static storage (DeltaWorkspace).
  DeltaDecoder() = default;
  // Starts over, for another patch.
  void begin(DeltaBase& base, uint32_t baseSize, DeltaSink& sink, uint32_t expectedResultSize);

  // Takes the next bytes of the patch. After an error, returns it again.
  DeltaError feed(const uint8_t* data, size_t length);
  // The patch has ended: None only if the whole result was written.
  DeltaError finish();

  bool complete() const { return stage_ == Stage::Done; }
  uint32_t produced() const { return produced_; }

 private:
  enum class Stage : uint8_t { PatchType, ResultSize, HeatshrinkHeader, Body, Done, Failed };
  enum class Symbol : uint8_t { Tag, Literal, Index, Count };
  enum class Field : uint8_t { DataFormatSize, DiffSize, DiffData, ExtraSize, ExtraData, Adjustment };
  enum class SizeStep : uint8_t { More, Complete, Bad };

  struct SizeReader {
    uint32_t value;
    uint8_t bytes;
    bool negative;
    void reset() {
      value = 0;
      bytes = 0;
      negative = false;
    }
    SizeStep add(uint8_t byte, bool allowNegative);
  };

  DeltaError fail(DeltaError error);
  DeltaError headerByte(uint8_t byte);
  DeltaError bodyByte(uint8_t byte);
  DeltaError copyBackReference();
  DeltaError emit(uint8_t byte);
  DeltaError sizeComplete();
  DeltaError diffByte(uint8_t byte);
  DeltaError put(uint8_t byte);
  DeltaError finishResult();
  DeltaError flush();

  DeltaBase* base_ = nullptr;
  DeltaSink* sink_ = nullptr;
  uint32_t baseSize_ = 0;
  uint32_t expectedResultSize_ = 0;
  uint32_t resultSize_ = 0;
  uint32_t produced_ = 0;
  uint32_t basePosition_ = 0;
  uint32_t dataLeft_ = 0;  // bytes left of the current diff or extra data
  SizeReader size_{};
  Stage stage_ = Stage::PatchType;
  Field field_ = Field::DataFormatSize;
  Symbol symbol_ = Symbol::Tag;
  DeltaError error_ = DeltaError::None;
  uint8_t windowBits_ = 0;
  uint8_t lookaheadBits_ = 0;
  uint8_t bitCount_ = 0;
  uint32_t bits_ = 0;  // unread bits of the patch, the oldest first
  uint16_t head_ = 0;  // next window position (modulo the window)
  uint16_t distance_ = 0;
  uint8_t baseFill_ = 0;
  uint8_t baseUsed_ = 0;
  uint8_t outFill_ = 0;
  uint8_t baseBlock_[kDeltaBlockBytes];
  uint8_t outBlock_[kDeltaBlockBytes];
  uint8_t window_[1u << kDeltaMaxWindowBits];
};

}  // namespace static_ota
