// heapwise native addon: thin synchronous wrappers over the DMA-BUF heap, dma-buf and udmabuf
// uAPI. No policy lives here: every function does one kernel operation (or the fixed sequence
// udmabuf needs) and turns a failure into an Error with .code/.errno/.op/.target.
#include <fcntl.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/udmabuf.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include <napi.h>

#include "args.h"
#include "errors.h"
#include "mapping.h"

namespace heapwise {
namespace {

std::string FdTarget(int fd) { return "fd " + std::to_string(fd); }

// openHeap(name) -> fd of /dev/dma_heap/<name>, O_RDWR|O_CLOEXEC.
Napi::Value OpenHeap(const Napi::CallbackInfo& info) {
  std::string name = ArgString(info, 0, "openHeap", "name");
  // A name is one path component: refuse anything that would open a different file.
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
      name.find('\0') != std::string::npos)
    throw Napi::TypeError::New(info.Env(), "openHeap: heap name '" + name + "' is not a /dev/dma_heap entry name");
  std::string path = "/dev/dma_heap/" + name;
  int fd = open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) ThrowErrno(info.Env(), errno, "openHeap", path);
  return Napi::Number::New(info.Env(), fd);
}

// openUdmabuf() -> fd of /dev/udmabuf, the "heap" udmabuf buffers are created through.
Napi::Value OpenUdmabuf(const Napi::CallbackInfo& info) {
  int fd = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
  if (fd < 0) ThrowErrno(info.Env(), errno, "openUdmabuf", "/dev/udmabuf");
  return Napi::Number::New(info.Env(), fd);
}

// heapAlloc(heapFd, len, fdFlags, heapFlags, target?) -> dma-buf fd (DMA_HEAP_IOCTL_ALLOC).
Napi::Value HeapAlloc(const Napi::CallbackInfo& info) {
  int heapFd = ArgFd(info, 0, "heapAlloc", "heapFd");
  struct dma_heap_allocation_data data = {};
  data.len = ArgU64(info, 1, "heapAlloc", "len");
  data.fd_flags = ArgU32(info, 2, "heapAlloc", "fdFlags");
  data.heap_flags = info.Length() > 3 && !info[3].IsUndefined() ? ArgU64(info, 3, "heapAlloc", "heapFlags") : 0;
  std::string target = ArgTarget(info, 4, "heap " + FdTarget(heapFd));
  if (ioctl(heapFd, DMA_HEAP_IOCTL_ALLOC, &data) < 0) ThrowErrno(info.Env(), errno, "DMA_HEAP_IOCTL_ALLOC", target);
  return Napi::Number::New(info.Env(), data.fd);
}

// sync(fd, flags, target?): DMA_BUF_IOCTL_SYNC. Retried on EINTR/EAGAIN because a signal or
// a busy exporter is not a failure of the bracket (libdmabufheap does the same).
Napi::Value Sync(const Napi::CallbackInfo& info) {
  int fd = ArgFd(info, 0, "sync", "fd");
  struct dma_buf_sync s = {};
  s.flags = ArgU64(info, 1, "sync", "flags");
  std::string target = ArgTarget(info, 2, FdTarget(fd));
  int rc;
  do rc = ioctl(fd, DMA_BUF_IOCTL_SYNC, &s);
  while (rc < 0 && (errno == EINTR || errno == EAGAIN));
  if (rc < 0) ThrowErrno(info.Env(), errno, "DMA_BUF_IOCTL_SYNC", target);
  return info.Env().Undefined();
}

// setName(fd, name, target?): DMA_BUF_SET_NAME_B (the u64 variant, same on 32- and 64-bit).
// The name is passed untruncated so the kernel's own 32-byte limit is what decides.
Napi::Value SetName(const Napi::CallbackInfo& info) {
  int fd = ArgFd(info, 0, "setName", "fd");
  std::string name = ArgString(info, 1, "setName", "name");
  std::string target = ArgTarget(info, 2, FdTarget(fd));
  if (ioctl(fd, DMA_BUF_SET_NAME_B, name.c_str()) < 0) ThrowErrno(info.Env(), errno, "DMA_BUF_SET_NAME", target);
  return info.Env().Undefined();
}

int UdmabufFromMemfd(Napi::Env env, int devFd, uint32_t memfd, uint32_t flags, uint64_t offset,
                     uint64_t size, const std::string& target) {
  struct udmabuf_create c = {};
  c.memfd = memfd;
  c.flags = flags;
  c.offset = offset;
  c.size = size;
  int fd = ioctl(devFd, UDMABUF_CREATE, &c);
  if (fd < 0) ThrowErrno(env, errno, "UDMABUF_CREATE", target);
  return fd;
}

