#include "args.h"

#include <cmath>

namespace heapwise {

static Napi::TypeError Bad(Napi::Env env, const char* op, const char* what, const char* want) {
  return Napi::TypeError::New(env, std::string(op) + ": argument '" + what + "' must be " + want);
}

int ArgFd(const Napi::CallbackInfo& info, size_t i, const char* op, const char* what) {
  if (i >= info.Length() || !info[i].IsNumber()) throw Bad(info.Env(), op, what, "an fd number");
  double d = info[i].As<Napi::Number>().DoubleValue();
  if (d != std::floor(d) || d < -1 || d > 2147483647.0) throw Bad(info.Env(), op, what, "an integer fd");
  return static_cast<int>(d);
}

uint64_t ArgU64(const Napi::CallbackInfo& info, size_t i, const char* op, const char* what) {
  if (i < info.Length() && info[i].IsBigInt()) {
    bool lossless = false;
    uint64_t v = info[i].As<Napi::BigInt>().Uint64Value(&lossless);
    if (!lossless) throw Bad(info.Env(), op, what, "a BigInt in [0, 2^64)");
    return v;
  }
  if (i < info.Length() && info[i].IsNumber()) {
    double d = info[i].As<Napi::Number>().DoubleValue();
    if (d != std::floor(d) || d < 0 || d > 9007199254740991.0) throw Bad(info.Env(), op, what, "a non-negative safe integer");
    return static_cast<uint64_t>(d);
  }
  throw Bad(info.Env(), op, what, "a number or BigInt");
}

uint32_t ArgU32(const Napi::CallbackInfo& info, size_t i, const char* op, const char* what) {
  uint64_t v = ArgU64(info, i, op, what);
  if (v > UINT32_MAX) throw Bad(info.Env(), op, what, "a 32-bit unsigned integer");
  return static_cast<uint32_t>(v);
}

std::string ArgString(const Napi::CallbackInfo& info, size_t i, const char* op, const char* what) {
  if (i >= info.Length() || !info[i].IsString()) throw Bad(info.Env(), op, what, "a string");
  return info[i].As<Napi::String>().Utf8Value();
}

std::string ArgTarget(const Napi::CallbackInfo& info, size_t i, const std::string& fallback) {
  if (i < info.Length() && info[i].IsString()) return info[i].As<Napi::String>().Utf8Value();
  return fallback;
}

}  // namespace heapwise
