#include "iomtsim/scenarios/loader.hpp"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "read.hpp"
#include "reader.hpp"
#include "tree.hpp"

namespace iomtsim::scenarios {
namespace fs = std::filesystem;
using namespace detail;

namespace {

struct Loading {
  Diagnostics diags;
  std::size_t budget = kMaxNodes;
  std::vector<std::string> chain;  // canonical paths of the files being loaded, outermost first
  fs::path root_dir;               // the outermost file's folder: messages show paths from there
  std::string display(const std::string& canonical) const {
    if (root_dir.empty()) return canonical;
    return fs::path(canonical).lexically_relative(root_dir).string();
  }
};

// Reads a file up to the size limit; nullopt with `why` on failure.
std::optional<std::string> read_text(const fs::path& path, std::string& why) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    why = "no such file";
    return std::nullopt;
  }
  if (fs::is_directory(path, ec)) {
    why = "is a directory";
    return std::nullopt;
  }
  // Devices and pipes (/dev/stdin, /dev/zero) could block or never end.
  if (!fs::is_regular_file(path, ec)) {
    why = "not a regular file";
    return std::nullopt;
  }
  const auto size = fs::file_size(path, ec);
  if (!ec && size > kMaxFileBytes) {
    why = "file too large (" + std::to_string(size) + " bytes; the limit is " +
          std::to_string(kMaxFileBytes) + ")";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    why = "cannot open for reading";
    return std::nullopt;
  }
  std::string text;
  text.resize(kMaxFileBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxFileBytes) {
    why = "file too large (the limit is " + std::to_string(kMaxFileBytes) + " bytes)";
    return std::nullopt;
  }
  return text;
}

void merge(Node& base, Node&& over) {
  if (base.is_map() && over.is_map()) {
    for (auto& e : over.entries) {
      if (Node* existing = base.get(e.key)) {
        merge(*existing, std::move(e.value));
      } else {
        base.entries.push_back(std::move(e));
      }
    }
    return;
  }
  if (base.is_seq() && over.is_seq()) {
    for (auto& item : over.items) base.items.push_back(std::move(item));
    return;
  }
  base = std::move(over);
}

std::string chain_text(const Loading& L, const std::string& last) {
  std::string out;
  for (const auto& c : L.chain) out += L.display(c) + " -> ";
  return out + L.display(last);
}

std::optional<Node> load_tree(const std::string& text, const std::string& name,
                              const fs::path& base_dir, Loading& L);

// Resolves the `include:` of `root` (removing it) and returns the merged document.
Node resolve_includes(Node root, const fs::path& base_dir, Loading& L) {
  if (!root.is_map()) return root;
  const Node* inc = root.get("include");
  if (inc == nullptr) return root;
  std::vector<const Node*> paths;
  if (inc->is_scalar()) {
    paths.push_back(inc);
  } else if (inc->is_seq()) {
    for (const auto& item : inc->items) {
      if (item.is_scalar()) {
        paths.push_back(&item);
      } else {
        L.diags.error(item.pos, "expected a file name in 'include', found " + std::string(kind_name(item)));
      }
    }
  } else {
    L.diags.error(inc->pos, "expected a file name or a list of file names for 'include', found " +
                                std::string(kind_name(*inc)));
  }
  Node merged;
  merged.kind = Node::Kind::Map;
  merged.pos = root.pos;
  for (const Node* p : paths) {
    const fs::path target = base_dir / p->text;
    std::error_code ec;
    fs::path canon = fs::weakly_canonical(target, ec);
    if (ec) canon = target;
    const std::string key = canon.string();
    bool cycle = false;
    for (const auto& c : L.chain) cycle = cycle || c == key;
    if (cycle) {
      L.diags.error(p->pos, "include cycle: " + chain_text(L, key));
      continue;
    }
    if (static_cast<int>(L.chain.size()) >= kMaxIncludeDepth) {
      L.diags.error(p->pos, "includes nested deeper than " + std::to_string(kMaxIncludeDepth));
      continue;
    }
    std::string why;
    auto text = read_text(target, why);
    if (!text) {
      L.diags.error(p->pos, "cannot include '" + p->text + "': " + why);
      continue;
    }
    L.chain.push_back(key);
    auto sub = load_tree(*text, target.lexically_normal().string(), canon.parent_path(), L);
    L.chain.pop_back();
    if (sub) {
      if (!sub->is_map() && sub->kind != Node::Kind::Null) {
        L.diags.error(sub->pos, "an included file must be a mapping, found " + std::string(kind_name(*sub)));
      } else if (sub->is_map()) {
        merge(merged, std::move(*sub));
      }
    }
  }
  std::erase_if(root.entries, [](const Node::Entry& e) { return e.key == "include"; });
  merge(merged, std::move(root));
  return merged;
}

