// The ESP8266 boot loader's install step, as the simulator models it: eboot
// (esp8266/Arduino bootloaders/eboot) copies the image Updater staged over
// the running one, inflating it when it starts with the gzip magic, and then
// boots it. Host only: it uses zlib, which no chip build links.
#pragma once

#include <cstdint>
#include <string>

namespace static_ota {

// Copies (inflating gzip) the staged image at `from` to the app image at
// `to`; `capacity` is the sketch area, at whose top Updater staged `from`
// in whole 4 KB sectors. Returns nullptr on success, else why the boot
// fails: "gzip_header", "inflate" (eboot's errors 5 and 6), "length" (the
// gzip trailer's size is not what inflates: eboot copies that many bytes),
// "trailing_data" (bytes after the gzip stream, such as a second member:
// eboot reads the size from the image's last 4 bytes), "too_large" (a raw
// image over `capacity` bytes; an inflated one that reaches the staged
// sectors, whose bytes eboot has yet to read; a raw image cannot: eboot's
// copy_raw reads each sector before it writes one further down),
// "not_esp_image" (no 0xE9 magic: the ROM would not start it), "read" or
// "write". Stricter than eboot, which checks no CRC: a chip would boot
// garbage where the simulator stops. `to` is replaced only on success; on a
// chip a failed copy has already overwritten part of the app.
const char* ebootInstall(const std::string& from, const std::string& to, uint32_t capacity);

}  // namespace static_ota
