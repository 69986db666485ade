#pragma once
// Running the built `iomtsim` binary as a user would, for CLI tests (run_cli needs the test
// target to define IOMTSIM_CLI_PATH, the binary's path), and any other command.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace iomtsim::testing {

struct CliRun {
  int exit_code = -1;  // -1: did not exit normally (a crash)
  std::string out;     // stdout (and stderr unless told otherwise)
};

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Any shell command line; its stdout (redirect stderr in `cmd` to keep it).
inline CliRun run_command(const std::string& cmd) {
  CliRun r;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(p);
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  return r;
}

#ifdef IOMTSIM_CLI_PATH
inline CliRun run_cli(const std::string& args, bool with_stderr = true) {
  return run_command(shell_quote(IOMTSIM_CLI_PATH) + " " + args + (with_stderr ? " 2>&1" : " 2>/dev/null"));
}
#endif

inline bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

}  // namespace iomtsim::testing