// udmabufCreate(devFd, size, target?) -> dma-buf fd backed by a fresh sealed memfd.
// The memfd is closed here: the dma-buf holds its own reference to the pages.
Napi::Value UdmabufCreate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int devFd = ArgFd(info, 0, "udmabufCreate", "devFd");
  uint64_t size = ArgU64(info, 1, "udmabufCreate", "size");
  std::string target = ArgTarget(info, 2, "udmabuf");
  int memfd = memfd_create("heapwise-udmabuf", MFD_ALLOW_SEALING | MFD_CLOEXEC);
  if (memfd < 0) ThrowErrno(env, errno, "memfd_create", target);
  int err = 0;
  const char* op = nullptr;
  // udmabuf requires F_SEAL_SHRINK so the pages cannot vanish under a device.
  if (ftruncate(memfd, static_cast<off_t>(size)) < 0) err = errno, op = "ftruncate";
  else if (fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK) < 0) err = errno, op = "F_ADD_SEALS";
  if (err) {
    close(memfd);
    ThrowErrno(env, err, op, target);
  }
  int fd;
  try {
    fd = UdmabufFromMemfd(env, devFd, static_cast<uint32_t>(memfd), UDMABUF_FLAGS_CLOEXEC, 0, size, target);
  } catch (...) {
    close(memfd);
    throw;
  }
  close(memfd);
  return Napi::Number::New(env, fd);
}

// udmabufCreateFrom(devFd, memfd, offset, size, flags, target?): the raw UDMABUF_CREATE, for
// errno tests (unsealed memfd, unaligned offset, ...). memfd is taken as u32, as the uAPI does.
Napi::Value UdmabufCreateFrom(const Napi::CallbackInfo& info) {
  int devFd = ArgFd(info, 0, "udmabufCreateFrom", "devFd");
  uint32_t memfd = ArgU32(info, 1, "udmabufCreateFrom", "memfd");
  uint64_t offset = ArgU64(info, 2, "udmabufCreateFrom", "offset");
  uint64_t size = ArgU64(info, 3, "udmabufCreateFrom", "size");
  uint32_t flags = ArgU32(info, 4, "udmabufCreateFrom", "flags");
  std::string target = ArgTarget(info, 5, "udmabuf");
  return Napi::Number::New(info.Env(), UdmabufFromMemfd(info.Env(), devFd, memfd, flags, offset, size, target));
}

// memfdCreate(name, flags) -> fd
Napi::Value MemfdCreate(const Napi::CallbackInfo& info) {
  std::string name = ArgString(info, 0, "memfdCreate", "name");
  uint32_t flags = ArgU32(info, 1, "memfdCreate", "flags");
  int fd = memfd_create(name.c_str(), flags);
  if (fd < 0) ThrowErrno(info.Env(), errno, "memfd_create", name);
  return Napi::Number::New(info.Env(), fd);
}

// ftruncate(fd, size, target?)
Napi::Value Ftruncate(const Napi::CallbackInfo& info) {
  int fd = ArgFd(info, 0, "ftruncate", "fd");
  uint64_t size = ArgU64(info, 1, "ftruncate", "size");
  if (ftruncate(fd, static_cast<off_t>(size)) < 0) ThrowErrno(info.Env(), errno, "ftruncate", ArgTarget(info, 2, FdTarget(fd)));
  return info.Env().Undefined();
}

// addSeals(fd, seals, target?): fcntl(F_ADD_SEALS)
Napi::Value AddSeals(const Napi::CallbackInfo& info) {
  int fd = ArgFd(info, 0, "addSeals", "fd");
  int seals = static_cast<int>(ArgU32(info, 1, "addSeals", "seals"));
  if (fcntl(fd, F_ADD_SEALS, seals) < 0) ThrowErrno(info.Env(), errno, "F_ADD_SEALS", ArgTarget(info, 2, FdTarget(fd)));
  return info.Env().Undefined();
}

// close(fd, target?). Not retried on EINTR: Linux has released the fd either way.
Napi::Value Close(const Napi::CallbackInfo& info) {
  int fd = ArgFd(info, 0, "close", "fd");
  if (close(fd) < 0) ThrowErrno(info.Env(), errno, "close", ArgTarget(info, 1, FdTarget(fd)));
  return info.Env().Undefined();
}

