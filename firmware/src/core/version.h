// Semantic versions (SemVer 2.0.0) within the protocol's bounds: at most 64
// characters, numeric identifiers of at most 15 digits.
#pragma once

#include <stddef.h>

#include "text.h"

namespace static_ota {

bool isValidVersion(const TextSpan& version);

// Precedence of two valid versions (SemVer section 11): negative, 0 or
// positive. Build metadata is ignored. Numeric identifiers are compared by
// digit count, then bytewise, so no identifier is ever converted to an integer.
int compareVersions(const TextSpan& a, const TextSpan& b);

}  // namespace static_ota
