// Kernel errors cross into JS as Error objects carrying the errno, its name, the operation and
// the heap/buffer it concerned, so callers branch on .code instead of parsing messages.
#pragma once
#include <napi.h>
#include <string>

namespace heapwise {

// Builds the Error; does not throw (callers throw it as a C++ exception, which node-addon-api
// turns into a JS exception at the boundary).
Napi::Error ErrnoError(Napi::Env env, int err, const std::string& op, const std::string& target);

// Convenience: throws ErrnoError(errno-at-call-time).
[[noreturn]] void ThrowErrno(Napi::Env env, int err, const std::string& op, const std::string& target);

}  // namespace heapwise
