#include "yaml_lint.hpp"

#include <algorithm>
#include <string_view>

namespace iomtsim::scenarios::detail {
namespace {

bool ident_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool ident_char(char c) { return ident_start(c) || (c >= '0' && c <= '9') || c == '.' || c == '-'; }

// One line as the checks see it. Columns are 0-based here.
struct Line {
  int number = 0;
  int indent = 0;             // leading spaces
  std::size_t body = 0;       // first character after the indentation and any "- " markers
  std::vector<int> dashes;    // columns of the "- " sequence markers at the start
  bool content = false;       // not blank, not a comment, not inside a block scalar / flow / quote
  std::string key;            // "key" when the body is "key:" or "key: …"
  bool opens = false;         // "key:" with nothing after it (a block follows), or a bare "-"
  bool block_scalar = false;  // "key: |" or "key: >": the more indented lines are text
  int flow_change = 0;        // [ and { opened minus closed on this line, outside quotes
  bool quote_open = false;    // a quoted string still open at the end of the line
};

// Scans `text` from `from`: flow depth change, whether a quote stays open, and where a
// comment starts (npos if none).
void scan_rest(std::string_view text, std::size_t from, char& quote, int& flow,
               std::size_t& comment) {
  comment = std::string_view::npos;
  for (std::size_t i = from; i < text.size(); ++i) {
    const char c = text[i];
    if (quote != 0) {
      if (c == quote) {
        if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
          ++i;  // '' is an escaped quote inside single quotes
        } else if (!(quote == '"' && i > 0 && text[i - 1] == '\\')) {
          quote = 0;
        }
      }
      continue;
    }
    if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t')) {
      comment = i;
      return;
    }
    if ((c == '"' || c == '\'') && (i == from || text[i - 1] == ' ' || text[i - 1] == '[' ||
                                    text[i - 1] == '{' || text[i - 1] == ',' || text[i - 1] == ':'))
      quote = c;
    else if (c == '[' || c == '{')
      ++flow;
    else if ((c == ']' || c == '}') && flow > 0)
      --flow;
  }
}

std::vector<Line> scan(const std::vector<std::string>& lines) {
  std::vector<Line> out;
  int block_parent = -1;  // inside a block scalar: lines more indented than this are text
  int flow = 0;
  char quote = 0;
  for (std::size_t n = 0; n < lines.size(); ++n) {
    const std::string_view text = lines[n];
    Line l;
    l.number = static_cast<int>(n) + 1;
    std::size_t i = 0;
    while (i < text.size() && text[i] == ' ') ++i;
    l.indent = static_cast<int>(i);
    const bool blank =
        i >= text.size() || text.find_first_not_of(" \t\r") == std::string_view::npos;
    if (block_parent >= 0) {
      if (blank || l.indent > block_parent) {
        out.push_back(l);
        continue;
      }
      block_parent = -1;
    }
    if (flow > 0 || quote != 0) {  // a continuation of a flow collection or a quoted string
      std::size_t comment;
      scan_rest(text, 0, quote, flow, comment);
      out.push_back(l);
      continue;
    }
    if (blank || text[i] == '#' || text.substr(i).starts_with("---") ||
        text.substr(i).starts_with("...")) {
      out.push_back(l);
      continue;
    }
    l.content = true;
    // Sequence markers: "- ", "- - ".
    while (i < text.size() && text[i] == '-' && (i + 1 == text.size() || text[i + 1] == ' ')) {
      l.dashes.push_back(static_cast<int>(i));
      ++i;
      while (i < text.size() && text[i] == ' ') ++i;
    }
    l.body = i;
    if (i >= text.size()) {  // a bare "-": the item follows on the next lines
      l.opens = true;
      out.push_back(l);
      continue;
    }
    std::size_t k = i;
    if (ident_start(text[k])) {
      while (k < text.size() && ident_char(text[k])) ++k;
      if (k < text.size() && text[k] == ':' &&
          (k + 1 == text.size() || text[k + 1] == ' ' || text[k + 1] == '\t'))
        l.key = std::string(text.substr(i, k - i));
    }
    std::size_t value = i;
    if (!l.key.empty()) {
      value = k + 1;
      while (value < text.size() && (text[value] == ' ' || text[value] == '\t')) ++value;
    }
    const int before = flow;
    std::size_t comment;
    scan_rest(text, value, quote, flow, comment);
    l.flow_change = flow - before;
    l.quote_open = quote != 0;
    std::string_view rest = text.substr(
        value, comment == std::string_view::npos ? std::string_view::npos : comment - value);
    while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t' || rest.back() == '\r'))
      rest.remove_suffix(1);
    if (!l.key.empty() && rest.empty()) l.opens = true;
    if (!rest.empty() && (rest[0] == '|' || rest[0] == '>') &&
        rest.find_first_not_of("|>+-0123456789", 1) == std::string_view::npos) {
      l.block_scalar = true;
      block_parent = l.key.empty() ? l.indent : static_cast<int>(i);
    }
    out.push_back(l);
  }
  return out;
}

std::string quoted(std::string_view s) {
  std::string out = "'";
  out += s.substr(0, 40);
  if (s.size() > 40) out += "...";
  return out + "'";
}

}  // namespace

