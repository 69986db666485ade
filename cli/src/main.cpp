// The iomtsim command: finds the subcommand and hands it the rest of the arguments.
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "command.hpp"
#include "version.hpp"

namespace {

void print_help(std::ostream& out) {
  out << "iomtsim " << iomtsim::cli::kVersion
      << " - device simulation and load testing for IoMT pipelines\n\n"
         "usage: iomtsim <command> [options]\n"
         "       iomtsim <command> --help\n"
         "       iomtsim --version\n\ncommands:\n";
  for (const auto& c : iomtsim::cli::commands()) {
    std::string n(c.name);
    n.resize(12, ' ');
    out << "  " << n << c.summary << '\n';
  }
  out << "\nexit codes:\n"
         "  0  done, and every check held\n"
         "  1  done, and a check failed: an expectation (run, simulate, replay, sweep, report\n"
         "     merge), a regression (report diff), an invalid file (validate)\n"
         "  2  could not be done: bad options, a scenario that does not load, an unreadable\n"
         "     or corrupt file, a fleet larger than this machine's memory, a failure to run\n";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace iomtsim::cli;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    print_help(std::cerr);
    return kExitUsage;
  }
  const std::string& first = args.front();
  if (first == "--help" || first == "-h" || first == "help") {
    print_help(std::cout);
    return kExitOk;
  }
  if (first == "--version" || first == "-V") {
    std::cout << "iomtsim " << kVersion << '\n';
    return kExitOk;
  }
  for (const auto& c : commands()) {
    if (c.name == first) {
      try {
        return c.run(std::vector<std::string>(args.begin() + 1, args.end()));
      } catch (const std::exception& e) {
        // Library errors that escaped a command: a message and an exit code, not a crash.
        std::cerr << "iomtsim " << first << ": error: " << e.what() << '\n';
        return kExitUsage;
      }
    }
  }
  std::cerr << "iomtsim: unknown " << (first.starts_with('-') ? "option" : "command") << " '"
            << first << "'\ntry 'iomtsim --help'\n";
  return kExitUsage;
}
