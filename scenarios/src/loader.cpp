#include "iomtsim/scenarios/loader.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "read.hpp"
#include "reader.hpp"
#include "tree.hpp"

namespace iomtsim::scenarios {
namespace fs = std::filesystem;
using namespace detail;

namespace {

// One file's parsed tree (its own includes resolved), kept for the rest of the load so a
// file included from several places is read and parsed once.
struct CachedFile {
  std::optional<Node> tree;  // nullopt: it failed (already reported once)
  std::size_t nodes = 0;     // values in `tree`, charged to the budget at each reuse
};

struct Loading {
  Diagnostics diags;
  std::size_t budget = kMaxNodes;
  std::vector<std::string> chain;  // canonical paths of the files being loaded, outermost first
  fs::path root_dir;               // the outermost file's folder: messages show paths from there
  std::vector<fs::path> allowed;   // canonical folders includes may read: root_dir, --include-path
  std::map<std::string, CachedFile> cache;  // by canonical path
  std::size_t files_read = 0;
  std::size_t bytes_read = 0;
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
  // Read in chunks up to the limit: a buffer of the limit's size, zero-filled for every
  // file (the way this was first written), cost 4 MiB of memset per include of a
  // 40-byte file, most of the 150 s a diamond of 21 such files took.
  std::string text;
  char chunk[64 * 1024];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    text.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxFileBytes) {  // grew since file_size(), or a size it did not report
      why = "file too large (the limit is " + std::to_string(kMaxFileBytes) + " bytes)";
      return std::nullopt;
    }
  }
  return text;
}

// Binary junk must not reach the terminal as raw bytes.
bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80         ? 1
                          : (c >> 5) == 6  ? 2
                          : (c >> 4) == 14 ? 3
                          : (c >> 3) == 30 ? 4
                                           : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    }
    i += n;
  }
  return true;
}

// Text a person wrote: UTF-8 without control characters other than tab, CR and LF.
bool plain_text(std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t' && c != '\n' && c != '\r') || u == 0x7F) return false;
  }
  return valid_utf8(s);
}

bool inside(const fs::path& path, const fs::path& dir) {
  const fs::path rel = path.lexically_relative(dir);
  return !rel.empty() && *rel.begin() != "..";
}

bool yaml_name(const fs::path& p) {
  std::string ext = p.extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
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

// The tree of the file that include `p` names, from the cache or read and parsed now;
// nullopt after reporting why not. Checks, in order: it exists; it lies under an allowed
// folder once symlinks are resolved; it is not in the chain being loaded (a cycle); it has
// a YAML name; the per-load limits; it is text; it parses; it is a mapping. Nothing it
// holds is quoted in a message until it has parsed as YAML.
std::optional<Node> include_one(const Node& p, const fs::path& base_dir, Loading& L) {
  auto refuse = [&](const std::string& why) {
    L.diags.error(p.pos, "cannot include '" + p.text + "': " + why);
    return std::nullopt;
  };
  const fs::path target = base_dir / p.text;
  std::error_code ec;
  if (!fs::exists(target, ec)) return refuse("no such file");
  const fs::path canon = fs::canonical(target, ec);
  if (ec) return refuse("cannot resolve its path");
  const std::string key = canon.string();
  bool allowed = false;
  for (const auto& dir : L.allowed) allowed = allowed || inside(canon, dir);
  if (!allowed)
    return refuse("outside the scenario's folder (allow another folder with --include-path)");
  bool cycle = false;
  for (const auto& c : L.chain) cycle = cycle || c == key;
  if (cycle) {
    L.diags.error(p.pos, "include cycle: " + chain_text(L, key));
    return std::nullopt;
  }
  if (static_cast<int>(L.chain.size()) >= kMaxIncludeDepth) {
    L.diags.error(p.pos, "includes nested deeper than " + std::to_string(kMaxIncludeDepth));
    return std::nullopt;
  }
  if (auto hit = L.cache.find(key); hit != L.cache.end()) {
    if (!hit->second.tree) return std::nullopt;
    if (hit->second.nodes > L.budget)
      return refuse("the includes expand to more than " + std::to_string(kMaxNodes) + " values");
    L.budget -= hit->second.nodes;
    return hit->second.tree;
  }
  if (!yaml_name(canon))
    return refuse("not a YAML file (an include must end in .yaml, .yml or .json)");
  if (L.files_read >= 1 + kMaxIncludedFiles)
    return refuse("more than " + std::to_string(kMaxIncludedFiles) + " files included");
  std::string why;
  auto text = read_text(canon, why);
  if (!text) return refuse(why);
  if (L.bytes_read + text->size() > kMaxLoadBytes)
    return refuse("the scenario and its includes exceed " + std::to_string(kMaxLoadBytes) +
                  " bytes");
  ++L.files_read;
  L.bytes_read += text->size();
  CachedFile& slot = L.cache[key];  // failures stay cached too: reported once
  if (!plain_text(*text)) return refuse("not a text file");
  const std::size_t first_diag = L.diags.count();
  const std::size_t budget_before = L.budget;
  L.chain.push_back(key);
  auto sub = load_tree(*text, target.lexically_normal().string(), canon.parent_path(), L);
  L.chain.pop_back();
  if (!sub) {
    L.diags.hide_line_text_from(first_diag);
    return std::nullopt;
  }
  if (sub->kind == Node::Kind::Null) sub->kind = Node::Kind::Map;  // an empty file adds nothing
  if (!sub->is_map())
    return refuse("not a mapping of scenario keys (the file holds " + std::string(kind_name(*sub)) +
                  ")");
  slot.nodes = budget_before >= L.budget ? budget_before - L.budget : 0;
  slot.tree = *sub;
  return sub;
}

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
        L.diags.error(item.pos,
                      "expected a file name in 'include', found " + std::string(kind_name(item)));
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
    if (auto sub = include_one(*p, base_dir, L); sub && sub->is_map())
      merge(merged, std::move(*sub));
  }
  std::erase_if(root.entries, [](const Node::Entry& e) { return e.key == "include"; });
  merge(merged, std::move(root));
  return merged;
}