std::vector<LintIssue> lint_yaml(const std::vector<std::string>& lines,
                                 const std::function<bool(std::string_view)>& is_key) {
  std::vector<LintIssue> out;
  const auto scanned = scan(lines);
  for (const Line& l : scanned) {
    const std::string_view text = lines[static_cast<std::size_t>(l.number - 1)];
    // A tab where the indentation is: YAML forbids it, and parsers then report
    // something else entirely. Checked on every line that is not text of a block scalar.
    if (l.content || text.find_first_not_of(" \t") != std::string_view::npos) {
      const std::size_t first = text.find_first_not_of(' ');
      if (first != std::string_view::npos && text[first] == '\t' && (l.content || l.indent == 0)) {
        out.push_back({l.number, static_cast<int>(first) + 1,
                       "a tab in the indentation: YAML indents with spaces only (replace the tab "
                       "with spaces)"});
        continue;
      }
    }
    if (!l.content || !l.key.empty() || l.body >= text.size()) continue;
    // "key:value": a name, a colon and no space. Not "http://…", and not quoted text.
    std::size_t k = l.body;
    if (!ident_start(text[k])) continue;
    while (k < text.size() && ident_char(text[k])) ++k;
    if (k + 1 < text.size() && text[k] == ':' && text[k + 1] != ' ' && text[k + 1] != '\t' &&
        text[k + 1] != '/' && text[k + 1] != ':' && is_key(text.substr(l.body, k - l.body))) {
      std::size_t end = text.find_first_of(" \t#", k);
      if (end == std::string_view::npos) end = text.size();
      const std::string_view word = text.substr(l.body, end - l.body);
      const std::string fixed = std::string(text.substr(l.body, k - l.body + 1)) + " " +
                                std::string(text.substr(k + 1, end - k - 1));
      out.push_back({l.number, static_cast<int>(k) + 1,
                     "missing space after ':' in " + quoted(word) +
                         ": YAML reads it as one piece of text; write " + quoted(fixed)});
    }
  }
  return out;
}

std::optional<LintIssue> diagnose_yaml(const std::vector<std::string>& lines) {
  const auto scanned = scan(lines);
  // Alignment points: the columns keys and sequence items of the open blocks start at,
  // innermost last, each with the line that set it.
  struct Level {
    int column;
    int line;
    std::string key;
  };
  std::vector<Level> levels;
  const Line* previous = nullptr;
  for (const Line& l : scanned) {
    const std::string_view text = lines[static_cast<std::size_t>(l.number - 1)];
    if (!l.content) continue;
    const int col = l.indent;
    if (l.quote_open && l.number == static_cast<int>(lines.size())) {
      return LintIssue{l.number, static_cast<int>(text.find_first_of("\"'", l.body)) + 1,
                       "a quoted string that is never closed"};
    }
    if (levels.empty()) {
      levels.push_back({col, l.number, l.key});
    } else if (col > levels.back().column) {
      const bool opened = previous != nullptr && previous->opens;
      if (!opened && previous != nullptr && previous->flow_change == 0) {
        const std::string what =
            previous->key.empty()
                ? "the line above (line " + std::to_string(previous->number) + ")"
                : "'" + previous->key + "' on line " + std::to_string(previous->number);
        return LintIssue{l.number, col + 1,
                         "this line is indented more than the one above, but " + what +
                             " already has its value: line it up with the keys of its block "
                             "(column " +
                             std::to_string(levels.back().column + 1) + ")"};
      }
      levels.push_back({col, l.number, l.key});
    } else if (col < levels.back().column) {
      const Level inner = levels.back();
      while (!levels.empty() && levels.back().column > col) levels.pop_back();
      if (levels.empty() || levels.back().column != col) {
        std::string m = "the indentation does not line up: this line starts at column " +
                        std::to_string(col + 1) + ", the block above at column " +
                        std::to_string(inner.column + 1);
        if (!inner.key.empty())
          m += " ('" + inner.key + "' on line " + std::to_string(inner.line) + ")";
        if (!levels.empty())
          m += " and the one around it at column " + std::to_string(levels.back().column + 1);
        return LintIssue{l.number, col + 1, m};
      }
    }
    // A sequence item "- key: …" starts a mapping at the column of its key.
    if (!l.dashes.empty()) {
      for (std::size_t d = 1; d < l.dashes.size(); ++d)
        levels.push_back({l.dashes[d], l.number, ""});
      if (!l.key.empty()) levels.push_back({static_cast<int>(l.body), l.number, l.key});
    }
    if (l.flow_change > 0) {
      // A flow collection left open here: its end must come before the block goes on.
      int depth = l.flow_change;
      const Line* q = &l;
      for (const Line* next = &l + 1; next < scanned.data() + scanned.size() && depth > 0; ++next) {
        char quote = 0;
        int flow = 0;
        std::size_t comment;
        const std::string_view t = lines[static_cast<std::size_t>(next->number - 1)];
        scan_rest(t, 0, quote, flow, comment);
        depth += flow;
        q = next;
      }
      if (depth > 0) {
        const std::size_t at = text.find_first_of("[{", l.body);
        return LintIssue{l.number, static_cast<int>(at) + 1,
                         std::string("a '") + text[at] + "' that is never closed with '" +
                             (text[at] == '[' ? "]" : "}") + "'"};
      }
      (void)q;
    }
    previous = &l;
  }
  return std::nullopt;
}

std::string plain_yaml_message(const std::string& m) {
  if (m == "illegal map value")
    return "a ':' where YAML expects none (a value with ': ' in it needs quotes)";
  if (m == "end of map not found" || m == "end of sequence not found")
    return "the indentation does not line up with the block above";
  if (m == "end of sequence flow not found") return "a '[' list is not closed with ']'";
  if (m == "end of map flow not found") return "a '{' mapping is not closed with '}'";
  if (m == "unknown escape character")
    return "an unknown escape ('\\' followed by a letter YAML does not know) in a double-quoted "
           "string";
  if (m == "end of string not found") return "a quoted string that is never closed";
  return m;
}

}  // namespace iomtsim::scenarios::detail
