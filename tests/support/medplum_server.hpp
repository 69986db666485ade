#pragma once
// The third-party FHIR server of the tests as a child process: Medplum's FHIR router behind
// tests/support/medplum/server.js (its options are listed there), started with `node` on an
// ephemeral 127.0.0.1 port and stopped (SIGTERM, then SIGKILL) when this goes out of scope.
// Every wait is a bounded loop. scripts/install-test-deps.sh installs its npm packages.
//
//   iomtsim::testing::MedplumServer fhir({"--token", "t0k3n", "--check-references"});
//   ASSERT_TRUE(fhir.ok()) << fhir.error();
//   scenario.target.http = scenarios::Endpoint{"127.0.0.1", fhir.port(), false};
//   ...
//   auto s = fhir.stats();            // GET /_stats: {"duplicates": 0, ...}
//   EXPECT_EQ(s["duplicates"], 0);
//
// The test target must define IOMTSIM_SOURCE_DIR (iomtsim_add_test does).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/child_process.hpp"
#include "support/http_get.hpp"

extern char** environ;

namespace iomtsim::testing {

class MedplumServer {
 public:
  static std::string script_dir() {
    return std::string(IOMTSIM_SOURCE_DIR) + "/tests/support/medplum";
  }

  explicit MedplumServer(std::vector<std::string> options,
                         std::chrono::seconds start_timeout = std::chrono::seconds(180)) {
    namespace fs = std::filesystem;
    if (!fs::exists(script_dir() + "/node_modules/@medplum/fhir-router")) {
      error_ = "Medplum is not installed: run scripts/install-test-deps.sh";
      return;
    }
    std::vector<std::string> argv_s = {"node", script_dir() + "/server.js", "--port", "0",
                                       "--quiet"};
    argv_s.insert(argv_s.end(), options.begin(), options.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) {
      error_ = "pipe failed";
      return;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    const int rc = ::posix_spawnp(&pid_, "node", &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    ::close(out[1]);
    if (rc != 0) {
      ::close(out[0]);
      pid_ = -1;
      error_ = "cannot start node (is Node.js installed?)";
      return;
    }
    out_ = out[0];
    // The ready line: {"ready":true,"port":P}
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + start_timeout;
    while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, 200) <= 0) continue;
      char buf[256];
      const auto n = ::read(out_, buf, sizeof buf);
      if (n <= 0) break;  // exited
      line.append(buf, static_cast<std::size_t>(n));
    }
    const auto j = nlohmann::json::parse(line.substr(0, line.find('\n')), nullptr, false);
    if (j.is_discarded() || !j.contains("port")) {
      error_ = "Medplum wrapper did not start: '" + line + "'";
      stop();
      return;
    }
    port_ = j["port"].get<std::uint16_t>();
  }

  ~MedplumServer() { stop(); }
  MedplumServer(const MedplumServer&) = delete;
  MedplumServer& operator=(const MedplumServer&) = delete;

  bool ok() const { return port_ != 0; }
  const std::string& error() const { return error_; }
  std::uint16_t port() const { return port_; }
  std::string url(const std::string& path = "/fhir") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  // GET /_stats as JSON (an empty object when it does not answer).
  nlohmann::json stats() const {
    auto r = http_request(port_, "GET", "/_stats");
    if (!r || r->status != 200) return nlohmann::json::object();
    auto j = nlohmann::json::parse(r->body, nullptr, false);
    return j.is_discarded() ? nlohmann::json::object() : j;
  }

  // A request to the server (e.g. to seed patients); `headers` are "Name: value\r\n" lines.
  std::optional<SimpleResponse> request(const std::string& method, const std::string& path,
                                        const std::string& body = {},
                                        const std::string& headers = {}) const {
    return http_request(port_, method, path, body, headers);
  }

  void stop() {
    stop_child(pid_, std::chrono::milliseconds(5000));
    if (out_ >= 0) ::close(out_);
    out_ = -1;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::uint16_t port_ = 0;
  std::string error_;
};

}  // namespace iomtsim::testing
