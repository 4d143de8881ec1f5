// URL handling the core needs: where the image of a manifest lives.
#pragma once

#include <stddef.h>

#include "text.h"

namespace static_ota {

// Whether the URL is scheme://host/path within kMaxUrlLength, so that an
// image URL can be made from it.
bool isFetchableUrl(const char* url);

// The manifest URL with its last path segment (and any query or fragment)
// replaced by file: "http://h/b/latest.txt" + "fw.bin" -> "http://h/b/fw.bin".
// False when the URL has no path or the result does not fit out (capacity
// includes the NUL).
bool imageUrlFor(const char* manifestUrl, const TextSpan& file, char* out, size_t capacity);

// Where a device running baseVersion looks for its patch (docs/protocol.md,
// "Delta updates"): the image URL + ".from-" + baseVersion + ".txt", with
// build metadata's '+' written '_'. False when it does not fit out.
bool patchManifestUrlFor(const char* imageUrl, const char* baseVersion, char* out, size_t capacity);

}  // namespace static_ota
