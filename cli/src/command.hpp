#pragma once
// One entry per subcommand. Each lives in its own cmd_<name>.cpp, parses its own options
// with Boost.Program_options and calls library functions; no logic lives here.
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace iomtsim::cli {

// Exit codes shared by all commands. A command that runs a scenario (run, simulate, replay)
// returns its verdict's code (reports/verdict.hpp): 0 pass, 1 a threshold failed, 3 the
// delivery accounting does not balance (invalid), 128 + the signal when interrupted (130
// SIGINT, 143 SIGTERM).
inline constexpr int kExitOk = 0;
// A check failed: an expectation (run, simulate, replay, sweep, report merge), a
// regression (report diff), an invalid file (validate, whose verdict that is).
inline constexpr int kExitFailed = 1;
// Bad command line, or input the command cannot work with: a scenario that does not load
// (every command but validate), an unreadable or corrupt file, a fleet larger than this
// machine's memory.
inline constexpr int kExitUsage = 2;

struct Command {
  std::string_view name;
  std::string_view summary;
  // args excludes the program and command names.
  int (*run)(const std::vector<std::string>& args);
};

// The table, in the order `iomtsim --help` lists it (commands.cpp).
std::span<const Command> commands();

}  // namespace iomtsim::cli
