import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// firmware/library.json
var library_default = {
  name: "static-ota",
  version: "1.0.0",
  description: "Signed OTA firmware updates for ESP8266 and ESP32 from a plain static mirror: Ed25519-signed latest.txt, SHA-256 checked images, no server code.",
  keywords: [
    "ota",
    "update",
    "ed25519",
    "esp8266",
    "esp32",
    "firmware"
  ],
  license: "MIT",
  frameworks: [
    "arduino"
  ],
  platforms: [
    "espressif8266",
    "espressif32"
  ],
  dependencies: [
    {
      owner: "rweather",
      name: "Crypto",
      version: "^0.4.0"
    }
  ],
  headers: "StaticOta.h",
  export: {
    exclude: [
      "host",
      "test",
      "fuzz",
      "tools",
      "build",
      "CMakeLists.txt"
    ]
  },
  examples: [
    "examples/*/*.ino"
  ]
};

// src/protocol/user-agent.ts
var LIBRARY_VERSION = library_default.version;
var BARE_USER_AGENT = `static-ota/${LIBRARY_VERSION}`;
var MAX_BOARD_LENGTH = 64;
var MAX_VERSION_LENGTH = 64;
var MAX_CHANNEL_LENGTH = 32;
var COMMENT_CHARACTER = String.raw`[\x20-\x27\x2a-\x3a\x3c-\x7e]`;
var part = (maxLength) => `(${COMMENT_CHARACTER}{1,${maxLength}})`;
var USER_AGENT = new RegExp(
  String.raw`^static-ota/([\x21-\x27\x2a-\x3a\x3c-\x7e]{1,${MAX_VERSION_LENGTH}}) \(` + `${part(MAX_BOARD_LENGTH)}; ${part(MAX_VERSION_LENGTH)}; ${part(MAX_CHANNEL_LENGTH)}` + String.raw`(?:; ([A-Za-z0-9._-]{1,32}))?\)$`
);
function parseUserAgent(userAgent) {
  const match = USER_AGENT.exec(userAgent);
  if (!match) return void 0;
  return {
    library: match[1],
    board: match[2],
    version: match[3],
    channel: match[4],
    ...match[5] ? { deviceId: match[5] } : {}
  };
}

export {
  BARE_USER_AGENT,
  MAX_BOARD_LENGTH,
  MAX_VERSION_LENGTH,
  MAX_CHANNEL_LENGTH,
  parseUserAgent
};
