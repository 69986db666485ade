#include "support/target_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/net.hpp"

namespace iomtsim::testing {

namespace {

std::string read_line(int fd, std::chrono::milliseconds timeout) {
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (line.empty() || line.back() != '\n') {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char ch;
    if (::read(fd, &ch, 1) != 1) break;
    line += ch;
  }
  return line;
}

}  // namespace

TargetProcess::TargetProcess(const std::string& yaml, std::optional<std::uint64_t> nofile_soft) {
  char path[] = "/tmp/iomtsim-limits-XXXXXX.yaml";
  const int cfd = ::mkstemps(path, 5);
  if (cfd < 0) throw std::runtime_error("mkstemps failed");
  ::close(cfd);
  config_path_ = path;
  std::ofstream(config_path_) << yaml;

  int out[2], err[2];
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  pid = ::fork();
  if (pid == 0) {
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    if (nofile_soft) {
      rlimit r{};
      ::getrlimit(RLIMIT_NOFILE, &r);
      r.rlim_cur = std::min<rlim_t>(*nofile_soft, r.rlim_max);
      ::setrlimit(RLIMIT_NOFILE, &r);
    }
    std::vector<std::string> args = {IOMTSIM_CLI_PATH, "target",    "--config",    config_path_,
                                     "--http-port",    "0",         "--mllp-port", "0",
                                     "--proto-port",   "0"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(IOMTSIM_CLI_PATH, argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  ::close(err[1]);
  out_fd_ = out[0];
  err_fd_ = err[0];
  const auto line = read_line(out_fd_, std::chrono::seconds(20));
  if (line.empty()) return;
  const auto ready = nlohmann::json::parse(line, nullptr, false);
  if (!ready.is_object()) return;
  http_port = ready.value("http_port", std::uint16_t{0});
  mllp_port = ready.value("mllp_port", std::uint16_t{0});
  proto_port = ready.value("proto_port", std::uint16_t{0});
}

TargetProcess::~TargetProcess() {
  stop();
  if (out_fd_ >= 0) ::close(out_fd_);
  if (err_fd_ >= 0) ::close(err_fd_);
  ::unlink(config_path_.c_str());
}

std::uint64_t TargetProcess::status_kib(const std::string& field) const {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(field + ":")) return std::strtoull(line.c_str() + field.size() + 1, nullptr, 10);
  }
  return 0;
}

double TargetProcess::metric(const std::string& series) const {
  try {
    HttpClient client(http_port);
    const auto res = client.request("GET", "/metrics", {}, {}, std::chrono::seconds(10));
    if (!res || res->status != 200) return -1;
    return prometheus_value(res->body, series);
  } catch (const std::exception&) {
    return -1;
  }
}

bool TargetProcess::alive() const {
  if (stopped_ || pid <= 0) return false;
  int status = 0;
  return ::waitpid(pid, &status, WNOHANG) == 0;
}

int TargetProcess::stop() {
  if (stopped_ || pid <= 0) return exit_code_;
  stopped_ = true;
  ::kill(pid, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return exit_code_ = -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string TargetProcess::stderr_text() const {
  std::string s;
  char buf[4096];
  const int flags = ::fcntl(err_fd_, F_GETFL);
  ::fcntl(err_fd_, F_SETFL, flags | O_NONBLOCK);
  ssize_t n;
  while ((n = ::read(err_fd_, buf, sizeof buf)) > 0) s.append(buf, static_cast<std::size_t>(n));
  return s;
}

std::uint64_t raise_own_nofile(std::uint64_t want) {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) != 0) return 0;
  if (r.rlim_cur < want) {
    r.rlim_cur = std::min<rlim_t>(want, r.rlim_max);
    ::setrlimit(RLIMIT_NOFILE, &r);
    ::getrlimit(RLIMIT_NOFILE, &r);
  }
  return r.rlim_cur;
}

}  // namespace iomtsim::testing
