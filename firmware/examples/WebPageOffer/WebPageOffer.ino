// A device web page that offers "update to x.y.z" when the mirror has a newer
// signed release, and installs it when the button is pressed. check() fetches
// only the manifest; the image is downloaded by update().
#if defined(ESP8266)
#include <ESP8266WebServer.h>
#include <ESP8266WiFi.h>
typedef ESP8266WebServer WebServer;
#else
#include <WebServer.h>
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

StaticOta ota(kManifestUrl, kTrustedKeys, sizeof(kTrustedKeys) / sizeof(kTrustedKeys[0]));
WebServer server(80);

void showStatus() {
  String page = F("<!doctype html><title>Device</title><h1>Firmware ");
  page += STATIC_OTA_VERSION;
  page += F("</h1>");
  if (ota.check()) {
    page += F("<form method=post action=/update><button>Update to ");
    page += ota.offeredVersion();
    page += F("</button></form>");
  } else {
    page += F("<p>Up to date (");
    page += StaticOta::resultCode(ota.lastResult());
    page += F(")</p>");
  }
  server.send(200, F("text/html"), page);
}

void installUpdate() {
  const StaticOtaResult result = ota.update();
  if (result == StaticOtaResult::Updated) {
    server.send(200, F("text/plain"), F("Updated, restarting"));
    delay(500);
    ESP.restart();
    return;
  }
  String message = F("Not updated: ");
  message += StaticOta::resultString(result);
  server.send(200, F("text/plain"), message);
}

void setup() {
  ota.begin();  // first: a new release stays on trial until a page view's check verifies a manifest
  Serial.begin(115200);
  if (!ota.configured()) Serial.println(kNotConfigured);
  WiFi.mode(WIFI_STA);
  WiFi.begin(kWifiSsid, kWifiPassword);
  while (WiFi.status() != WL_CONNECTED) delay(250);
  Serial.print(F("open http://"));
  Serial.println(WiFi.localIP());
  server.on("/", HTTP_GET, showStatus);
  server.on("/update", HTTP_POST, installUpdate);
  server.begin();
}

void loop() {
  ota.loop();
  server.handleClient();
}