std::optional<Node> load_tree(const std::string& text, const std::string& name,
                              const fs::path& base_dir, Loading& L) {
  auto source = make_source(name, text);
  auto root = parse_yaml(text, source, L.budget, L.diags);
  if (!root) return std::nullopt;
  return resolve_includes(std::move(*root), base_dir, L);
}

// Applies `key.path=value` overrides; diagnostics name "<command line>", line = index.
void apply_overrides(Node& root, const std::vector<std::string>& overrides, Loading& L) {
  auto source = std::make_shared<SourceFile>();
  source->name = "<command line>";
  source->lines = overrides;
  for (std::size_t i = 0; i < overrides.size(); ++i) {
    const std::string& o = overrides[i];
    const int line = static_cast<int>(i) + 1;
    const auto eq = o.find('=');
    if (eq == std::string::npos || eq == 0) {
      L.diags.error(Pos{source, line, 1}, "expected 'key.path=value', found '" + o + "'");
      continue;
    }
    const std::string value = o.substr(eq + 1);
    auto parsed = parse_yaml(value, source, L.budget, L.diags, static_cast<int>(i),
                             static_cast<int>(eq + 1));
    if (!parsed) continue;
    if (parsed->kind == Node::Kind::Null && value.empty()) {
      L.diags.error(Pos{source, line, static_cast<int>(eq) + 2}, "missing value after '='");
      continue;
    }
    Node* at = &root;
    std::size_t start = 0;
    bool failed = false;
    while (!failed) {
      const auto dot = o.find('.', start);
      const std::size_t end = (dot == std::string::npos || dot > eq) ? eq : dot;
      const std::string part = o.substr(start, end - start);
      const Pos part_pos{source, line, static_cast<int>(start) + 1};
      if (part.empty()) {
        L.diags.error(part_pos, "empty key in '" + o.substr(0, eq) + "'");
        failed = true;
        break;
      }
      Node* next = nullptr;
      if (at->is_seq()) {
        std::size_t idx = 0;
        bool numeric = !part.empty() && part.size() < 10 &&
                       part.find_first_not_of("0123456789") == std::string::npos;
        if (numeric) idx = std::stoul(part);
        if (!numeric || idx >= at->items.size()) {
          L.diags.error(part_pos, "'" + part + "' is not an index of this list (it has " +
                                      std::to_string(at->items.size()) + " items)");
          failed = true;
          break;
        }
        next = &at->items[idx];
      } else {
        if (at->kind == Node::Kind::Null) {
          at->kind = Node::Kind::Map;
        } else if (!at->is_map()) {
          L.diags.error(part_pos, "cannot set '" + part + "' inside a single value");
          failed = true;
          break;
        }
        next = at->get(part);
        if (next == nullptr) {
          Node::Entry e;
          e.key = part;
          e.key_pos = part_pos;
          e.value.pos = part_pos;
          at->entries.push_back(std::move(e));
          next = &at->entries.back().value;
        }
      }
      at = next;
      if (end == eq) break;
      start = end + 1;
    }
    if (!failed) *at = std::move(*parsed);
  }
}

