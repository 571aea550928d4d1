#include "mapped_hashing.hpp"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <csetjmp>
#include <mutex>

namespace shoal::detail {

namespace {

// Where the current thread may recover from a fault in [begin, end).
struct recovery_point {
  sigjmp_buf jump;
  const char* begin = nullptr;
  const char* end = nullptr;
};
thread_local recovery_point* active_recovery = nullptr;

// The handler is process-wide by nature; these only track who installed it.
std::mutex install_mutex;
int install_count = 0;
struct sigaction previous_action {};

void forward_to_previous(int sig, siginfo_t* info, void* context) {
  if (previous_action.sa_flags & SA_SIGINFO) {
    if (previous_action.sa_sigaction) return previous_action.sa_sigaction(sig, info, context);
  } else if (previous_action.sa_handler != SIG_DFL && previous_action.sa_handler != SIG_IGN) {
    return previous_action.sa_handler(sig);
  }
  // Default action: reinstate it and return, so the faulting access repeats and kills us as usual.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  ::sigaction(SIGBUS, &dfl, nullptr);
}

void on_sigbus(int sig, siginfo_t* info, void* context) {
  recovery_point* r = active_recovery;
  const auto* addr = static_cast<const char*>(info->si_addr);
  if (r && addr >= r->begin && addr < r->end) siglongjmp(r->jump, 1);  // restores the signal mask
  forward_to_previous(sig, info, context);
}

}  // namespace

sigbus_scope::sigbus_scope() {
  std::lock_guard lock(install_mutex);
  if (install_count++ > 0) return;
  struct sigaction sa {};
  sa.sa_sigaction = on_sigbus;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGBUS, &sa, &previous_action);
}

sigbus_scope::~sigbus_scope() {
  std::lock_guard lock(install_mutex);
  if (--install_count > 0) return;
  ::sigaction(SIGBUS, &previous_action, nullptr);
}

// Only trivially destructible objects live between sigsetjmp and the faulting access
// (OpenSSL's C code below update), so jumping back over them skips no destructor.
bool guarded_update(sha1_hasher& hasher, const char* data, std::size_t size) {
  recovery_point point;
  point.begin = data;
  point.end = data + size;
  if (sigsetjmp(point.jump, 1) != 0) {
    active_recovery = nullptr;
    return false;
  }
  active_recovery = &point;
  hasher.update(data, size);
  active_recovery = nullptr;
  return true;
}

bool mapped_window::map(int fd, std::int64_t offset, std::size_t length) {
  unmap();
  static const auto page = static_cast<std::int64_t>(::sysconf(_SC_PAGESIZE));
  const std::int64_t aligned = offset - offset % page;
  const auto lead = static_cast<std::size_t>(offset - aligned);
  void* p = ::mmap(nullptr, length + lead, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, aligned);
  if (p == MAP_FAILED) return false;
  ::madvise(p, length + lead, MADV_SEQUENTIAL);
  base_ = p;
  base_length_ = length + lead;
  data_ = static_cast<const char*>(p) + lead;
  return true;
}

void mapped_window::unmap() {
  if (base_) ::munmap(base_, base_length_);
  base_ = nullptr;
  base_length_ = 0;
  data_ = nullptr;
}

}  // namespace shoal::detail
