#include "manifest.h"

#include <string.h>

#include "ed25519_strict.h"
#include "version.h"

namespace static_ota {
namespace {

constexpr char kFormat[] = "static-ota/1";
constexpr char kSigPrefix[] = "sig=";
constexpr size_t kSigPrefixLength = sizeof(kSigPrefix) - 1;
constexpr size_t kKeyIdHexLength = 2 * kKeyIdLength;
// sig=<8 hex>:<128 hex>
constexpr size_t kSigLineLength = kSigPrefixLength + kKeyIdHexLength + 1 + 2 * kSignatureLength;

constexpr uint8_t kKeyChars = kLower | kDigit | kUnderscore | kDash;                // [a-z0-9_-]
constexpr uint8_t kNameChars = kLower | kUpper | kDigit | kUnderscore | kDot | kDash;  // [A-Za-z0-9_.-]
constexpr uint8_t kChannelChars = kLower | kDigit | kDash;                          // [a-z0-9-]

// In the order of ManifestError.
constexpr char kErrorCodes[] =
    "ok\0" "empty\0" "too_large\0" "crlf\0" "bad_char\0" "missing_newline\0" "bad_version\0" "unsigned\0"
    "trailing_data\0" "bad_sig_line\0" "too_many_signatures\0" "untrusted_key\0" "bad_signature\0" "too_few_signatures\0" "bad_line\0"
    "duplicate_field\0" "missing_field\0" "bad_format\0" "bad_board\0" "bad_channel\0" "bad_file\0" "bad_size\0"
    "bad_sha256\0" "bad_expires\0" "bad_rollout\0" "bad_seq\0" "bad_encoding\0" "bad_inflated_size\0"
    "bad_base_version\0" "bad_base_size\0" "bad_base_sha256\0" "bad_result_size\0" "bad_result_sha256";
constexpr size_t kErrorCount = static_cast<size_t>(ManifestError::BadResultSha256) + 1;
static_assert(packedCount(kErrorCodes) == kErrorCount, "one code per ManifestError");

// The fields this version reads; the required ones first, in the order steps
// 14-15 check them.
enum FieldIndex : uint8_t { kFormatField, kBoardField, kChannelField, kFileField, kSizeField, kSha256Field, kExpiresField, kRolloutField, kSeqField, kEncodingField, kInflatedSizeField,
                          kBaseVersionField, kBaseSizeField, kBaseSha256Field, kResultSizeField, kResultSha256Field, kFieldCount };
// Bit i: field i is required. A release needs the fields before expires=; a
// patch manifest those and the base and result.
constexpr uint32_t kReleaseFields = (1u << kExpiresField) - 1;
constexpr uint32_t kPatchFields = kReleaseFields | (((1u << kFieldCount) - 1) & ~((1u << kBaseVersionField) - 1));
// Board, channel and file: up to maxLength characters of set (values are
// never empty), the first not forbiddenFirst. Each field's error code follows
// BadFormat in field order.
struct TokenRule {
  FieldIndex field;
  uint8_t set;
  uint8_t maxLength;
  char forbiddenFirst;
};
constexpr TokenRule kTokenRules[] = {
    {kBoardField, kNameChars, kMaxBoardLength, '.'},
    {kChannelField, kChannelChars, kMaxChannelLength, '-'},
    {kFileField, kNameChars, kMaxFileLength, '.'},
};
static_assert(static_cast<uint8_t>(ManifestError::BadFormat) + kResultSha256Field == static_cast<uint8_t>(ManifestError::BadResultSha256),
              "value errors in field order");
// The field names are those value errors without their "bad_": the error
// codes hold each name once ("bad_board" is the error of `board=`), with
// "_" standing for the "-" of a key ("bad_inflated_size": `inflated-size=`).
constexpr size_t kValueErrorPrefixLength = sizeof("bad_") - 1;
constexpr size_t offsetOfErrorCode(size_t code) {
  size_t offset = 0;
  for (size_t passed = 0; passed < code; ++offset) passed += kErrorCodes[offset] == '\0';
  return offset;
}
constexpr bool valueErrorsNameTheFields() {
  for (size_t field = 0; field < kFieldCount; ++field) {
    const char* code = kErrorCodes + offsetOfErrorCode(static_cast<size_t>(ManifestError::BadFormat) + field);
    if (code[0] != 'b' || code[1] != 'a' || code[2] != 'd' || code[3] != '_') return false;
  }
  return true;
}
static_assert(valueErrorsNameTheFields(), "the value errors are bad_<field> in field order");
// "format", then each name after the next "bad_".
constexpr const char* kFieldNames =
    kErrorCodes + offsetOfErrorCode(static_cast<size_t>(ManifestError::BadFormat)) + kValueErrorPrefixLength;
constexpr char kGzipEncoding[] = "gzip";
constexpr char kPatchFormat[] = "static-ota-patch/1";

// The line at cursor, without its LF, moving cursor past the LF. Every line
// of a framed manifest ends with an LF, the last one included.
TextSpan takeLine(const char*& cursor, const char* end) {
  const TextSpan line{cursor, offsetOf(cursor, static_cast<size_t>(end - cursor), '\n')};
  cursor += line.length + 1;
  return line;
}

// key is the field named name, whose "_" stand for the key's "-".
bool isFieldName(const TextSpan& key, const char* name) {
  size_t i = 0;
  for (; i < key.length && name[i] != '\0'; ++i) {
    if (key.data[i] != (name[i] == '_' ? '-' : name[i])) return false;
  }
  return i == key.length && name[i] == '\0';
}

bool isSignatureLine(const TextSpan& line) {
  return line.length >= kSigPrefixLength && memcmp(line.data, kSigPrefix, kSigPrefixLength) == 0;
}

bool isWellFormedSignatureLine(const TextSpan& line) {
  const char* keyId = line.data + kSigPrefixLength;
  return line.length == kSigLineLength && keyId[kKeyIdHexLength] == ':' &&
         allIn(keyId, kKeyIdHexLength, kLowerHex) && allIn(keyId + kKeyIdHexLength + 1, 2 * kSignatureLength, kLowerHex);
}

// Step 11 for one line: key=value with a valid key and a non-empty value.
bool splitField(const TextSpan& line, TextSpan& key, TextSpan& value) {
  key = TextSpan{line.data, offsetOf(line.data, line.length, '=')};
  value = TextSpan{key.data + key.length + 1, line.length - key.length - 1};
  return key.length > 0 && key.length + 1 < line.length && allIn(key.data, key.length, kKeyChars);
}

// Steps 5-10 on the lines after the version, [fieldsBegin, end): the first
// sig= line ends the signed bytes and only sig= lines may follow; their form
// and count; then strict signatures from requiredSignatures distinct trusted
// keys over [message, signatures). A key counts once, however many lines it signs.
ManifestError checkSignatures(const char* message, const char* fieldsBegin, const char* end,
                              const TrustedKeys& trustedKeys, CryptoBackend& crypto, uint8_t requiredSignatures,
                              const char*& signatures, size_t& verifiedKeyIndex, uint8_t& verifiedKeyCount) {
  signatures = nullptr;
  size_t signatureCount = 0;
  bool malformed = false;  // reported only once no line is trailing data (step 6 before 7)
  for (const char* cursor = fieldsBegin; cursor < end;) {
    const char* lineStart = cursor;
    const TextSpan line = takeLine(cursor, end);
    if (!isSignatureLine(line)) {
      if (signatures != nullptr) return ManifestError::TrailingData;
      continue;
    }
    if (signatures == nullptr) signatures = lineStart;
    malformed = malformed || !isWellFormedSignatureLine(line);
    ++signatureCount;
  }
  if (signatures == nullptr) return ManifestError::Unsigned;
  if (malformed) return ManifestError::BadSigLine;
  if (signatureCount > kMaxSignatures) return ManifestError::TooManySignatures;

  bool sawTrustedKeyId = false;
  uint8_t verifiedMask = 0;  // bit k: trusted key k verified
  static_assert(kMaxTrustedKeys <= 8, "one bit per trusted key");
  verifiedKeyCount = 0;
  for (const char* cursor = signatures; cursor < end;) {
    const TextSpan line = takeLine(cursor, end);
    uint8_t keyId[kKeyIdLength];
    uint8_t signature[kSignatureLength];
    decodeLowerHex(line.data + kSigPrefixLength, kKeyIdLength, keyId);
    decodeLowerHex(line.data + kSigPrefixLength + kKeyIdHexLength + 1, kSignatureLength, signature);
    for (size_t k = 0; k < trustedKeys.count(); ++k) {
      const TrustedKey& key = trustedKeys.at(k);
      const uint8_t bitOfKey = static_cast<uint8_t>(1u << k);
      if (memcmp(key.keyId, keyId, kKeyIdLength) != 0 || (verifiedMask & bitOfKey) != 0) continue;
      sawTrustedKeyId = true;
      if (verifyStrict(crypto, signature, key.publicKey, reinterpret_cast<const uint8_t*>(message),
                       static_cast<size_t>(signatures - message))) {
        if (verifiedMask == 0) verifiedKeyIndex = k;
        verifiedMask = static_cast<uint8_t>(verifiedMask | bitOfKey);
        ++verifiedKeyCount;
      }
    }
    if (verifiedKeyCount >= requiredSignatures) return ManifestError::None;
  }
  if (verifiedKeyCount > 0) return ManifestError::TooFewSignatures;
  return sawTrustedKeyId ? ManifestError::BadSignature : ManifestError::UntrustedKey;
}

// Steps 11-13 over the field lines [begin, end); the values of the known
// fields go to values (data stays null for a field that is absent).
ManifestError readFieldLines(const char* begin, const char* end, uint32_t required, TextSpan (&values)[kFieldCount]) {
  bool duplicate = false;  // reported only once every line is a field (step 11 before 12)
  for (const char* cursor = begin; cursor < end;) {
    const TextSpan line = takeLine(cursor, end);
    TextSpan key;
    TextSpan value;
    if (!splitField(line, key, value)) return ManifestError::BadLine;
    // Every earlier line is a field, so one starting with "key=" has the same key.
    for (const char* earlier = begin; earlier < line.data;) {
      const TextSpan earlierLine = takeLine(earlier, line.data);
      duplicate = duplicate || (earlierLine.length > key.length && memcmp(earlierLine.data, line.data, key.length + 1) == 0);
    }
    const char* name = kFieldNames;
    for (size_t i = 0; i < kFieldCount; ++i, name += strlen(name) + 1 + kValueErrorPrefixLength) {
      if (isFieldName(key, name)) values[i] = value;
    }
  }
  if (duplicate) return ManifestError::DuplicateField;
  for (size_t i = 0; i < kFieldCount; ++i) {
    if ((required & (1u << i)) != 0 && values[i].data == nullptr) return ManifestError::MissingField;
  }
  return ManifestError::None;
}

}  // namespace

const char* manifestErrorCode(ManifestError error) {
  return packedString(kErrorCodes, static_cast<size_t>(error), kErrorCount);
}

bool TrustedKeys::add(const uint8_t publicKey[kPublicKeyLength], CryptoBackend& crypto) {
  for (size_t i = 0; i < count_; ++i) {
    if (memcmp(keys_[i].publicKey, publicKey, kPublicKeyLength) == 0) return true;
  }
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
  framed.version = TextSpan{framed.text, offsetOf(framed.text, length, '\n')};
  if (!isValidVersion(framed.version)) return ManifestError::BadVersion;
  return ManifestError::None;
}

namespace {

bool parseSha256(const TextSpan& text, uint8_t (&out)[kSha256Length]) {
  return text.length == 2 * kSha256Length && decodeLowerHex(text.data, kSha256Length, out);
}

// A patch manifest's own fields, in their order.
__attribute__((noinline)) ManifestError openPatchOnlyFields(const TextSpan (&values)[kFieldCount], PatchManifest& manifest) {
  manifest.baseVersion = values[kBaseVersionField];
  if (!isValidVersion(manifest.baseVersion)) return ManifestError::BadBaseVersion;
  if (!parseDecimalUint32(values[kBaseSizeField], manifest.baseSize) || manifest.baseSize == 0) {
    return ManifestError::BadBaseSize;
  }
  if (!parseSha256(values[kBaseSha256Field], manifest.baseSha256)) return ManifestError::BadBaseSha256;
  if (!parseDecimalUint32(values[kResultSizeField], manifest.resultSize) || manifest.resultSize == 0) {
    return ManifestError::BadResultSize;
  }
  if (!parseSha256(values[kResultSha256Field], manifest.resultSha256)) return ManifestError::BadResultSha256;
  return ManifestError::None;
}

// Steps 11-15 of a manifest that authenticate() accepted: the common fields
// into manifest, a patch manifest's own into patch. Called after it, not from
// it, so that its field table is not on the stack under the signature check
// (the crypto library's verify is deepest there).
__attribute__((noinline)) ManifestError readFields(const FramedManifest& framed, Manifest& manifest,
                                                   PatchManifest* patch) {
  const char* fieldsBegin = framed.version.data + framed.version.length + 1;
  const char* signatures = framed.text + manifest.signedLength;
  TextSpan values[kFieldCount];
  ManifestError error =
      readFieldLines(fieldsBegin, signatures, patch == nullptr ? kReleaseFields : kPatchFields, values);
  if (error != ManifestError::None) return error;
  const TextSpan& sha256 = values[kSha256Field];
  manifest.board = values[kBoardField];
  manifest.channel = values[kChannelField];
  manifest.file = values[kFileField];
  manifest.hasExpires = values[kExpiresField].data != nullptr;

  const bool formatMatches = patch == nullptr ? values[kFormatField].equals(kFormat, sizeof(kFormat) - 1)
                                              : values[kFormatField].equals(kPatchFormat, sizeof(kPatchFormat) - 1);
  if (!formatMatches) return ManifestError::BadFormat;
  for (const TokenRule& rule : kTokenRules) {
    const TextSpan& token = values[rule.field];
    if (token.length > rule.maxLength || token.data[0] == rule.forbiddenFirst || !allIn(token.data, token.length, rule.set)) {
      return static_cast<ManifestError>(static_cast<uint8_t>(ManifestError::BadFormat) + rule.field);
    }
  }
  if (!parseDecimalUint32(values[kSizeField], manifest.size) || manifest.size == 0) return ManifestError::BadSize;
  if (sha256.length != 2 * kSha256Length || !decodeLowerHex(sha256.data, kSha256Length, manifest.sha256)) {
    return ManifestError::BadSha256;
  }
  if (manifest.hasExpires && !parseDecimalUint32(values[kExpiresField], manifest.expires)) {
    return ManifestError::BadExpires;
  }
  // A patch manifest's rollout, seq, encoding and inflated-size are unknown fields: not read.
  if (patch != nullptr) return openPatchOnlyFields(values, *patch);
  manifest.rollout = kFullRollout;
  if (values[kRolloutField].data != nullptr) {
    uint32_t percent = 0;
    if (!parseDecimalUint32(values[kRolloutField], percent) || percent > kFullRollout) return ManifestError::BadRollout;
    manifest.rollout = static_cast<uint8_t>(percent);
  }
  manifest.seq = 0;
  if (values[kSeqField].data != nullptr && !parseDecimalUint32(values[kSeqField], manifest.seq)) {
    return ManifestError::BadSeq;
  }
  const TextSpan& encoding = values[kEncodingField];
  manifest.encoding = ImageEncoding::Raw;
  if (encoding.data != nullptr) {
    if (!encoding.equals(kGzipEncoding, sizeof(kGzipEncoding) - 1)) return ManifestError::BadEncoding;
    manifest.encoding = ImageEncoding::Gzip;
  }
  // Only a gzip image is inflated: the size of a raw one is `size=`.
  manifest.inflatedSize = 0;
  if (values[kInflatedSizeField].data != nullptr &&
      (manifest.encoding != ImageEncoding::Gzip || !parseDecimalUint32(values[kInflatedSizeField], manifest.inflatedSize) ||
       manifest.inflatedSize == 0)) {
    return ManifestError::BadInflatedSize;
  }
  return ManifestError::None;
}

// Steps 5-10: the signed bytes, authenticated; their extent, the version and
// the keys that verified go to manifest.
__attribute__((noinline)) ManifestError authenticate(const FramedManifest& framed, const TrustedKeys& trustedKeys,
                                                     CryptoBackend& crypto, Manifest& manifest,
                                                     uint8_t requiredSignatures) {
  const char* fieldsBegin = framed.version.data + framed.version.length + 1;
  const char* signatures = nullptr;
  size_t verifiedKeyIndex = 0;
  uint8_t verifiedKeyCount = 0;
  const ManifestError error = checkSignatures(framed.text, fieldsBegin, framed.text + framed.length, trustedKeys,
                                              crypto, requiredSignatures, signatures, verifiedKeyIndex, verifiedKeyCount);
  if (error != ManifestError::None) return error;
  manifest.version = framed.version;
  manifest.signedLength = static_cast<size_t>(signatures - framed.text);
  manifest.verifiedKeyIndex = verifiedKeyIndex;
  manifest.verifiedKeyCount = verifiedKeyCount;
  return ManifestError::None;
}

}  // namespace

ManifestError openManifest(const FramedManifest& framed, const TrustedKeys& trustedKeys, CryptoBackend& crypto,
                           Manifest& manifest, uint8_t requiredSignatures) {
  // Only with the bytes authenticated are the fields read.
  const ManifestError error = authenticate(framed, trustedKeys, crypto, manifest, requiredSignatures);
  return error != ManifestError::None ? error : readFields(framed, manifest, nullptr);
}

ManifestError openPatchManifest(const FramedManifest& framed, const TrustedKeys& trustedKeys, CryptoBackend& crypto,
                                PatchManifest& manifest, uint8_t requiredSignatures) {
  const ManifestError error = authenticate(framed, trustedKeys, crypto, manifest.patch, requiredSignatures);
  return error != ManifestError::None ? error : readFields(framed, manifest.patch, &manifest);
}

}  // namespace static_ota