std::optional<Node> load_tree(const std::string& text, const std::string& name,
                              const fs::path& base_dir, Loading& L) {
  auto source = make_source(name, text);
  // The scenario itself is linted in full; an included file only once it parsed as YAML
  // (its text is not shown before: include_one).
  const LintMode lint = L.chain.size() <= 1 ? LintMode::Full : LintMode::AfterParse;
  auto root = parse_yaml(text, source, L.budget, L.diags, 0, 0, lint);
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
    auto parsed =
        parse_yaml(value, source, L.budget, L.diags, static_cast<int>(i), static_cast<int>(eq + 1));
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
  // Warnings are about a file that loads: next to errors they would be about values
  // that were not read (a default standing in for a refused onset), and noise besides.
  if (!result.scenario) {
    std::erase_if(result.diagnostics, [](const Diagnostic& d) { return d.warning; });
  }
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

namespace {

// The folders includes may read, symlinks resolved: the scenario's own and any given.
// A folder that does not exist is skipped (nothing can be included from it anyway).
void allow(Loading& L, const fs::path& scenario_dir,
           const std::vector<std::string>& include_paths) {
  std::error_code ec;
  fs::path dir = fs::canonical(scenario_dir, ec);
  L.allowed.push_back(ec ? scenario_dir.lexically_normal() : dir);
  for (const auto& p : include_paths) {
    dir = fs::canonical(p, ec);
    if (!ec) L.allowed.push_back(dir);
  }
}

LoadResult finish_counted(std::optional<Node> root, const std::string& name,
                          const std::vector<std::string>& overrides, Loading& L) {
  LoadResult r = finish(std::move(root), name, overrides, L);
  r.files_read = L.files_read;
  r.bytes_read = L.bytes_read;
  return r;
}

}  // namespace

LoadResult load_file(const std::string& path, const std::vector<std::string>& overrides,
                     const std::vector<std::string>& include_paths) {
  Loading L;
  std::string why;
  auto text = read_text(path, why);
  if (!text) {
    L.diags.error_no_pos(path, "cannot read scenario: " + why);
    LoadResult r;
    r.diagnostics = L.diags.take();
    return r;
  }
  L.files_read = 1;
  L.bytes_read = text->size();
  std::error_code ec;
  fs::path canon = fs::weakly_canonical(path, ec);
  if (ec) canon = path;
  L.chain.push_back(canon.string());
  L.root_dir = canon.parent_path();
  allow(L, L.root_dir, include_paths);
  auto root = load_tree(*text, path, canon.parent_path(), L);
  return finish_counted(std::move(root), path, overrides, L);
}

LoadResult load_string(const std::string& text, const std::string& name,
                       const std::vector<std::string>& overrides, const std::string& base_dir,
                       const std::vector<std::string>& include_paths) {
  Loading L;
  if (text.size() > kMaxFileBytes) {
    L.diags.error_no_pos(
        name, "scenario too large (the limit is " + std::to_string(kMaxFileBytes) + " bytes)");
    LoadResult r;
    r.diagnostics = L.diags.take();
    return r;
  }
  L.files_read = 1;
  L.bytes_read = text.size();
  const fs::path base = base_dir.empty() ? fs::current_path() : fs::path(base_dir);
  L.chain.push_back((base / name).lexically_normal().string());
  L.root_dir = base;
  allow(L, base, include_paths);
  auto root = load_tree(text, name, base, L);
  return finish_counted(std::move(root), name, overrides, L);
}

std::size_t LoadResult::error_count() const {
  std::size_t n = 0;
  for (const auto& d : diagnostics) n += d.warning ? 0 : 1;
  return n;
}

std::size_t LoadResult::warning_count() const { return diagnostics.size() - error_count(); }

std::string short_diagnostic(const Diagnostic& d) {
  std::string out = d.where.file;
  if (d.where.line > 0)
    out += ":" + std::to_string(d.where.line) + ":" + std::to_string(d.where.column);
  return out + ": " + (d.warning ? "warning: " : "") + d.message;
}

std::string format_diagnostic(const Diagnostic& d) {
  std::string out = d.where.file;
  if (d.where.line > 0)
    out += ":" + std::to_string(d.where.line) + ":" + std::to_string(d.where.column);
  out += (d.warning ? ": warning: " : ": error: ") + d.message + "\n";
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
