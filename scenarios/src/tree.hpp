#pragma once
// The scenario document as a plain tree with a source position on every node and key.
// yaml-cpp nodes know their line and column but not their file, and includes merge
// several files, so the loader copies each yaml-cpp document into this tree first.
// Private to the scenarios library.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "iomtsim/scenarios/loader.hpp"

namespace iomtsim::scenarios::detail {

// One source text: a file, or the command line (each override one "line").
struct SourceFile {
  std::string name;
  std::vector<std::string> lines;
};

struct Pos {
  std::shared_ptr<const SourceFile> file;
  int line = 0;    // 1-based
  int column = 0;  // 1-based
};

struct Node {
  enum class Kind : unsigned char { Null, Scalar, Sequence, Map };
  Kind kind = Kind::Null;
  std::string text;         // scalars
  std::vector<Node> items;  // sequences
  struct Entry;
  std::vector<Entry> entries;  // maps, in file order
  Pos pos;

  bool is_map() const { return kind == Kind::Map; }
  bool is_seq() const { return kind == Kind::Sequence; }
  bool is_scalar() const { return kind == Kind::Scalar; }
  const Node* get(std::string_view key) const;
  Node* get(std::string_view key);
};

struct Node::Entry {
  std::string key;
  Pos key_pos;
  Node value;
};

// Collects diagnostics, capped at kMaxDiagnostics.
class Diagnostics {
 public:
  void error(const Pos& p, std::string message);
  void warning(const Pos& p, std::string message);
  void error_no_pos(const std::string& file, std::string message);
  bool has_errors() const { return errors_ > 0; }
  std::vector<Diagnostic> take() { return std::move(list_); }
  std::size_t dropped() const { return dropped_; }  // problems found past the cap
  std::size_t count() const { return list_.size(); }
  // Drops the source line of diagnostics [first, count()): for text that must not be
  // shown back (a file an include named that turned out not to be YAML).
  void hide_line_text_from(std::size_t first) {
    for (std::size_t i = first; i < list_.size(); ++i) list_[i].line_text.clear();
  }

 private:
  void add(const Pos& p, std::string message, bool warning);
  std::vector<Diagnostic> list_;
  std::size_t dropped_ = 0;
  std::size_t errors_ = 0;
};

std::shared_ptr<SourceFile> make_source(std::string name, const std::string& text);

// How parse_yaml looks for the usual YAML slips (yaml_lint.hpp):
// - Full: the scenario file itself: tabs and missing spaces before parsing, and the
//   likely cause when the parser fails (the message may quote the file's text);
// - AfterParse: an included file, whose text must not be shown until it has parsed as
//   a YAML mapping: the slips are looked for only then;
// - None: a --set value.
enum class LintMode : unsigned char { Full, AfterParse, None };

// Parses one YAML document of `source` (text as given) into a tree. Checks the limits of
// loader.hpp; `node_budget` is shared across files and decremented. On failure reports
// and returns nullopt.
std::optional<Node> parse_yaml(const std::string& text, const std::shared_ptr<SourceFile>& source,
                               std::size_t& node_budget, Diagnostics& diags, int line_offset = 0,
                               int column_offset = 0, LintMode lint = LintMode::None);

// What kind of thing a node is, for "expected X, found Y" messages.
std::string_view kind_name(const Node& n);

}  // namespace iomtsim::scenarios::detail
