#pragma once
// The YAML mistakes people make, named for what they are at the line where they are,
// instead of the parser's words at the line where it gave up ("illegal map value" on
// the line after `count:10`). Private to the scenarios library.
//
// - lint_yaml: mistakes that change the meaning of a file even when it parses, checked
//   before parsing: a tab in the indentation, a missing space after a key's ':'
//   (`count:10` is the one string "count:10", not count 10).
// - diagnose_yaml: after the parser failed, the likely cause: an indentation that does
//   not line up with the block above, a line indented under a key that already has its
//   value, an unclosed quote or bracket; nullopt when none is found.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace iomtsim::scenarios::detail {

struct LintIssue {
  int line = 0;    // 1-based
  int column = 0;  // 1-based
  std::string message;
};

// `is_key` says whether a word is a key of the format: 'count:10' is reported, while
// 'broker.local:1883' in a list is a host and port, not a slip.
std::vector<LintIssue> lint_yaml(const std::vector<std::string>& lines,
                                 const std::function<bool(std::string_view)>& is_key);
std::optional<LintIssue> diagnose_yaml(const std::vector<std::string>& lines);

// yaml-cpp's message in plain words ("illegal map value" says nothing to most authors).
std::string plain_yaml_message(const std::string& parser_message);

}  // namespace iomtsim::scenarios::detail
