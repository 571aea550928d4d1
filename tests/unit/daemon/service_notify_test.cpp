#include "shoal/daemon/service_notify.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

namespace {

// Plays the service manager: a unix datagram socket bound to `name` (a path, or '@' + an abstract name),
// named by NOTIFY_SOCKET for the test's length.
class notify_socket {
 public:
  explicit notify_socket(const std::string& name) : name_(name) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, name.data(), name.size());
    if (name[0] == '@') addr.sun_path[0] = '\0';
    const auto size =
        static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size() + (name[0] == '@' ? 0 : 1));
    bound_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<const sockaddr*>(&addr), size) == 0;
    timeval t{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &t, sizeof t);
    ::setenv("NOTIFY_SOCKET", name.c_str(), 1);
  }
  ~notify_socket() {
    ::unsetenv("NOTIFY_SOCKET");
    if (fd_ >= 0) ::close(fd_);
    if (name_[0] == '/') std::filesystem::remove(name_);
  }
  bool bound() const { return bound_; }
  // The next datagram; empty after 5 s without one.
  std::string receive() {
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  }

 private:
  std::string name_;
  int fd_ = -1;
  bool bound_ = false;
};

std::string temp_socket_path() {
  return (std::filesystem::temp_directory_path() / ("shoal-notify-" + std::to_string(::getpid()) + ".sock"))
      .string();
}

}  // namespace

TEST(ServiceNotify, SendsTheStatesToAPathSocket) {
  notify_socket s(temp_socket_path());
  ASSERT_TRUE(s.bound());
  shoal::daemon::notify_ready("3 torrents");
  EXPECT_EQ(s.receive(), "READY=1\nSTATUS=3 torrents");
  shoal::daemon::notify_reloading();
  EXPECT_EQ(s.receive(), "RELOADING=1\nSTATUS=reloading the configuration");
  shoal::daemon::notify_ready("");
  EXPECT_EQ(s.receive(), "READY=1");
  shoal::daemon::notify_stopping();
  EXPECT_EQ(s.receive(), "STOPPING=1\nSTATUS=stopping the torrents");
}

TEST(ServiceNotify, SendsToAnAbstractSocket) {
  notify_socket s("@shoal-notify-test-" + std::to_string(::getpid()));
  ASSERT_TRUE(s.bound());
  ASSERT_TRUE(shoal::daemon::service_notify("READY=1"));
  EXPECT_EQ(s.receive(), "READY=1");
}

TEST(ServiceNotify, NothingToDoOutsideAServiceManager) {
  ::unsetenv("NOTIFY_SOCKET");
  EXPECT_TRUE(shoal::daemon::service_notify("READY=1"));
  ::setenv("NOTIFY_SOCKET", "", 1);
  EXPECT_TRUE(shoal::daemon::service_notify("READY=1"));
  ::unsetenv("NOTIFY_SOCKET");
}

TEST(ServiceNotify, BadAddressesAreErrorsThatNameThem) {
  ::setenv("NOTIFY_SOCKET", "relative.sock", 1);
  auto r = shoal::daemon::service_notify("READY=1");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.code(), shoal::error_code::invalid_data);
  EXPECT_NE(r.message().find("relative.sock"), std::string::npos) << r.message();

  ::setenv("NOTIFY_SOCKET", ("/" + std::string(200, 'x')).c_str(), 1);
  r = shoal::daemon::service_notify("READY=1");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.code(), shoal::error_code::invalid_data);

  const std::string missing = temp_socket_path() + ".missing";
  ::setenv("NOTIFY_SOCKET", missing.c_str(), 1);
  r = shoal::daemon::service_notify("READY=1");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.code(), shoal::error_code::io);
  EXPECT_NE(r.message().find(missing), std::string::npos) << r.message();
  ::unsetenv("NOTIFY_SOCKET");
}
