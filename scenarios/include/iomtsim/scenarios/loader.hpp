#pragma once
// Loading and validating scenario files.
//
//   auto r = scenarios::load_file("scenarios/library/postop_sepsis_ward.yaml",
//                                 {"metadata.seed=7", "cohorts.0.count=50"});
//   for (const auto& d : r.diagnostics) std::cerr << format_diagnostic(d);
//   if (r.scenario) run(*r.scenario);
//
// Every problem found is reported, not only the first; `scenario` is set only when there
// is no error. Nothing here throws on bad input or exits: binary junk, deep nesting, huge
// numbers and alias bombs become diagnostics.
//
// Includes: a top-level `include:` (a path or a list of paths, relative to the including
// file) is loaded first; the including file is then merged over it: maps merge key by
// key, lists concatenate (the included file's items first), any other value is replaced.
// Cycles are errors naming the chain.
//
// Overrides: each `key.path=value` is applied after includes; the value is YAML
// (`metadata.seed=7`, `cohorts.0.count=50`, `time.mode=simulated`); numeric path parts
// index lists. Diagnostics about them name the file `<command line>`, line N for the
// N-th override.
#include <optional>
#include <string>
#include <vector>

#include "iomtsim/scenarios/scenario.hpp"

namespace iomtsim::scenarios {

struct Diagnostic {
  SourceLocation where;    // line/column 1-based; 0 when there is no position (unreadable file)
  std::string message;     // what was expected, what was found
  std::string line_text;   // the offending line, for the caret display ("" if none)
  bool operator==(const Diagnostic&) const = default;
};

struct LoadResult {
  std::optional<Scenario> scenario;  // set only when `diagnostics` is empty
  std::vector<Diagnostic> diagnostics;
  bool ok() const { return scenario.has_value(); }
};

// Limits that keep hostile input from exhausting memory or the stack.
inline constexpr std::size_t kMaxFileBytes = 4u << 20;     // 4 MiB per file
inline constexpr int kMaxNesting = 64;                     // mapping/list depth
// Values after alias expansion, all files; a scalar counts 1 + its length / 64, so the
// tree stays under about 100 MB whatever aliases a file uses.
inline constexpr std::size_t kMaxNodes = 500'000;
inline constexpr int kMaxIncludeDepth = 16;
inline constexpr std::uint32_t kMaxPatients = 10'000'000;  // all cohorts together
inline constexpr std::size_t kMaxDiagnostics = 200;        // further ones are dropped

LoadResult load_file(const std::string& path, const std::vector<std::string>& overrides = {});

// `text` as the contents of a file named `name`; includes resolve relative to `base_dir`
// (the current directory if empty).
LoadResult load_string(const std::string& text, const std::string& name = "<string>",
                       const std::vector<std::string>& overrides = {},
                       const std::string& base_dir = "");

// "file:line:column: error: message\n  <line>\n  <caret>\n" (the last two lines only
// when the line is known).
std::string format_diagnostic(const Diagnostic& d);

// "file:line:column: message" without the source line, as tests compare it.
std::string short_diagnostic(const Diagnostic& d);

}  // namespace iomtsim::scenarios
