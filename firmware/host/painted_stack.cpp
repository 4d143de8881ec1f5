#include "painted_stack.h"

#include <pthread.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace static_ota {
namespace {

constexpr uint8_t kPaint = 0xA5;
constexpr size_t kPaintedStackSize = 1024 * 1024;

size_t touchedStackBytes(void* (*function)(void*), void* argument) {
  void* stack = nullptr;
  if (posix_memalign(&stack, 4096, kPaintedStackSize) != 0) return 0;
  std::memset(stack, kPaint, kPaintedStackSize);
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  pthread_attr_setstack(&attributes, stack, kPaintedStackSize);
  pthread_t thread;
  if (pthread_create(&thread, &attributes, function, argument) == 0) pthread_join(thread, nullptr);
  pthread_attr_destroy(&attributes);
  size_t untouched = 0;  // the stack grows down from the end of the block
  const uint8_t* bytes = static_cast<const uint8_t*>(stack);
  while (untouched < kPaintedStackSize && bytes[untouched] == kPaint) ++untouched;
  std::free(stack);
  return kPaintedStackSize - untouched;
}

void* doNothing(void*) { return nullptr; }

}  // namespace

size_t stackHighWater(void* (*function)(void*), void* argument) {
  return touchedStackBytes(function, argument) - touchedStackBytes(doNothing, nullptr);
}

}  // namespace static_ota
