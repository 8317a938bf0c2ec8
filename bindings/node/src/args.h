// Argument decoding shared by every entry point. Wrong JS types are programming errors and
// throw TypeError naming the operation and the argument; they never reach the kernel.
#pragma once
#include <napi.h>
#include <cstdint>
#include <string>

namespace heapwise {

int ArgFd(const Napi::CallbackInfo& info, size_t i, const char* op, const char* what);
// u64 from a BigInt (any value up to UINT64_MAX, so the kernel's own overflow checks are
// reachable) or from a non-negative safe-integer Number.
uint64_t ArgU64(const Napi::CallbackInfo& info, size_t i, const char* op, const char* what);
uint32_t ArgU32(const Napi::CallbackInfo& info, size_t i, const char* op, const char* what);
std::string ArgString(const Napi::CallbackInfo& info, size_t i, const char* op, const char* what);
// The optional trailing "target" (heap or buffer name) used in error messages.
std::string ArgTarget(const Napi::CallbackInfo& info, size_t i, const std::string& fallback);

}  // namespace heapwise
