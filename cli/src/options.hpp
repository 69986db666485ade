#pragma once
// Shared option parsing for subcommands: --help handling and uniform error messages.
#include <boost/program_options.hpp>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace iomtsim::cli {

namespace po = boost::program_options;

// Parses `args` for command `name`. On --help prints usage and returns kExitOk; on a bad
// option prints "iomtsim NAME: <what>" and returns kExitUsage; otherwise nullopt and
// `vm` holds the values.
std::optional<int> parse_options(std::string_view name, std::string_view usage,
                                 const po::options_description& visible,
                                 const po::positional_options_description& positional,
                                 const std::vector<std::string>& args, po::variables_map& vm,
                                 const po::options_description* hidden = nullptr);

}  // namespace iomtsim::cli
