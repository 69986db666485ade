#include "iomtsim/loadgen/local_broker.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

namespace iomtsim::loadgen {
namespace {

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

// A port the kernel just handed out; it can be taken again before mosquitto binds it,
// which the caller handles by retrying.
std::uint16_t probe_free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in a = loopback(0);
  socklen_t len = sizeof a;
  std::uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

bool accepts(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in a = loopback(port);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

void stop_child(pid_t pid) {
  ::kill(pid, SIGTERM);
  for (int i = 0; i < 200; ++i) {
    if (::waitpid(pid, nullptr, WNOHANG) == pid) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
}

}  // namespace

bool LocalBroker::available() { return ::access(kBinary, X_OK) == 0; }

LocalBroker::LocalBroker(const LocalBrokerOptions& options) {
  const bool tls = !options.cert_file.empty() && !options.key_file.empty();
  if (!available())
    throw LocalBrokerError(std::string("no MQTT broker: ") + kBinary +
                           " is not installed (apt-get install mosquitto)");
  char tmpl[] = "/tmp/iomtsim-mosquitto-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) throw LocalBrokerError("cannot create a folder for mosquitto");
  dir_ = tmpl;
  const std::string conf = dir_ + "/mosquitto.conf";
  for (int attempt = 0; attempt < 5 && pid_ <= 0; ++attempt) {
    port_ = probe_free_port();
    tls_port_ = tls ? probe_free_port() : 0;
    if (port_ == 0 || (tls && (tls_port_ == 0 || tls_port_ == port_))) continue;
    {
      std::ofstream f(conf, std::ios::trunc);
      f << (options.password_file.empty() ? "allow_anonymous true\n"
                                          : "allow_anonymous false\npassword_file " + options.password_file + "\n")
        << "per_listener_settings false\npersistence false\nlog_dest none\nmax_queued_messages 100000\n"
        << "sys_interval 1\n"
        << "listener " << port_ << " 127.0.0.1\nmax_connections -1\n";
      if (tls) {
        f << "listener " << tls_port_ << " 127.0.0.1\nmax_connections -1\ncertfile " << options.cert_file
          << "\nkeyfile " << options.key_file << '\n';
        if (!options.ca_file.empty()) f << "cafile " << options.ca_file << '\n';
        if (options.require_certificate) f << "require_certificate true\n";
      }
    }
    const pid_t pid = ::fork();
    if (pid == 0) {
      // The run may block SIGINT/SIGTERM to take them on a thread of its own (the CLI's
      // SignalStop); the broker must stop on the SIGTERM its owner sends.
      sigset_t none;
      sigemptyset(&none);
      ::sigprocmask(SIG_SETMASK, &none, nullptr);
      rlimit r{};  // one descriptor per client connection: all the hard limit allows
      if (::getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
        r.rlim_cur = r.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &r);
      }
      ::execl(kBinary, kBinary, "-c", conf.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    if (pid < 0) break;
    bool up = false;
    for (int i = 0; i < 200 && !up; ++i) {
      if (::waitpid(pid, nullptr, WNOHANG) == pid) break;  // it died: port taken, retry
      up = accepts(port_) && (!tls || accepts(tls_port_));
      if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (up) pid_ = pid; else stop_child(pid);
  }
  if (pid_ <= 0) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    throw LocalBrokerError("mosquitto did not start on a loopback port");
  }
}

LocalBroker::~LocalBroker() {
  if (pid_ > 0) stop_child(pid_);
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

}  // namespace iomtsim::loadgen
