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
// What an include may reach: files under the scenario's own folder, or under one of
// `include_paths` (the command line's --include-path), with symlinks resolved before the
// check, so a link cannot lead out. An included file must be named *.yaml, *.yml or
// *.json, be text, and hold a mapping; otherwise it is refused by a message that names
// it but never shows its content. Each file is read and parsed once per load however
// often it is included (a diamond of includes costs one parse per file), and a load reads
// at most kMaxIncludedFiles files and kMaxLoadBytes bytes in all.
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
  SourceLocation where;   // line/column 1-based; 0 when there is no position (unreadable file)
  std::string message;    // what was expected, what was found
  std::string line_text;  // the offending line, for the caret display ("" if none)
  // A warning: something that loads but will probably not do what the author meant (an
  // onset after the end, a condition that reaches no patient). It does not stop a load,
  // and is reported only for a file that loads (no errors).
  bool warning = false;
  bool operator==(const Diagnostic&) const = default;
};

struct LoadResult {
  std::optional<Scenario> scenario;  // set only when no diagnostic is an error
  std::vector<Diagnostic> diagnostics;
  std::size_t files_read = 0;  // the scenario and each distinct included file, once each
  std::size_t bytes_read = 0;  // their sizes added up
  bool ok() const { return scenario.has_value(); }
  std::size_t error_count() const;    // diagnostics that are errors
  std::size_t warning_count() const;  // and warnings
};

// Limits that keep hostile input from exhausting memory or the stack.
inline constexpr std::size_t kMaxFileBytes = 4u << 20;  // 4 MiB per file
inline constexpr int kMaxNesting = 64;                  // mapping/list depth
// Values after alias expansion, all files; a scalar counts 1 + its length / 64, so the
// tree stays under about 100 MB whatever aliases a file uses.
inline constexpr std::size_t kMaxNodes = 500'000;
inline constexpr int kMaxIncludeDepth = 16;
inline constexpr std::size_t kMaxIncludedFiles = 64;       // distinct files, per load
inline constexpr std::size_t kMaxLoadBytes = 8u << 20;     // all files of one load together
inline constexpr std::uint32_t kMaxPatients = 10'000'000;  // all cohorts together
inline constexpr std::size_t kMaxDiagnostics = 200;        // further ones are dropped

// `include_paths`: folders besides the scenario's own that includes may read.
LoadResult load_file(const std::string& path, const std::vector<std::string>& overrides = {},
                     const std::vector<std::string>& include_paths = {});

// `text` as the contents of a file named `name`; includes resolve relative to `base_dir`
// (the current directory if empty), which is also the folder they must stay under.
LoadResult load_string(const std::string& text, const std::string& name = "<string>",
                       const std::vector<std::string>& overrides = {},
                       const std::string& base_dir = "",
                       const std::vector<std::string>& include_paths = {});

// "file:line:column: error: message\n  <line>\n  <caret>\n" (the last two lines only
// when the line is known); "warning:" for a warning.
std::string format_diagnostic(const Diagnostic& d);

// "file:line:column: message" without the source line, as tests compare it; a warning's
// message starts "warning: ".
std::string short_diagnostic(const Diagnostic& d);

}  // namespace iomtsim::scenarios
