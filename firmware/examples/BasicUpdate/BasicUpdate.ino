// Checks the mirror every few minutes and installs a newer signed release.
// A new release runs on trial until its first good poll (on ESP32 a reset
// before that boots the previous one), and after a few boots that never got
// that far the sketch runs in safe mode: only Wi-Fi and updates.
// The running version and board come from the STATIC_OTA_VERSION and
// STATIC_OTA_BOARD build flags (the publishing action sets them).
#if defined(ESP8266)
#include <ESP8266WiFi.h>
#else
#include <WiFi.h>
#endif
// Fallbacks for builds without the action's flags; StaticOta.h reads them.
#ifndef STATIC_OTA_VERSION
#define STATIC_OTA_VERSION "0.1.0"
#endif
#ifndef STATIC_OTA_BOARD
#define STATIC_OTA_BOARD "nodemcuv2"
#endif
#include <StaticOta.h>

static const char kWifiSsid[] = "your-network";
static const char kWifiPassword[] = "your-password";
static const char kManifestUrl[] = "http://ota.example.com/" STATIC_OTA_BOARD "/latest.txt";
// Paste the public key printed by `static-ota keygen` "for your firmware".
// The all-zero placeholder is refused (StaticOta::configured() is false and
// every poll is config_error), so nothing installs until you do: a key copied
// from elsewhere would let whoever holds its private half update your devices.
static const uint8_t kTrustedKeys[][32] = {
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
     0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
};
static const char kNotConfigured[] =
    "static-ota: not configured. Paste the public key printed by `static-ota keygen` into kTrustedKeys "
    "and check the manifest URL; until then every update is refused (config_error).";
static const uint32_t kCheckEveryMs = 15UL * 60UL * 1000UL;

StaticOta ota(kManifestUrl, kTrustedKeys, sizeof(kTrustedKeys) / sizeof(kTrustedKeys[0]));
uint32_t lastCheckMs = 0;
bool checkedOnce = false;

void printProgress(uint32_t received, uint32_t total) {
  Serial.printf("  %u / %u bytes\n", static_cast<unsigned>(received), static_cast<unsigned>(total));
}

void setup() {
  ota.begin();  // first: counts this boot, notes a rollback of the last update
  Serial.begin(115200);
  Serial.printf("\nrunning %s on %s, boot %s%s\n", STATIC_OTA_VERSION, STATIC_OTA_BOARD,
                StaticOta::bootStateCode(ota.bootState()), ota.inSafeMode() ? ", safe mode" : "");
  if (!ota.configured()) Serial.println(kNotConfigured);
  ota.onProgress(printProgress);
  WiFi.mode(WIFI_STA);
  WiFi.begin(kWifiSsid, kWifiPassword);
}

void loop() {
  ota.loop();  // the trial's timeout
  // if (!ota.inSafeMode()) runTheApplication();
  if (WiFi.status() != WL_CONNECTED) return;
  if (checkedOnce && millis() - lastCheckMs < kCheckEveryMs) return;
  checkedOnce = true;
  lastCheckMs = millis();

  const StaticOtaResult result = ota.update();
  Serial.printf("static-ota: %s (%s) offered=%s detail=%s\n", StaticOta::resultCode(result),
                StaticOta::resultString(result), ota.offeredVersion(), ota.lastErrorDetail());
  if (result == StaticOtaResult::Updated) {
    Serial.println("restarting into the new version");
    delay(100);
    ESP.restart();
  }
}
