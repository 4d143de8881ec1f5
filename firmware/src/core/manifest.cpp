#include "manifest.h"

#include <string.h>

#include "ed25519_strict.h"
#include "version.h"

namespace static_ota {
namespace {

constexpr char kFormat[] = "static-ota/1";
constexpr char kSigPrefix[] = "sig=";
constexpr size_t kSigPrefixLength = 4;
// sig=<8 hex>:<128 hex>
constexpr size_t kSigLineLength = kSigPrefixLength + 2 * kKeyIdLength + 1 + 2 * kSignatureLength;

// Iterates the LF-terminated lines of text[begin, end); the last byte is an LF.
class LineCursor {
 public:
  LineCursor(const char* text, size_t begin, size_t end) : text_(text), position_(begin), end_(end) {}

  size_t position() const { return position_; }

  bool next(TextSpan& line) {
    if (position_ >= end_) return false;
    const void* newline = memchr(text_ + position_, '\n', end_ - position_);
    const size_t lineEnd = static_cast<size_t>(static_cast<const char*>(newline) - text_);
    line.data = text_ + position_;
    line.length = lineEnd - position_;
    position_ = lineEnd + 1;
    return true;
  }

 private:
  const char* text_;
  size_t position_;
  size_t end_;
};

bool isSignatureLine(const TextSpan& line) { return line.startsWith(kSigPrefix, kSigPrefixLength); }

bool isWellFormedSignatureLine(const TextSpan& line) {
  if (line.length != kSigLineLength) return false;
  const char* keyId = line.data + kSigPrefixLength;
  const char* colon = keyId + 2 * kKeyIdLength;
  if (*colon != ':') return false;
  for (size_t i = 0; i < 2 * kKeyIdLength; ++i) {
    if (!isLowerHexDigit(keyId[i])) return false;
  }
  for (size_t i = 1; i <= 2 * kSignatureLength; ++i) {
    if (!isLowerHexDigit(colon[i])) return false;
  }
  return true;
}

bool isKeyChar(char c) { return (c >= 'a' && c <= 'z') || isDigit(c) || c == '_' || c == '-'; }
bool isUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool isLower(char c) { return c >= 'a' && c <= 'z'; }

struct Field {
  TextSpan key;
  TextSpan value;
};

// Step 11 for one line: key=value with a valid key and a non-empty value.
bool splitField(const TextSpan& line, Field& field) {
  const void* equals = memchr(line.data, '=', line.length);
  if (equals == nullptr) return false;
  const size_t keyLength = static_cast<size_t>(static_cast<const char*>(equals) - line.data);
  if (keyLength == 0 || keyLength + 1 == line.length) return false;
  for (size_t i = 0; i < keyLength; ++i) {
    if (!isKeyChar(line.data[i])) return false;
  }
  field.key = TextSpan{line.data, keyLength};
  field.value = TextSpan{line.data + keyLength + 1, line.length - keyLength - 1};
  return true;
}

// [A-Za-z0-9_.-] with the first character not '.', for board and file names.
bool isValidName(const TextSpan& name, size_t maxLength) {
  if (name.length == 0 || name.length > maxLength || name.data[0] == '.') return false;
  for (size_t i = 0; i < name.length; ++i) {
    const char c = name.data[i];
    if (!(isLower(c) || isUpper(c) || isDigit(c) || c == '_' || c == '.' || c == '-')) return false;
  }
  return true;
}

bool isValidChannel(const TextSpan& channel) {
  if (channel.length == 0 || channel.length > kMaxChannelLength || channel.data[0] == '-') return false;
  for (size_t i = 0; i < channel.length; ++i) {
    const char c = channel.data[i];
    if (!(isLower(c) || isDigit(c) || c == '-')) return false;
  }
  return true;
}

// Steps 5-10: the signature lines, then one strict signature from a trusted key.
ManifestError checkSignatures(const FramedManifest& framed, size_t signedLength, const TrustedKeys& trustedKeys,
                              CryptoBackend& crypto, size_t& verifiedKeyIndex) {
  TextSpan line;
  LineCursor signatureLines(framed.text, signedLength, framed.length);
  size_t signatureCount = 0;
  while (signatureLines.next(line)) {
    if (!isSignatureLine(line)) return ManifestError::TrailingData;
  }
  signatureLines = LineCursor(framed.text, signedLength, framed.length);
  while (signatureLines.next(line)) {
    if (!isWellFormedSignatureLine(line)) return ManifestError::BadSigLine;
    ++signatureCount;
  }
  if (signatureCount > kMaxSignatures) return ManifestError::TooManySignatures;

  const uint8_t* message = reinterpret_cast<const uint8_t*>(framed.text);
  bool sawTrustedKeyId = false;
  signatureLines = LineCursor(framed.text, signedLength, framed.length);
  while (signatureLines.next(line)) {
    uint8_t keyId[kKeyIdLength];
    decodeLowerHex(line.data + kSigPrefixLength, kKeyIdLength, keyId);
    for (size_t k = 0; k < trustedKeys.count(); ++k) {
      const TrustedKey& key = trustedKeys.at(k);
      if (memcmp(key.keyId, keyId, kKeyIdLength) != 0) continue;
      sawTrustedKeyId = true;
      uint8_t signature[kSignatureLength];
      decodeLowerHex(line.data + kSigPrefixLength + 2 * kKeyIdLength + 1, kSignatureLength, signature);
      if (verifyStrict(crypto, signature, key.publicKey, message, signedLength)) {
        verifiedKeyIndex = k;
        return ManifestError::None;
      }
    }
  }
  return sawTrustedKeyId ? ManifestError::BadSignature : ManifestError::UntrustedKey;
}

// The fields this version reads, in the order step 13 requires them.
enum FieldIndex { kFormatField, kBoardField, kChannelField, kFileField, kSizeField, kSha256Field, kExpiresField, kFieldCount };
constexpr size_t kRequiredFieldCount = kExpiresField;
const char* const kFieldNames[kFieldCount] = {"format", "board", "channel", "file", "size", "sha256", "expires"};

struct KnownFields {
  TextSpan values[kFieldCount];
  bool present[kFieldCount] = {};
};

// Steps 11-13 over the field lines text[begin, end), collecting the known fields.
ManifestError readFieldLines(const char* text, size_t begin, size_t end, KnownFields& known) {
  LineCursor lines(text, begin, end);
  TextSpan line;
  Field field;
  while (lines.next(line)) {
    if (!splitField(line, field)) return ManifestError::BadLine;
  }
  lines = LineCursor(text, begin, end);
  while (lines.next(line)) {
    splitField(line, field);
    const size_t lineStart = static_cast<size_t>(line.data - text);
    LineCursor earlier(text, begin, lineStart);
    TextSpan earlierLine;
    Field earlierField;
    while (earlier.next(earlierLine)) {
      splitField(earlierLine, earlierField);
      if (earlierField.key.equals(field.key)) return ManifestError::DuplicateField;
    }
    for (size_t i = 0; i < kFieldCount; ++i) {
      if (field.key.equalsCString(kFieldNames[i])) {
        known.values[i] = field.value;
        known.present[i] = true;
      }
    }
  }
  for (size_t i = 0; i < kRequiredFieldCount; ++i) {
    if (!known.present[i]) return ManifestError::MissingField;
  }
  return ManifestError::None;
}

}  // namespace

const char* manifestErrorCode(ManifestError error) {
  switch (error) {
    case ManifestError::None: return "ok";
    case ManifestError::Empty: return "empty";
    case ManifestError::TooLarge: return "too_large";
    case ManifestError::Crlf: return "crlf";
    case ManifestError::BadChar: return "bad_char";
    case ManifestError::MissingNewline: return "missing_newline";
    case ManifestError::BadVersion: return "bad_version";
    case ManifestError::Unsigned: return "unsigned";
    case ManifestError::TrailingData: return "trailing_data";
    case ManifestError::BadSigLine: return "bad_sig_line";
    case ManifestError::TooManySignatures: return "too_many_signatures";
    case ManifestError::UntrustedKey: return "untrusted_key";
    case ManifestError::BadSignature: return "bad_signature";
    case ManifestError::BadLine: return "bad_line";
    case ManifestError::DuplicateField: return "duplicate_field";
    case ManifestError::MissingField: return "missing_field";
    case ManifestError::BadFormat: return "bad_format";
    case ManifestError::BadBoard: return "bad_board";
    case ManifestError::BadChannel: return "bad_channel";
    case ManifestError::BadFile: return "bad_file";
    case ManifestError::BadSize: return "bad_size";
    case ManifestError::BadSha256: return "bad_sha256";
    case ManifestError::BadExpires: return "bad_expires";
  }
  return "unknown";
}

bool TrustedKeys::add(const uint8_t publicKey[kPublicKeyLength], CryptoBackend& crypto) {
  if (count_ >= kMaxTrustedKeys || !isAcceptablePublicKey(publicKey)) return false;
  TrustedKey& key = keys_[count_];
  memcpy(key.publicKey, publicKey, kPublicKeyLength);
  uint8_t digest[kSha256Length];
  crypto.sha256Begin();
  crypto.sha256Update(publicKey, kPublicKeyLength);
  crypto.sha256Finish(digest);
  memcpy(key.keyId, digest, kKeyIdLength);
  ++count_;
  return true;
}

ManifestError frameManifest(const uint8_t* bytes, size_t length, FramedManifest& framed) {
  if (length == 0) return ManifestError::Empty;
  if (length > kMaxManifestBytes) return ManifestError::TooLarge;
  for (size_t i = 0; i < length; ++i) {
    const uint8_t byte = bytes[i];
    if (byte == '\r') return ManifestError::Crlf;
    if (byte != '\n' && (byte < 0x20 || byte > 0x7e)) return ManifestError::BadChar;
  }
  if (bytes[length - 1] != '\n') return ManifestError::MissingNewline;
  framed.text = reinterpret_cast<const char*>(bytes);
  framed.length = length;
  LineCursor lines(framed.text, 0, length);
  lines.next(framed.version);
  if (!isValidVersion(framed.version)) return ManifestError::BadVersion;
  return ManifestError::None;
}

ManifestError openManifest(const FramedManifest& framed, const TrustedKeys& trustedKeys, CryptoBackend& crypto,
                           Manifest& manifest) {
  LineCursor lines(framed.text, 0, framed.length);
  TextSpan line;
  lines.next(line);  // the version line
  const size_t fieldsBegin = lines.position();
  size_t signedLength = 0;
  bool signedPartEnded = false;
  while (!signedPartEnded) {
    const size_t lineStart = lines.position();
    if (!lines.next(line)) return ManifestError::Unsigned;
    if (isSignatureLine(line)) {
      signedLength = lineStart;
      signedPartEnded = true;
    }
  }

  size_t verifiedKeyIndex = 0;
  ManifestError error = checkSignatures(framed, signedLength, trustedKeys, crypto, verifiedKeyIndex);
  if (error != ManifestError::None) return error;

  // Only now, with the bytes authenticated, are the fields read.
  KnownFields fields;
  error = readFieldLines(framed.text, fieldsBegin, signedLength, fields);
  if (error != ManifestError::None) return error;
  manifest.board = fields.values[kBoardField];
  manifest.channel = fields.values[kChannelField];
  manifest.file = fields.values[kFileField];
  manifest.hasExpires = fields.present[kExpiresField];
  const TextSpan& sha256 = fields.values[kSha256Field];

  if (!fields.values[kFormatField].equals(kFormat, sizeof(kFormat) - 1)) return ManifestError::BadFormat;
  if (!isValidName(manifest.board, kMaxBoardLength)) return ManifestError::BadBoard;
  if (!isValidChannel(manifest.channel)) return ManifestError::BadChannel;
  if (!isValidName(manifest.file, kMaxFileLength)) return ManifestError::BadFile;
  if (!parseDecimalUint32(fields.values[kSizeField], manifest.size) || manifest.size == 0) return ManifestError::BadSize;
  if (sha256.length != 2 * kSha256Length || !decodeLowerHex(sha256.data, kSha256Length, manifest.sha256)) {
    return ManifestError::BadSha256;
  }
  if (manifest.hasExpires && !parseDecimalUint32(fields.values[kExpiresField], manifest.expires)) return ManifestError::BadExpires;
  manifest.version = framed.version;
  manifest.signedLength = signedLength;
  manifest.verifiedKeyIndex = verifiedKeyIndex;
  return ManifestError::None;
}

}  // namespace static_ota