LoadResult finish(std::optional<Node> root, const std::string& name,
                  const std::vector<std::string>& overrides, Loading& L) {
  LoadResult result;
  if (root) {
    apply_overrides(*root, overrides, L);
    Reader reader(L.diags);
    Scenario s = read_scenario(*root, reader);
    s.source_file = name;
    if (!L.diags.has_errors()) result.scenario = std::move(s);
  }
  const std::size_t dropped = L.diags.dropped();
  result.diagnostics = L.diags.take();
  // Readers run in dependency order (profiles before the cohorts that use them); a
  // person reads top to bottom, so sort by position, the command line last.
  // Files keep the order in which they first reported (a strict order for the sort).
  std::vector<std::string> files;
  auto file_rank = [&](const Diagnostic& d) -> std::size_t {
    if (d.where.file == "<command line>") return SIZE_MAX;
    for (std::size_t i = 0; i < files.size(); ++i) {
      if (files[i] == d.where.file) return i;
    }
    files.push_back(d.where.file);
    return files.size() - 1;
  };
  for (const auto& d : result.diagnostics) (void)file_rank(d);
  std::stable_sort(result.diagnostics.begin(), result.diagnostics.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) {
                     const std::size_t fa = file_rank(a), fb = file_rank(b);
                     if (fa != fb) return fa < fb;
                     if (a.where.line != b.where.line) return a.where.line < b.where.line;
                     return a.where.column < b.where.column;
                   });
  if (dropped > 0 && !result.diagnostics.empty()) {
    Diagnostic note;
    note.where.file = result.diagnostics.back().where.file;
    note.message = "too many errors: " + std::to_string(dropped) + " more not shown";
    result.diagnostics.push_back(std::move(note));
  }
  return result;
}

}  // namespace

LoadResult load_file(const std::string& path, const std::vector<std::string>& overrides) {
  Loading L;
  std::string why;
  auto text = read_text(path, why);
  if (!text) {
    L.diags.error_no_pos(path, "cannot read scenario: " + why);
    LoadResult r;
    r.diagnostics = L.diags.take();
    return r;
  }
  std::error_code ec;
  fs::path canon = fs::weakly_canonical(path, ec);
  if (ec) canon = path;
  L.chain.push_back(canon.string());
  L.root_dir = canon.parent_path();
  auto root = load_tree(*text, path, canon.parent_path(), L);
  return finish(std::move(root), path, overrides, L);
}

LoadResult load_string(const std::string& text, const std::string& name,
                       const std::vector<std::string>& overrides, const std::string& base_dir) {
  Loading L;
  if (text.size() > kMaxFileBytes) {
    L.diags.error_no_pos(name, "scenario too large (the limit is " + std::to_string(kMaxFileBytes) + " bytes)");
    LoadResult r;
    r.diagnostics = L.diags.take();
    return r;
  }
  const fs::path base = base_dir.empty() ? fs::current_path() : fs::path(base_dir);
  L.chain.push_back((base / name).lexically_normal().string());
  L.root_dir = base;
  auto root = load_tree(text, name, base, L);
  return finish(std::move(root), name, overrides, L);
}

namespace {
// Binary junk must not reach the terminal as raw bytes.
bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    }
    i += n;
  }
  return true;
}
}  // namespace

std::string short_diagnostic(const Diagnostic& d) {
  std::string out = d.where.file;
  if (d.where.line > 0) out += ":" + std::to_string(d.where.line) + ":" + std::to_string(d.where.column);
  return out + ": " + d.message;
}

std::string format_diagnostic(const Diagnostic& d) {
  std::string out = d.where.file;
  if (d.where.line > 0) out += ":" + std::to_string(d.where.line) + ":" + std::to_string(d.where.column);
  out += ": error: " + d.message + "\n";
  if (d.where.line > 0 && !d.line_text.empty()) {
    // Tabs kept as tabs so the caret lines up; other control bytes shown as '?'.
    std::string line;
    const bool utf8 = valid_utf8(d.line_text);
    for (char c : d.line_text.substr(0, 200)) {
      const auto u = static_cast<unsigned char>(c);
      line += (u < 0x20 && c != '\t') || u == 0x7F || (u >= 0x80 && !utf8) ? '?' : c;
    }
    out += "  " + line + "\n  ";
    const auto col = static_cast<std::size_t>(d.where.column > 0 ? d.where.column - 1 : 0);
    for (std::size_t i = 0; i < col && i < line.size(); ++i) out += line[i] == '\t' ? '\t' : ' ';
    out += "^\n";
  }
  return out;
}

}  // namespace iomtsim::scenarios
