#include "support/mosquitto_broker.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "support/net.hpp"

namespace iomtsim::testing {

namespace {
constexpr const char* kBinary = "/usr/sbin/mosquitto";
}

bool MosquittoBroker::available() { return ::access(kBinary, X_OK) == 0; }

MosquittoBroker::MosquittoBroker() {
  if (!available()) return;
  char tmpl[] = "/tmp/iomtsim-mosq-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return;
  dir_ = tmpl;
  // A free port can be taken between probing and binding: try a few.
  for (int attempt = 0; attempt < 5 && pid_ <= 0; ++attempt) {
    port_ = free_port();
    const std::string conf = dir_ + "/mosquitto.conf";
    {
      std::ofstream f(conf);
      f << "listener " << port_ << " 127.0.0.1\nallow_anonymous true\npersistence false\n"
        << "log_dest none\nmax_queued_messages 100000\n";
    }
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::execl(kBinary, kBinary, "-c", conf.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    if (pid < 0) return;
    // Ready when it accepts a connection (bounded wait).
    bool up = false;
    for (int i = 0; i < 200 && !up; ++i) {
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid) break;  // it died (port taken?)
      try {
        TcpClient probe(port_);
        up = true;
      } catch (...) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
    if (up) {
      pid_ = pid;
    } else {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
}

MosquittoBroker::~MosquittoBroker() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    bool done = false;
    for (int i = 0; i < 200 && !done; ++i) {
      done = ::waitpid(pid_, &status, WNOHANG) == pid_;
      if (!done) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!done) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

}  // namespace iomtsim::testing
