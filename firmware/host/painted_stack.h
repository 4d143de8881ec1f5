// Stack high-water measurement: runs a function on a thread whose stack was
// filled with a pattern, and counts the bytes no longer holding it. The
// figure for an empty function (thread start-up, TLS) is subtracted.
#pragma once

#include <cstddef>

namespace static_ota {

size_t stackHighWater(void* (*function)(void*), void* argument);

}  // namespace static_ota
