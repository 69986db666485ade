#pragma once
// One entry per subcommand. Each lives in its own cmd_<name>.cpp, parses its own options
// with Boost.Program_options and calls library functions; no logic lives here.
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace iomtsim::cli {

// Exit codes shared by all commands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;  // thresholds failed, invalid scenario, …
inline constexpr int kExitUsage = 2;   // bad command line or unreadable input

struct Command {
  std::string_view name;
  std::string_view summary;
  // args excludes the program and command names.
  int (*run)(const std::vector<std::string>& args);
};

// The table, in the order `iomtsim --help` lists it (commands.cpp).
std::span<const Command> commands();

}  // namespace iomtsim::cli