// readFdinfo(fd, target?) -> text of /proc/self/fdinfo/<fd> (size, exp_name, name of a dma-buf)
Napi::Value ReadFdinfo(const Napi::CallbackInfo& info) {
  int fd = ArgFd(info, 0, "readFdinfo", "fd");
  std::string target = ArgTarget(info, 1, FdTarget(fd));
  std::string path = "/proc/self/fdinfo/" + std::to_string(fd);
  int pfd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (pfd < 0) ThrowErrno(info.Env(), errno, "readFdinfo", target);
  std::string text;
  char chunk[4096];
  ssize_t n;
  while ((n = read(pfd, chunk, sizeof chunk)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0) text.append(chunk, static_cast<size_t>(n));
  int err = n < 0 ? errno : 0;
  close(pfd);
  if (err) ThrowErrno(info.Env(), err, "readFdinfo", target);
  return Napi::String::New(info.Env(), text);
}

// ioctl(fd, request, data?, target?) -> return value. Escape hatch for errno tests (unknown
// request numbers, hand-built structs). `data` must be at least _IOC_SIZE(request) bytes so
// the kernel can never write past it; without it a zeroed page is passed.
Napi::Value Ioctl(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = ArgFd(info, 0, "ioctl", "fd");
  unsigned long request = static_cast<unsigned long>(ArgU32(info, 1, "ioctl", "request"));
  std::string target = ArgTarget(info, 3, FdTarget(fd));
  std::vector<uint8_t> scratch(4096, 0);
  void* arg = scratch.data();
  size_t avail = scratch.size();
  if (info.Length() > 2 && !info[2].IsUndefined()) {
    if (!info[2].IsTypedArray() || info[2].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
      throw Napi::TypeError::New(env, "ioctl: argument 'data' must be a Uint8Array");
    Napi::Uint8Array data = info[2].As<Napi::Uint8Array>();
    arg = data.Data();
    avail = data.ByteLength();
  }
  if (_IOC_SIZE(request) > avail)
    throw Napi::RangeError::New(env, "ioctl: request " + std::to_string(request) + " needs " +
                                         std::to_string(_IOC_SIZE(request)) + " bytes of data");
  int rc = ioctl(fd, request, arg);
  if (rc < 0) ThrowErrno(env, errno, "ioctl", target);
  return Napi::Number::New(env, rc);
}

void SetConstants(Napi::Env env, Napi::Object exports) {
  Napi::Object c = Napi::Object::New(env);
  auto set = [&](const char* k, double v) { c.Set(k, Napi::Number::New(env, v)); };
  set("O_RDONLY", O_RDONLY);
  set("O_WRONLY", O_WRONLY);
  set("O_RDWR", O_RDWR);
  set("O_CLOEXEC", O_CLOEXEC);
  set("O_NONBLOCK", O_NONBLOCK);
  set("PROT_READ", PROT_READ);
  set("PROT_WRITE", PROT_WRITE);
  set("MAP_SHARED", MAP_SHARED);
  set("MAP_PRIVATE", MAP_PRIVATE);
  set("DMA_BUF_SYNC_READ", DMA_BUF_SYNC_READ);
  set("DMA_BUF_SYNC_WRITE", DMA_BUF_SYNC_WRITE);
  set("DMA_BUF_SYNC_RW", DMA_BUF_SYNC_RW);
  set("DMA_BUF_SYNC_START", DMA_BUF_SYNC_START);
  set("DMA_BUF_SYNC_END", DMA_BUF_SYNC_END);
  set("DMA_HEAP_IOCTL_ALLOC", DMA_HEAP_IOCTL_ALLOC);
  set("DMA_BUF_IOCTL_SYNC", DMA_BUF_IOCTL_SYNC);
  set("DMA_BUF_SET_NAME_B", DMA_BUF_SET_NAME_B);
  set("DMA_BUF_NAME_LEN", 32);
  set("UDMABUF_CREATE", UDMABUF_CREATE);
  set("UDMABUF_FLAGS_CLOEXEC", UDMABUF_FLAGS_CLOEXEC);
  set("MFD_CLOEXEC", MFD_CLOEXEC);
  set("MFD_ALLOW_SEALING", MFD_ALLOW_SEALING);
  set("F_SEAL_SEAL", F_SEAL_SEAL);
  set("F_SEAL_SHRINK", F_SEAL_SHRINK);
  set("F_SEAL_GROW", F_SEAL_GROW);
  set("F_SEAL_WRITE", F_SEAL_WRITE);
  set("PAGE_SIZE", static_cast<double>(sysconf(_SC_PAGESIZE)));
  exports.Set("constants", c);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("openHeap", Napi::Function::New(env, OpenHeap, "openHeap"));
  exports.Set("openUdmabuf", Napi::Function::New(env, OpenUdmabuf, "openUdmabuf"));
  exports.Set("heapAlloc", Napi::Function::New(env, HeapAlloc, "heapAlloc"));
  exports.Set("sync", Napi::Function::New(env, Sync, "sync"));
  exports.Set("setName", Napi::Function::New(env, SetName, "setName"));
  exports.Set("mmap", Napi::Function::New(env, Mmap, "mmap"));
  exports.Set("munmap", Napi::Function::New(env, Munmap, "munmap"));
  exports.Set("udmabufCreate", Napi::Function::New(env, UdmabufCreate, "udmabufCreate"));
  exports.Set("udmabufCreateFrom", Napi::Function::New(env, UdmabufCreateFrom, "udmabufCreateFrom"));
  exports.Set("memfdCreate", Napi::Function::New(env, MemfdCreate, "memfdCreate"));
  exports.Set("ftruncate", Napi::Function::New(env, Ftruncate, "ftruncate"));
  exports.Set("addSeals", Napi::Function::New(env, AddSeals, "addSeals"));
  exports.Set("close", Napi::Function::New(env, Close, "close"));
  exports.Set("readFdinfo", Napi::Function::New(env, ReadFdinfo, "readFdinfo"));
  exports.Set("ioctl", Napi::Function::New(env, Ioctl, "ioctl"));
  SetConstants(env, exports);
  return exports;
}

}  // namespace
}  // namespace heapwise

static Napi::Object InitHeapwise(Napi::Env env, Napi::Object exports) { return heapwise::Init(env, exports); }

NODE_API_MODULE(heapwise, InitHeapwise)
