// Host-only helpers for the core tests: a minimal check framework, a small
// JSON reader for the shared vectors, hex helpers. STL is fine here.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/boot_guard.h"
#include "core/crypto_backend.h"

namespace test {

struct Counters {
  int passed = 0;
  int failed = 0;
};
Counters& counters();

void check(bool condition, const std::string& what);
void checkEqual(const std::string& actual, const std::string& expected, const std::string& what);
void checkEqual(long long actual, long long expected, const std::string& what);

// Prints "N passed, N failed" and returns the process exit code.
int finish(const char* suite);

struct Json {
  enum class Type { Null, Bool, Number, String, Array, Object } type = Type::Null;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<Json> array;
  std::map<std::string, Json> object;

  const Json& operator[](const std::string& key) const;
  const Json& operator[](size_t index) const { return array.at(index); }
  bool isNull() const { return type == Type::Null; }
};

// Throws std::runtime_error on malformed input.
Json parseJson(const std::string& text);
std::string readFile(const std::string& path);

std::vector<uint8_t> fromHex(const std::string& hex);
std::string toHex(const uint8_t* bytes, size_t length);

// Accepts every signature: shows which refusals come from the core itself.
class AcceptAllVerifier final : public static_ota::CryptoBackend {
 public:
  void sha256Begin() override {}
  void sha256Update(const uint8_t*, size_t) override {}
  void sha256Finish(uint8_t digest[32]) override;
  bool ed25519Verify(const uint8_t*, const uint8_t*, const uint8_t*, size_t) override {
    ++calls;
    return true;
  }
  int calls = 0;
};

// Boot records in memory and a bootloader whose pending state the test sets.
struct FakeBoot final : public static_ota::BootControl {
  bool hasRecord = false;
  static_ota::BootRecord stored{};
  bool pending = false;
  int validMarks = 0;
  int rollbacks = 0;

  bool loadRecord(static_ota::BootRecord& record) override {
    if (hasRecord) record = stored;
    return hasRecord;
  }
  void saveRecord(const static_ota::BootRecord& record) override {
    stored = record;
    hasRecord = true;
  }
  bool runningImagePending() override { return pending; }
  void markRunningImageValid() override {
    ++validMarks;
    pending = false;
  }
  void rollBack() override { ++rollbacks; }
};

}  // namespace test
