#include "errors.h"

#include <string.h>

namespace heapwise {

Napi::Error ErrnoError(Napi::Env env, int err, const std::string& op, const std::string& target) {
  // strerrorname_np (glibc >= 2.32) gives "EINVAL"; fall back to the number elsewhere.
  const char* name = strerrorname_np(err);
  std::string code = name ? name : ("E" + std::to_string(err));
  std::string msg = op + " " + target + ": " + code + " (" + strerror(err) + ")";
  Napi::Error e = Napi::Error::New(env, msg);
  e.Set("code", Napi::String::New(env, code));
  e.Set("errno", Napi::Number::New(env, err));
  e.Set("op", Napi::String::New(env, op));
  e.Set("target", Napi::String::New(env, target));
  return e;
}

void ThrowErrno(Napi::Env env, int err, const std::string& op, const std::string& target) {
  throw ErrnoError(env, err, op, target);
}

}  // namespace heapwise
