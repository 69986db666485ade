#include "options.hpp"

#include <iostream>

#include "command.hpp"

namespace iomtsim::cli {

std::optional<int> parse_options(std::string_view name, std::string_view usage,
                                 const po::options_description& visible,
                                 const po::positional_options_description& positional,
                                 const std::vector<std::string>& args, po::variables_map& vm,
                                 const po::options_description* hidden) {
  po::options_description all;
  all.add(visible);
  if (hidden != nullptr) all.add(*hidden);
  all.add_options()("help,h", "show this help");
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    if (vm.count("help")) {
      std::cout << "usage: iomtsim " << name << ' ' << usage << "\n\n" << visible
                << "  -h [ --help ]          show this help\n";
      return kExitOk;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "iomtsim " << name << ": " << e.what() << "\n"
              << "usage: iomtsim " << name << ' ' << usage << "\n"
              << "try 'iomtsim " << name << " --help'\n";
    return kExitUsage;
  }
  return std::nullopt;
}

}  // namespace iomtsim::cli
