// mmap of a dma-buf exposed as an ArrayBuffer over the mapped pages (no copy: CPU access
// through the mapping is exactly what sync brackets protect). munmap detaches the ArrayBuffer
// before unmapping, so every view of it reads as length 0 instead of touching freed pages.
#include "mapping.h"

#include <sys/mman.h>

#include <cerrno>
#include <memory>

#include "args.h"
#include "errors.h"

namespace heapwise {

namespace {

// Shared by the mapping object (explicit munmap) and the ArrayBuffer's finalizer (GC of a
// mapping nobody unmapped), so the pages are unmapped exactly once by whichever comes first.
struct Region {
  void* addr;
  size_t len;
  bool unmapped;
};
using RegionRef = std::shared_ptr<Region>;

void ReleaseRegion(Napi::Env, void*, RegionRef* hint) {
  if (!(*hint)->unmapped) {
    munmap((*hint)->addr, (*hint)->len);
    (*hint)->unmapped = true;
  }
  delete hint;
}

void DeleteRef(Napi::Env, RegionRef* ref) { delete ref; }

}  // namespace

// mmap(fd, size, prot, flags, offset?, target?) -> { buffer, size }
Napi::Value Mmap(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = ArgFd(info, 0, "mmap", "fd");
  uint64_t size = ArgU64(info, 1, "mmap", "size");
  int prot = static_cast<int>(ArgU32(info, 2, "mmap", "prot"));
  int flags = static_cast<int>(ArgU32(info, 3, "mmap", "flags"));
  uint64_t offset = info.Length() > 4 && !info[4].IsUndefined() ? ArgU64(info, 4, "mmap", "offset") : 0;
  std::string target = ArgTarget(info, 5, "fd " + std::to_string(fd));
  if (size == 0 || size > SIZE_MAX) ThrowErrno(env, EINVAL, "mmap", target);

  void* addr = mmap(nullptr, size, prot, flags, fd, static_cast<off_t>(offset));
  if (addr == MAP_FAILED) ThrowErrno(env, errno, "mmap", target);

  auto region = std::make_shared<Region>(Region{addr, static_cast<size_t>(size), false});
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, addr, size, ReleaseRegion, new RegionRef(region));
  Napi::Object mapping = Napi::Object::New(env);
  mapping.Set("buffer", buffer);
  mapping.Set("size", Napi::Number::New(env, static_cast<double>(size)));
  // Not enumerable: an implementation detail that must travel with the object.
  mapping.DefineProperty(Napi::PropertyDescriptor::Value(
      "region", Napi::External<RegionRef>::New(env, new RegionRef(region), DeleteRef), napi_default));
  return mapping;
}

// munmap(mapping, target?)
Napi::Value Munmap(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "munmap: argument 'mapping' must be an object from mmap()");
  Napi::Object mapping = info[0].As<Napi::Object>();
  std::string target = ArgTarget(info, 1, "mapping");
  Napi::Value ext = mapping.Get("region");
  Napi::Value buf = mapping.Get("buffer");
  if (!ext.IsExternal() || !buf.IsArrayBuffer()) throw Napi::TypeError::New(env, "munmap: argument 'mapping' was not returned by mmap()");
  RegionRef region = *ext.As<Napi::External<RegionRef>>().Data();
  if (region->unmapped) ThrowErrno(env, EINVAL, "munmap", target + " (already unmapped)");
  // Detach first: once it returns no JS view can reach the pages we are about to unmap.
  buf.As<Napi::ArrayBuffer>().Detach();
  if (munmap(region->addr, region->len) != 0) ThrowErrno(env, errno, "munmap", target);
  region->unmapped = true;
  return env.Undefined();
}

}  // namespace heapwise
