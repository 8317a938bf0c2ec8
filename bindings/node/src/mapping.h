#pragma once
#include <napi.h>

namespace heapwise {
Napi::Value Mmap(const Napi::CallbackInfo& info);
Napi::Value Munmap(const Napi::CallbackInfo& info);
}  // namespace heapwise
