#include "tree.hpp"

#include "keys.hpp"
#include "yaml_lint.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <sstream>

namespace iomtsim::scenarios::detail {

const Node* Node::get(std::string_view key) const {
  for (const auto& e : entries) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

Node* Node::get(std::string_view key) {
  for (auto& e : entries) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

void Diagnostics::error(const Pos& p, std::string message) { add(p, std::move(message), false); }
void Diagnostics::warning(const Pos& p, std::string message) { add(p, std::move(message), true); }

void Diagnostics::add(const Pos& p, std::string message, bool warning) {
  if (!warning) ++errors_;  // counted even past the cap: the load must still fail
  if (list_.size() >= kMaxDiagnostics) {
    ++dropped_;
    return;
  }
  Diagnostic d;
  d.message = std::move(message);
  d.warning = warning;
  if (p.file) {
    d.where.file = p.file->name;
    d.where.line = p.line;
    d.where.column = p.column;
    if (p.line >= 1 && static_cast<std::size_t>(p.line) <= p.file->lines.size()) {
      d.line_text = p.file->lines[static_cast<std::size_t>(p.line - 1)];
    }
  }
  // The same problem reached twice (a node merged from two places) is reported once.
  for (const auto& old : list_) {
    if (old == d) return;
  }
  list_.push_back(std::move(d));
}

void Diagnostics::error_no_pos(const std::string& file, std::string message) {
  ++errors_;
  if (list_.size() >= kMaxDiagnostics) {
    ++dropped_;
    return;
  }
  Diagnostic d;
  d.where.file = file;
  d.message = std::move(message);
  list_.push_back(std::move(d));
}

std::shared_ptr<SourceFile> make_source(std::string name, const std::string& text) {
  auto src = std::make_shared<SourceFile>();
  src->name = std::move(name);
  std::string line;
  for (char c : text) {
    if (c == '\n') {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      src->lines.push_back(std::move(line));
      line.clear();
    } else {
      line.push_back(c);
    }
  }
  src->lines.push_back(std::move(line));
  return src;
}

std::string_view kind_name(const Node& n) {
  switch (n.kind) {
    case Node::Kind::Null:
      return "nothing";
    case Node::Kind::Scalar:
      return "a value";
    case Node::Kind::Sequence:
      return "a list";
    case Node::Kind::Map:
      return "a mapping";
  }
  return "?";
}

namespace {

struct Converter {
  std::shared_ptr<SourceFile> source;
  std::size_t& budget;
  Diagnostics& diags;
  int line_offset;
  int column_offset;
  bool failed = false;

  Pos pos(const YAML::Mark& m) const {
    Pos p;
    p.file = source;
    if (m.line < 0) return p;  // yaml-cpp's null mark
    p.line = m.line + 1 + line_offset;
    p.column = m.column + 1 + (m.line == 0 ? column_offset : 0);
    return p;
  }

  // Depth guards hostile nesting and alias cycles (`&a [*a]` is a graph with a loop);
  // the budget guards alias expansion ("billion laughs").
  Node convert(const YAML::Node& y, int depth) {
    Node n;
    n.pos = pos(y.Mark());
    if (failed) return n;
    if (depth > kMaxNesting) {
      diags.error(n.pos, "nesting deeper than " + std::to_string(kMaxNesting) +
                             " levels (or an alias that refers to itself)");
      failed = true;
      return n;
    }
    if (budget == 0) {
      diags.error(n.pos, "document too large: more than " + std::to_string(kMaxNodes) +
                             " values after expanding aliases");
      failed = true;
      return n;
    }
    --budget;
    switch (y.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        n.kind = Node::Kind::Null;
        break;
      case YAML::NodeType::Scalar:
        n.kind = Node::Kind::Scalar;
        // An alias to a long scalar repeated many times costs its length each time.
        if (y.Scalar().size() / 64 >= budget) {
          diags.error(n.pos, "document too large: more than " + std::to_string(kMaxNodes) +
                                 " values after expanding aliases");
          failed = true;
          return n;
        }
        budget -= y.Scalar().size() / 64;
        n.text = y.Scalar();
        break;
      case YAML::NodeType::Sequence:
        n.kind = Node::Kind::Sequence;
        for (const auto& item : y) {
          n.items.push_back(convert(item, depth + 1));
          if (failed) break;
        }
        break;
      case YAML::NodeType::Map:
        n.kind = Node::Kind::Map;
        for (const auto& kv : y) {
          Node::Entry e;
          e.key_pos = pos(kv.first.Mark());
          if (!kv.first.IsScalar()) {
            diags.error(e.key_pos, "keys must be plain names, found a " +
                                       std::string(kv.first.IsMap() ? "mapping" : "list or null"));
            continue;
          }
          e.key = kv.first.Scalar();
          if (const Node* prev = n.get(e.key)) {
            (void)prev;
            int first_line = 0;
            for (const auto& old : n.entries) {
              if (old.key == e.key) first_line = old.key_pos.line;
            }
            diags.error(e.key_pos, "duplicate key '" + e.key + "' (first given on line " +
                                       std::to_string(first_line) + ")");
            continue;
          }
          e.value = convert(kv.second, depth + 1);
          n.entries.push_back(std::move(e));
          if (failed) break;
        }
        break;
    }
    return n;
  }
};

// Flow collections nest without indentation, so "[[[[…" can reach yaml-cpp's recursive
// descent long before our tree conversion sees it; stop them before parsing.
bool prescan(const std::string& text, const std::shared_ptr<SourceFile>& source, Diagnostics& diags,
             int line_offset, int column_offset) {
  int depth = 0;
  int line = 1;
  int column = 0;
  char quote = 0;
  bool comment = false;
  char prev = '\n';
  for (char c : text) {
    ++column;
    if (c == '\n') {
      ++line;
      column = 0;
      comment = false;
      prev = c;
      continue;
    }
    if (c == '\0') {
      Pos p{source, line + line_offset, column + (line == 1 ? column_offset : 0)};
      diags.error(p, "not a text file: NUL byte");
      return false;
    }
    if (comment) continue;
    if (quote != 0) {
      if (c == quote && !(quote == '"' && prev == '\\')) quote = 0;
    } else if (c == '#' && (prev == ' ' || prev == '\t' || prev == '\n' || column == 1)) {
      comment = true;
    } else if (c == '"' || c == '\'') {
      if (prev == ' ' || prev == '[' || prev == '{' || prev == ',' || prev == ':' || prev == '\n' ||
          column == 1 || prev == '-')
        quote = c;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxNesting) {
        Pos p{source, line + line_offset, column + (line == 1 ? column_offset : 0)};
        diags.error(p, "nesting deeper than " + std::to_string(kMaxNesting) + " levels");
        return false;
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
    prev = (c == '\\' && prev == '\\') ? ' ' : c;
  }
  return true;
}

// Counts parse events without building anything, to refuse documents with too many
// values before yaml-cpp's node graph (a few hundred bytes per value) is built.
struct TooManyEvents {
  YAML::Mark mark;
};
struct EventCounter : YAML::EventHandler {
  std::size_t limit;
  std::size_t count = 0;
  std::optional<YAML::Mark> first;
  explicit EventCounter(std::size_t l) : limit(l) {}
  void note(const YAML::Mark& m) {
    if (!first) first = m;
    if (++count > limit) throw TooManyEvents{m};
  }
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { note(m); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { note(m); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                const std::string&) override {
    note(m);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    note(m);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    note(m);
  }
  void OnMapEnd() override {}
};

}  // namespace

std::optional<Node> parse_yaml(const std::string& text, const std::shared_ptr<SourceFile>& source,
                               std::size_t& node_budget, Diagnostics& diags, int line_offset,
                               int column_offset, LintMode lint) {
  if (!prescan(text, source, diags, line_offset, column_offset)) return std::nullopt;
  // One message per mistake: a slip the lint names is reported alone, not followed by
  // what the parser or the readers make of the text it broke.
  auto report_lint = [&] {
    const auto issues = lint_yaml(source->lines, [](std::string_view word) {
      for (const auto& object : object_defs())
        for (const auto& key : object.keys)
          if (key.name == word) return true;
      // Vitals are the keys of `baseline:` and of `measures:` maps.
      const auto vitals = enum_values("vital");
      return std::find(vitals.begin(), vitals.end(), word) != vitals.end();
    });
    for (const auto& i : issues) diags.error(Pos{source, i.line, i.column}, i.message);
    return !issues.empty();
  };
  if (lint == LintMode::Full && report_lint()) return std::nullopt;
  auto at = [&](const YAML::Mark& m) {
    Pos p{source, 1 + line_offset, 1 + column_offset};
    if (!m.is_null()) {
      p.line = m.line + 1 + line_offset;
      p.column = m.column + 1 + (m.line == 0 ? column_offset : 0);
    }
    return p;
  };
  YAML::Node doc;
  try {
    // First pass: count values, and look for a second document. yaml-cpp 0.7's LoadAll
    // never ends on some malformed input (a stray ',' after a block yields empty
    // documents forever, jbeder/yaml-cpp#1040), so documents are taken one at a time.
    std::istringstream in(text);
    YAML::Parser parser(in);
    EventCounter first(node_budget);
    parser.HandleNextDocument(first);
    EventCounter second(node_budget);
    parser.HandleNextDocument(second);
    if (second.first) {
      diags.error(at(*second.first),
                  "unexpected content after the end of the document (a scenario is one YAML "
                  "document)");
      return std::nullopt;
    }
    if (!first.first) {
      Node empty;
      empty.pos = Pos{source, 1 + line_offset, 1 + column_offset};
      return empty;
    }
    doc = YAML::Load(text);
  } catch (const TooManyEvents& e) {
    diags.error(at(e.mark), "document too large: more than " + std::to_string(kMaxNodes) +
                                " values after expanding aliases");
    return std::nullopt;
  } catch (const YAML::Exception& e) {
    const Pos where = at(e.mark);
    // The cause usually comes before the line where the parser gave up.
    if (lint == LintMode::Full) {
      if (auto cause = diagnose_yaml(source->lines); cause && cause->line <= where.line) {
        diags.error(Pos{source, cause->line, cause->column}, "invalid YAML: " + cause->message);
        return std::nullopt;
      }
    }
    std::string msg = e.msg.empty() ? std::string("invalid YAML") : plain_yaml_message(e.msg);
    diags.error(where, "invalid YAML: " + msg);
    return std::nullopt;
  } catch (const std::exception& e) {
    diags.error(Pos{source, 1 + line_offset, 1 + column_offset},
                std::string("invalid YAML: ") + e.what());
    return std::nullopt;
  }
  Converter conv{source, node_budget, diags, line_offset, column_offset};
  try {
    Node n = conv.convert(doc, 0);
    if (conv.failed) return std::nullopt;
    if (lint == LintMode::AfterParse && n.is_map() && report_lint()) return std::nullopt;
    return n;
  } catch (const std::exception& e) {
    diags.error(Pos{source, 1 + line_offset, 1 + column_offset},
                std::string("invalid YAML: ") + e.what());
    return std::nullopt;
  }
}

}  // namespace iomtsim::scenarios::detail
