// The target as its own process: the ready line on stdout names the ephemeral ports, the
// ports answer, SIGTERM stops it cleanly (exit 0), a crash fault exits 70, a bad config
// exits 2 with file:line:column.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <fstream>

#include "iomtsim/payloads/fhir.hpp"
#include "support/net.hpp"
#include "support/readings.hpp"

namespace iomtsim::reference_target {
namespace {

using namespace iomtsim::testing;

struct Child {
  pid_t pid = -1;
  int out_fd = -1;
  int err_fd = -1;
};

Child spawn(std::vector<std::string> args) {
  int out[2], err[2];
  EXPECT_EQ(::pipe(out), 0);
  EXPECT_EQ(::pipe(err), 0);
  Child c;
  c.pid = ::fork();
  if (c.pid == 0) {
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    ::close(out[0]);
    ::close(err[0]);
    std::string command = "target";
    std::vector<char*> argv{const_cast<char*>(IOMTSIM_CLI_PATH), command.data()};
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(IOMTSIM_CLI_PATH, argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  ::close(err[1]);
  c.out_fd = out[0];
  c.err_fd = err[0];
  return c;
}

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

std::string read_all(int fd) {
  std::string s;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) s.append(buf, static_cast<std::size_t>(n));
  return s;
}

int wait_exit(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -2;
}

std::string write_config(const std::string& text) {
  char path[] = "/tmp/iomtsim-target-XXXXXX.yaml";
  const int fd = ::mkstemps(path, 5);
  EXPECT_GE(fd, 0);
  ::close(fd);
  std::ofstream(path) << text;
  return path;
}

TEST(TargetProcess, ReadyLineThenServesThenStopsOnSigterm) {
  auto child = spawn({"--http-port", "0", "--mllp-port", "0", "--proto-port", "0"});
  const auto line = read_line(child.out_fd, std::chrono::seconds(10));
  ASSERT_FALSE(line.empty());
  const auto ready = nlohmann::json::parse(line);
  const auto http_port = ready["http_port"].get<std::uint16_t>();
  EXPECT_GT(http_port, 0);
  EXPECT_GT(ready["mllp_port"].get<int>(), 0);
  EXPECT_GT(ready["proto_port"].get<int>(), 0);
  HttpClient client(http_port);
  auto res = client.post("/fhir/Observation", payloads::encode_observation(make_reading(
                                                  1, physiology::Vital::HeartRate, 70, 1, 1)));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 201);
  ::kill(child.pid, SIGTERM);
  EXPECT_EQ(wait_exit(child.pid, std::chrono::seconds(10)), 0);
  EXPECT_TRUE(client.tcp().wait_closed(std::chrono::seconds(5)));
  ::close(child.out_fd);
  ::close(child.err_fd);
}

TEST(TargetProcess, CrashFaultEndsTheProcess) {
  const auto cfg = write_config(
      "http: {port: 0}\nmllp: {port: 0}\nproto: {port: 0}\nfaults: {crash_after: 200ms}\n");
  auto child = spawn({"--config", cfg});
  ASSERT_FALSE(read_line(child.out_fd, std::chrono::seconds(10)).empty());
  EXPECT_EQ(wait_exit(child.pid, std::chrono::seconds(10)), 70);
  ::close(child.out_fd);
  ::close(child.err_fd);
  ::unlink(cfg.c_str());
}

TEST(TargetProcess, BadConfigExits2WithLocation) {
  const auto cfg = write_config("http:\n  port: -1\n");
  auto child = spawn({"--config", cfg});
  EXPECT_EQ(wait_exit(child.pid, std::chrono::seconds(10)), 2);
  const auto err = read_all(child.err_fd);
  EXPECT_NE(err.find(cfg + ":2:9: "), std::string::npos) << err;
  ::close(child.out_fd);
  ::close(child.err_fd);
  ::unlink(cfg.c_str());
}

}  // namespace
}  // namespace iomtsim::reference_target
