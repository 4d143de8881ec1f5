#include "test_support.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace test {

Counters& counters() {
  static Counters instance;
  return instance;
}

void check(bool condition, const std::string& what) {
  if (condition) {
    ++counters().passed;
  } else {
    ++counters().failed;
    std::fprintf(stderr, "FAIL: %s\n", what.c_str());
  }
}

void checkEqual(const std::string& actual, const std::string& expected, const std::string& what) {
  check(actual == expected, what + ": got \"" + actual + "\", expected \"" + expected + "\"");
}

void checkEqual(long long actual, long long expected, const std::string& what) {
  check(actual == expected, what + ": got " + std::to_string(actual) + ", expected " + std::to_string(expected));
}

int finish(const char* suite) {
  const Counters& result = counters();
  std::printf("%s: %d passed, %d failed\n", suite, result.passed, result.failed);
  return result.failed == 0 && result.passed > 0 ? 0 : 1;
}

const Json& Json::operator[](const std::string& key) const {
  static const Json null;
  const auto found = object.find(key);
  return found == object.end() ? null : found->second;
}

namespace {

class JsonParser {
 public:
  explicit JsonParser(const std::string& text) : text_(text) {}

  Json parseDocument() {
    Json value = parseValue();
    skipSpace();
    if (position_ != text_.size()) fail("trailing characters");
    return value;
  }

 private:
  [[noreturn]] void fail(const char* what) const {
    throw std::runtime_error(std::string("JSON: ") + what + " at offset " + std::to_string(position_));
  }

  void skipSpace() {
    while (position_ < text_.size() && std::strchr(" \t\r\n", text_[position_]) != nullptr) ++position_;
  }

  bool consume(const char* literal) {
    const size_t length = std::strlen(literal);
    if (text_.compare(position_, length, literal) != 0) return false;
    position_ += length;
    return true;
  }

  Json parseValue() {
    skipSpace();
    if (position_ >= text_.size()) fail("unexpected end");
    Json value;
    const char c = text_[position_];
    if (c == '{') {
      value.type = Json::Type::Object;
      ++position_;
      skipSpace();
      if (consume("}")) return value;
      do {
        skipSpace();
        const std::string key = parseString();
        skipSpace();
        if (!consume(":")) fail("expected ':'");
        value.object[key] = parseValue();
        skipSpace();
      } while (consume(","));
      if (!consume("}")) fail("expected '}'");
    } else if (c == '[') {
      value.type = Json::Type::Array;
      ++position_;
      skipSpace();
      if (consume("]")) return value;
      do {
        value.array.push_back(parseValue());
        skipSpace();
      } while (consume(","));
      if (!consume("]")) fail("expected ']'");
    } else if (c == '"') {
      value.type = Json::Type::String;
      value.string = parseString();
    } else if (consume("true")) {
      value.type = Json::Type::Bool;
      value.boolean = true;
    } else if (consume("false")) {
      value.type = Json::Type::Bool;
    } else if (consume("null")) {
      value.type = Json::Type::Null;
    } else {
      value.type = Json::Type::Number;
      size_t used = 0;
      value.number = std::stod(text_.substr(position_, 32), &used);
      if (used == 0) fail("bad number");
      position_ += used;
    }
    return value;
  }

  std::string parseString() {
    if (!consume("\"")) fail("expected string");
    std::string out;
    while (true) {
      if (position_ >= text_.size()) fail("unterminated string");
      const char c = text_[position_++];
      if (c == '"') return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      const char escape = text_.at(position_++);
      switch (escape) {
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case '/': out += '/'; break;
        case '\\': out += '\\'; break;
        case '"': out += '"'; break;
        case 'u': {
          const unsigned code = static_cast<unsigned>(std::stoul(text_.substr(position_, 4), nullptr, 16));
          position_ += 4;
          // Vectors hold byte strings: \u00XX is the byte XX.
          if (code > 0xFF) fail("non-byte \\u escape");
          out += static_cast<char>(code);
          break;
        }
        default: fail("bad escape");
      }
    }
  }

  const std::string& text_;
  size_t position_ = 0;
};

}  // namespace

Json parseJson(const std::string& text) { return JsonParser(text).parseDocument(); }

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

std::vector<uint8_t> fromHex(const std::string& hex) {
  if (hex.size() % 2 != 0) throw std::runtime_error("odd hex length");
  std::vector<uint8_t> bytes(hex.size() / 2);
  for (size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<uint8_t>(std::stoul(hex.substr(2 * i, 2), nullptr, 16));
  }
  return bytes;
}

std::string toHex(const uint8_t* bytes, size_t length) {
  static const char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (size_t i = 0; i < length; ++i) {
    hex += kDigits[bytes[i] >> 4];
    hex += kDigits[bytes[i] & 0xF];
  }
  return hex;
}

void AcceptAllVerifier::sha256Finish(uint8_t digest[32]) { std::memset(digest, 0, 32); }

}  // namespace test
