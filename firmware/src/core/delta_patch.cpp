#include "delta_patch.h"

#include <string.h>

namespace static_ota {

namespace {

constexpr uint8_t kSequentialHeatshrink = 0x04;  // patch type 0 (sequential), compression 4 (heatshrink)
constexpr uint8_t kMinWindowBits = 4;
constexpr uint8_t kMinLookaheadBits = 3;
constexpr uint8_t kMaxSizeBytes = 4;  // detools' limit: 6 + 3 * 7 = 27 bits

}  // namespace

const char* deltaErrorCode(DeltaError error) {
  switch (error) {
    case DeltaError::None: return "ok";
    case DeltaError::BadHeader: return "bad_header";
    case DeltaError::BadHeatshrink: return "bad_heatshrink";
    case DeltaError::BadSize: return "bad_size";
    case DeltaError::ResultSize: return "result_size";
    case DeltaError::BadDataFormat: return "bad_data_format";
    case DeltaError::PastBase: return "past_base";
    case DeltaError::PastResult: return "past_result";
    case DeltaError::Truncated: return "truncated";
    case DeltaError::TrailingData: return "trailing_data";
    case DeltaError::BaseRead: return "base_read";
    case DeltaError::SinkWrite: return "sink_write";
  }
  return "unknown";
}

DeltaDecoder::DeltaDecoder(DeltaBase& base, uint32_t baseSize, DeltaSink& sink, uint32_t expectedResultSize) {
  begin(base, baseSize, sink, expectedResultSize);
}

void DeltaDecoder::begin(DeltaBase& base, uint32_t baseSize, DeltaSink& sink, uint32_t expectedResultSize) {
  base_ = &base;
  sink_ = &sink;
  baseSize_ = baseSize;
  expectedResultSize_ = expectedResultSize;
  resultSize_ = 0;
  produced_ = 0;
  basePosition_ = 0;
  dataLeft_ = 0;
  size_.reset();
  stage_ = Stage::PatchType;
  field_ = Field::DataFormatSize;
  symbol_ = Symbol::Tag;
  error_ = DeltaError::None;
  windowBits_ = 0;
  lookaheadBits_ = 0;
  bitCount_ = 0;
  bits_ = 0;
  head_ = 0;
  distance_ = 0;
  baseFill_ = 0;
  baseUsed_ = 0;
  outFill_ = 0;
  // heatshrink reads a reference to before the stream's start as zeros.
  memset(window_, 0, sizeof(window_));
}

// A detools size: bit 7 "more", bit 6 "negative" and 6 value bits, then 7 bits a byte.
DeltaDecoder::SizeStep DeltaDecoder::SizeReader::add(uint8_t byte, bool allowNegative) {
  if (bytes == 0) {
    negative = (byte & 0x40) != 0;
    if (negative && !allowNegative) return SizeStep::Bad;
    value = byte & 0x3fu;
  } else {
    value |= static_cast<uint32_t>(byte & 0x7f) << (6 + 7 * (bytes - 1));
  }
  ++bytes;
  if ((byte & 0x80) == 0) return SizeStep::Complete;
  return bytes == kMaxSizeBytes ? SizeStep::Bad : SizeStep::More;
}

DeltaError DeltaDecoder::fail(DeltaError error) {
  stage_ = Stage::Failed;
  error_ = error;
  return error;
}

DeltaError DeltaDecoder::feed(const uint8_t* data, size_t length) {
  for (size_t i = 0; i < length; ++i) {
    DeltaError error = DeltaError::None;
    switch (stage_) {
      case Stage::Failed: return error_;
      case Stage::Done: return fail(DeltaError::TrailingData);
      case Stage::Body: error = bodyByte(data[i]); break;
      default: error = headerByte(data[i]); break;
    }
    if (error != DeltaError::None) return fail(error);
  }
  return error_;
}

DeltaError DeltaDecoder::finish() {
  if (stage_ == Stage::Failed || stage_ == Stage::Done) return error_;
  return fail(DeltaError::Truncated);
}

// The bytes before the compressed body: patch type, result size, heatshrink parameters.
DeltaError DeltaDecoder::headerByte(uint8_t byte) {
  if (stage_ == Stage::PatchType) {
    if (byte != kSequentialHeatshrink) return DeltaError::BadHeader;
    stage_ = Stage::ResultSize;
    return DeltaError::None;
  }
  if (stage_ == Stage::ResultSize) {
    const SizeStep step = size_.add(byte, false);
    if (step == SizeStep::Bad) return DeltaError::BadSize;
    if (step == SizeStep::More) return DeltaError::None;
    resultSize_ = size_.value;
    size_.reset();
    if (resultSize_ != expectedResultSize_) return DeltaError::ResultSize;
    // detools writes nothing after the size of an empty result.
    stage_ = resultSize_ == 0 ? Stage::Done : Stage::HeatshrinkHeader;
    return DeltaError::None;
  }
  windowBits_ = static_cast<uint8_t>((byte >> 4) + 4);
  lookaheadBits_ = static_cast<uint8_t>((byte & 0x0f) + 3);
  if (windowBits_ < kMinWindowBits || windowBits_ > kDeltaMaxWindowBits || lookaheadBits_ < kMinLookaheadBits ||
      lookaheadBits_ >= windowBits_) {
    return DeltaError::BadHeatshrink;
  }
  stage_ = Stage::Body;
  return DeltaError::None;
}

// heatshrink, MSB first: 1 + 8 bits is a literal; 0 + window bits (distance - 1)
// + lookahead bits (count - 1) repeats earlier output. At most 18 bits wait
// here: fewer than a symbol's 11 before each byte, plus its 8.
DeltaError DeltaDecoder::bodyByte(uint8_t byte) {
  bits_ = ((bits_ << 8) | byte) & 0x00ffffffu;
  bitCount_ = static_cast<uint8_t>(bitCount_ + 8);
  for (;;) {
    uint8_t need = 1;
    if (symbol_ == Symbol::Literal) need = 8;
    if (symbol_ == Symbol::Index) need = windowBits_;
    if (symbol_ == Symbol::Count) need = lookaheadBits_;
    if (bitCount_ < need) return DeltaError::None;
    bitCount_ = static_cast<uint8_t>(bitCount_ - need);
    const uint32_t value = (bits_ >> bitCount_) & ((1u << need) - 1);
    DeltaError error = DeltaError::None;
    switch (symbol_) {
      case Symbol::Tag: symbol_ = value != 0 ? Symbol::Literal : Symbol::Index; break;
      case Symbol::Literal:
        window_[head_ & ((1u << windowBits_) - 1)] = static_cast<uint8_t>(value);
        head_ = static_cast<uint16_t>(head_ + 1);
        symbol_ = Symbol::Tag;
        error = emit(static_cast<uint8_t>(value));
        break;
      case Symbol::Index:
        distance_ = static_cast<uint16_t>(value + 1);
        symbol_ = Symbol::Count;
        break;
      case Symbol::Count:
        symbol_ = Symbol::Tag;
        for (uint32_t left = value + 1; left > 0 && error == DeltaError::None; --left) error = copyBackReference();
        break;
    }
    if (error != DeltaError::None) return error;
    if (stage_ == Stage::Done) {
      // Only the zero padding of the last byte may follow the result.
      return (bits_ & ((1u << bitCount_) - 1)) == 0 ? DeltaError::None : DeltaError::TrailingData;
    }
  }
}

DeltaError DeltaDecoder::copyBackReference() {
  // Output after the result is complete is data after it.
  if (stage_ == Stage::Done) return DeltaError::TrailingData;
  const uint32_t mask = (1u << windowBits_) - 1;
  const uint8_t byte = window_[static_cast<uint16_t>(head_ - distance_) & mask];
  window_[head_ & mask] = byte;
  head_ = static_cast<uint16_t>(head_ + 1);
  return emit(byte);
}

// One byte of the decompressed body, in detools' order: data-format size,
// then chunks of diff size, diff bytes, extra size, extra bytes, adjustment.
DeltaError DeltaDecoder::emit(uint8_t byte) {
  switch (field_) {
    case Field::DiffData: return diffByte(byte);
    case Field::ExtraData:
      if (--dataLeft_ == 0) field_ = Field::Adjustment;
      return put(byte);
    default: {
      const SizeStep step = size_.add(byte, field_ == Field::Adjustment || field_ == Field::DataFormatSize);
      if (step == SizeStep::Bad) return DeltaError::BadSize;
      return step == SizeStep::More ? DeltaError::None : sizeComplete();
    }
  }
}

DeltaError DeltaDecoder::sizeComplete() {
  const uint32_t value = size_.value;
  const bool negative = size_.negative;
  size_.reset();
  switch (field_) {
    case Field::DataFormatSize:
      if (value != 0) return DeltaError::BadDataFormat;
      field_ = Field::DiffSize;
      return DeltaError::None;
    case Field::DiffSize:
      if (value > resultSize_ - produced_) return DeltaError::PastResult;
      if (value > baseSize_ - basePosition_) return DeltaError::PastBase;
      dataLeft_ = value;
      field_ = value != 0 ? Field::DiffData : Field::ExtraSize;
      return DeltaError::None;
    case Field::ExtraSize:
      if (value > resultSize_ - produced_) return DeltaError::PastResult;
      dataLeft_ = value;
      field_ = value != 0 ? Field::ExtraData : Field::Adjustment;
      return DeltaError::None;
    default:  // Field::Adjustment
      if (negative ? value > basePosition_ : value > baseSize_ - basePosition_) return DeltaError::PastBase;
      basePosition_ = negative ? basePosition_ - value : basePosition_ + value;
      if (produced_ == resultSize_) return finishResult();
      field_ = Field::DiffSize;
      return DeltaError::None;
  }
}

// A diff byte is added to the base byte under the cursor, read a block ahead
// (never past the current diff, which was checked to lie within the base).
DeltaError DeltaDecoder::diffByte(uint8_t byte) {
  if (baseUsed_ == baseFill_) {
    const uint32_t want = dataLeft_ < kDeltaBlockBytes ? dataLeft_ : static_cast<uint32_t>(kDeltaBlockBytes);
    if (!base_->read(basePosition_, baseBlock_, want)) return DeltaError::BaseRead;
    baseFill_ = static_cast<uint8_t>(want);
    baseUsed_ = 0;
  }
  const uint8_t result = static_cast<uint8_t>(byte + baseBlock_[baseUsed_++]);
  ++basePosition_;
  if (--dataLeft_ == 0) field_ = Field::ExtraSize;
  return put(result);
}

DeltaError DeltaDecoder::put(uint8_t byte) {
  outBlock_[outFill_++] = byte;
  ++produced_;
  return outFill_ == kDeltaBlockBytes ? flush() : DeltaError::None;
}

DeltaError DeltaDecoder::finishResult() {
  stage_ = Stage::Done;
  return flush();
}

DeltaError DeltaDecoder::flush() {
  if (outFill_ == 0) return DeltaError::None;
  const size_t length = outFill_;
  outFill_ = 0;
  return sink_->write(outBlock_, length) ? DeltaError::None : DeltaError::SinkWrite;
}

}  // namespace static_ota
