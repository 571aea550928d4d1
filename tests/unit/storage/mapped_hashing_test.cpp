#include "../../../src/storage/mapped_hashing.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "shoal/hash/sha1.hpp"

#include "fixtures.hpp"

namespace shoal::detail {
namespace {

class MappedHashingTest : public test::scratch_dir {
 protected:
  // A file of `length` bytes 'x', opened read-write.
  int make_file(std::int64_t length) {
    const int fd = ::open((dir / "f").c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    EXPECT_GE(fd, 0);
    const std::string data(static_cast<std::size_t>(length), 'x');
    EXPECT_EQ(::write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
    return fd;
  }
};

TEST_F(MappedHashingTest, HashesAMappedWindowAtAnUnalignedOffset) {
  const int fd = make_file(100000);
  const sigbus_scope scope;
  mapped_window window;
  ASSERT_TRUE(window.map(fd, 5000, 70000));
  sha1_hasher hasher;
  ASSERT_TRUE(guarded_update(hasher, window.data(), 70000));
  EXPECT_EQ(hasher.final(), sha1(std::string(70000, 'x')));
  ::close(fd);
}

TEST_F(MappedHashingTest, FileTruncatedUnderTheMappingIsReportedNotACrash) {
  const int fd = make_file(1 << 20);
  const sigbus_scope scope;
  mapped_window window;
  ASSERT_TRUE(window.map(fd, 0, 1 << 20));
  ASSERT_EQ(::ftruncate(fd, 4096), 0);
  sha1_hasher hasher;
  EXPECT_FALSE(guarded_update(hasher, window.data(), 1 << 20));
  // The thread recovered with SIGBUS unblocked: a second fault is caught the same way.
  sha1_hasher again;
  EXPECT_FALSE(guarded_update(again, window.data() + 8192, 4096));
  ::close(fd);
}

TEST_F(MappedHashingTest, TruncationOnOneThreadLeavesAnotherThreadHashing) {
  const int fd = make_file(1 << 20);
  const sigbus_scope scope;
  mapped_window window;
  ASSERT_TRUE(window.map(fd, 0, 1 << 20));
  ASSERT_EQ(::ftruncate(fd, 0), 0);
  bool other_ok = false;
  bool faulted_ok = true;
  std::thread other([&] {
    const std::string data(1 << 16, 'y');
    sha1_hasher h;
    other_ok = guarded_update(h, data.data(), data.size()) && h.final() == sha1(data);
  });
  std::thread faulting([&] {
    sha1_hasher h;
    faulted_ok = guarded_update(h, window.data(), 1 << 20);
  });
  other.join();
  faulting.join();
  EXPECT_TRUE(other_ok);
  EXPECT_FALSE(faulted_ok);
  ::close(fd);
}

TEST_F(MappedHashingTest, PreviousHandlerIsBackOnceTheLastScopeEnds) {
  struct sigaction before {};
  ASSERT_EQ(::sigaction(SIGBUS, nullptr, &before), 0);
  {
    const sigbus_scope outer;
    {
      const sigbus_scope inner;
    }
    struct sigaction during {};
    ::sigaction(SIGBUS, nullptr, &during);
    EXPECT_TRUE(during.sa_flags & SA_SIGINFO);  // still ours while one scope lives
  }
  struct sigaction after {};
  ASSERT_EQ(::sigaction(SIGBUS, nullptr, &after), 0);
  EXPECT_EQ(after.sa_handler, before.sa_handler);
  EXPECT_EQ(after.sa_flags & SA_SIGINFO, before.sa_flags & SA_SIGINFO);
}

}  // namespace
}  // namespace shoal::detail
