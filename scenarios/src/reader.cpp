#include "reader.hpp"

#include "suggest.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace iomtsim::scenarios::detail {
namespace {

std::string join(std::span<const std::string_view> names) {
  std::string out;
  for (auto n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

// Displayable: junk keys (binary, very long) are shortened in messages.
std::string shown(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 60)) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      out += '?';
    } else {
      out += c;
    }
  }
  if (s.size() > 60) out += "...";
  return out;
}

}  // namespace

Pos offset_pos(const Node& n, std::size_t offset) {
  Pos p = n.pos;
  if (!p.file || p.line < 1 || static_cast<std::size_t>(p.line) > p.file->lines.size()) return p;
  const std::string& line = p.file->lines[static_cast<std::size_t>(p.line - 1)];
  const auto col = static_cast<std::size_t>(p.column - 1);
  if (col < line.size() && line.compare(col, n.text.size(), n.text) == 0)
    p.column += static_cast<int>(offset);
  return p;
}

std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates) {
  const std::string_view best = suggest(word, candidates);
  if (best.empty()) return "";
  return " (did you mean '" + std::string(best) + "'?)";
}

void Reader::unknown(const Pos& p, std::string_view what, std::string_view word,
                     std::span<const std::string_view> allowed, std::string_view set) {
  const std::string_view best = suggest(word, allowed, set);
  std::string m = "unknown " + std::string(what) + " '" + shown(word) + "' (";
  if (!best.empty()) m += "did you mean '" + std::string(best) + "'? ";
  m += "expected one of: " + join(allowed) + ")" + suggestion_note(word, set);
  error(p, std::move(m));
}

bool Reader::object(const Node& n, std::string_view object, std::string_view what) {
  if (!n.is_map()) {
    error(n.pos,
          "expected a mapping for '" + std::string(what) + "', found " + std::string(kind_name(n)));
    return false;
  }
  const ObjectDef& def = object_def(object);
  const auto names = key_names(def);
  for (const auto& e : n.entries) {
    if (std::find(names.begin(), names.end(), e.key) != names.end()) continue;
    const std::string hint = did_you_mean(e.key, names);
    error(e.key_pos, "unknown key '" + shown(e.key) + "'" +
                         (hint.empty() ? " in " + std::string(object) +
                                             " (expected one of: " + join(names) + ")"
                                       : hint));
  }
  for (const auto& k : def.keys) {
    if (k.required && n.get(k.name) == nullptr) {
      error(n.pos, "missing required key '" + std::string(k.name) + "' in " + std::string(object));
    }
  }
  return true;
}

bool Reader::sequence(const Node& n, std::string_view what, std::string_view of) {
  if (n.is_seq()) return true;
  error(n.pos, "expected a list of " + std::string(of) + " for '" + std::string(what) +
                   "', found " + std::string(kind_name(n)));
  return false;
}

std::optional<std::string> Reader::str(const Node& n, std::string_view what) {
  if (n.is_scalar()) return n.text;
  error(n.pos,
        "expected a string for '" + std::string(what) + "', found " + std::string(kind_name(n)));
  return std::nullopt;
}

std::optional<std::int64_t> Reader::integer(const Node& n, std::int64_t lo, std::int64_t hi,
                                            std::string_view what) {
  if (!n.is_scalar()) {
    error(n.pos, "expected an integer for '" + std::string(what) + "', found " +
                     std::string(kind_name(n)));
    return std::nullopt;
  }
  std::int64_t v = 0;
  const char* first = n.text.data();
  const char* last = first + n.text.size();
  auto [ptr, ec] = std::from_chars(first, last, v);
  if (ec == std::errc::result_out_of_range) {
    error(n.pos, std::string(what) + " " + shown(n.text) + " is out of range: expected " +
                     std::to_string(lo) + " to " + std::to_string(hi));
    return std::nullopt;
  }
  if (ec != std::errc() || ptr != last) {
    error(n.pos,
          "expected an integer for '" + std::string(what) + "', found '" + shown(n.text) + "'");
    return std::nullopt;
  }
  if (v < lo || v > hi) {
    error(n.pos, std::string(what) + " " + std::to_string(v) + " is out of range: expected " +
                     std::to_string(lo) + " to " + std::to_string(hi));
    return std::nullopt;
  }
  return v;
}

std::optional<bool> Reader::boolean(const Node& n, std::string_view what) {
  if (n.is_scalar()) {
    if (n.text == "true" || n.text == "yes" || n.text == "on") return true;
    if (n.text == "false" || n.text == "no" || n.text == "off") return false;
  }
  // Built with append: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string here.
  std::string found = n.is_scalar() ? std::string("'").append(shown(n.text)).append("'")
                                    : std::string(kind_name(n));
  error(n.pos, "expected true or false for '" + std::string(what) + "', found " + found);
  return std::nullopt;
}

bool Reader::in_range(const Node& n, double v, QuantityKind kind, double lo, double hi,
                      std::string_view what, std::string_view unit) {
  if (v >= lo && v <= hi) return true;
  // The value as written; the bounds in the same unit, except durations, whose bounds
  // read better in their own natural units ("1 s to 366 d", not "0.0002778 h"), and
  // bounds that would need a fraction of the author's unit ("25 Hz", not "0.025 kHz").
  std::string_view bound_unit = kind == QuantityKind::TimeSpan ? std::string_view() : unit;
  if (!bound_unit.empty()) {
    for (double b : {lo, hi}) {
      const std::string t = format_in_unit(b, kind, bound_unit);
      if (b != 0 && (t.starts_with("0.") || t.starts_with("-0."))) bound_unit = {};
    }
  }
  if (v < 0 && lo == 0) {
    error(n.pos,
          std::string(what) + " must not be negative, found " + format_in_unit(v, kind, unit));
  } else {
    error(n.pos, std::string(what) + " " + format_in_unit(v, kind, unit) +
                     " is out of range: expected " + format_in_unit(lo, kind, bound_unit) + " to " +
                     format_in_unit(hi, kind, bound_unit));
  }
  return false;
}

std::optional<double> Reader::quantity(const Node& n, QuantityKind kind, double lo, double hi,
                                       std::string_view what) {
  if (!n.is_scalar()) {
    error(n.pos, "expected " + std::string(describe(kind)) + " for '" + std::string(what) +
                     "', found " + std::string(kind_name(n)));
    return std::nullopt;
  }
  const QuantityResult r = parse_quantity(n.text, kind);
  if (!r.value) {
    error(offset_pos(n, r.error_offset), std::string(what) + ": " + r.error);
    return std::nullopt;
  }
  if (!in_range(n, *r.value, kind, lo, hi, what, r.unit)) return std::nullopt;
  last_unit_ = r.unit;
  return r.value;
}

std::optional<physiology::Duration> Reader::duration(const Node& n, double lo_s, double hi_s,
                                                     std::string_view what) {
  const auto s = quantity(n, QuantityKind::TimeSpan, lo_s, hi_s, what);
  if (!s) return std::nullopt;
  return seconds_to_duration(*s);
}

std::optional<std::size_t> Reader::choice(const Node& n, std::string_view set,
                                          std::string_view what) {
  const auto names = enum_values(set);
  if (!n.is_scalar()) {
    error(n.pos, "expected one of " + join(names) + " for '" + std::string(what) + "', found " +
                     std::string(kind_name(n)));
    return std::nullopt;
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == n.text) return i;
  }
  unknown(n.pos, what, n.text, names, set);
  return std::nullopt;
}

std::optional<physiology::Distribution> Reader::distribution(const Node& n, QuantityKind kind,
                                                             double lo, double hi,
                                                             std::string_view what) {
  using physiology::Distribution;
  using K = Distribution::Kind;
  if (n.is_scalar()) {
    const auto v = quantity(n, kind, lo, hi, what);
    if (!v) return std::nullopt;
    return Distribution::constant(*v);
  }
  if (!n.is_map()) {
    error(n.pos, "expected " + std::string(describe(kind)) +
                     " or a distribution such as {uniform: [a, b]} for '" + std::string(what) +
                     "', found " + std::string(kind_name(n)));
    return std::nullopt;
  }
  const auto kinds = enum_values("distribution");
  const Node::Entry* which = nullptr;
  bool ok = true;
  std::optional<double> min_v, max_v;
  for (const auto& e : n.entries) {
    if (e.key == "min" || e.key == "max") {
      auto v = quantity(e.value, kind, lo, hi, std::string(what) + "." + e.key);
      if (!v) ok = false;
      (e.key == "min" ? min_v : max_v) = v;
      continue;
    }
    if (std::find(kinds.begin(), kinds.end(), e.key) == kinds.end()) {
      std::vector<std::string_view> all = kinds;
      all.push_back("min");
      all.push_back("max");
      const std::string hint = did_you_mean(e.key, all);
      error(e.key_pos, "unknown distribution '" + shown(e.key) + "'" +
                           (hint.empty() ? " (expected one of: " + join(kinds) + ")" : hint));
      ok = false;
      continue;
    }
    if (which != nullptr) {
      error(e.key_pos,
            "a distribution has one kind, found both '" + which->key + "' and '" + e.key + "'");
      ok = false;
      continue;
    }
    which = &e;
  }
  if (which == nullptr) {
    if (ok)
      error(n.pos, "missing distribution kind for '" + std::string(what) +
                       "' (expected one of: " + join(kinds) + ")");
    return std::nullopt;
  }
  const Node& p = which->value;
  const std::string w = std::string(what);
  Distribution d;
  // Reads parameter i named `name` from a list [..], a mapping {name: ..} or a scalar
  // (single-parameter kinds).
  auto param = [&](std::size_t i, std::string_view pname, QuantityKind pk, double plo, double phi,
                   std::span<const std::string_view> names) -> std::optional<double> {
    const Node* v = nullptr;
    if (p.is_seq()) {
      if (p.items.size() != names.size()) {
        if (i == 0)
          error(p.pos, w + ": " + which->key + " takes " + std::to_string(names.size()) +
                           " values [" + join(names) + "], found " +
                           std::to_string(p.items.size()));
        return std::nullopt;
      }
      v = &p.items[i];
    } else if (p.is_map()) {
      if (i == 0) {
        for (const auto& e : p.entries) {
          if (std::find(names.begin(), names.end(), e.key) == names.end())
            error(e.key_pos, "unknown key '" + shown(e.key) + "' in " + which->key +
                                 did_you_mean(e.key, names));
        }
      }
      v = p.get(pname);
      if (v == nullptr) {
        error(p.pos, "missing '" + std::string(pname) + "' in " + which->key + " for '" + w + "'");
        return std::nullopt;
      }
    } else if (p.is_scalar() && names.size() == 1) {
      v = &p;
    } else {
      if (i == 0)
        error(p.pos, w + ": " + which->key + " expects [" + join(names) + "], found " +
                         std::string(kind_name(p)));
      return std::nullopt;
    }
    return quantity(*v, pk, plo, phi, w + "." + std::string(pname));
  };
  const double span_hi = hi - lo;
  if (which->key == "constant") {
    static constexpr std::string_view n1[] = {"value"};
    auto a = param(0, "value", kind, lo, hi, n1);
    if (!a) return std::nullopt;
    d = Distribution::constant(*a);
  } else if (which->key == "uniform") {
    static constexpr std::string_view n2[] = {"low", "high"};
    auto a = param(0, "low", kind, lo, hi, n2);
    const std::string low_unit = last_unit_;
    auto b = param(1, "high", kind, lo, hi, n2);
    if (!a || !b) return std::nullopt;
    if (*a > *b) {
      error(p.pos, w + ": uniform low " + format_in_unit(*a, kind, low_unit) + " is above high " +
                       format_in_unit(*b, kind, last_unit_));
      return std::nullopt;
    }
    d = Distribution::uniform(*a, *b);
  } else if (which->key == "normal") {
    static constexpr std::string_view n2[] = {"mean", "sd"};
    auto a = param(0, "mean", kind, lo, hi, n2);
    auto b = param(1, "sd", kind == QuantityKind::Temperature ? QuantityKind::Number : kind, 0,
                   span_hi, n2);
    if (!a || !b) return std::nullopt;
    d = Distribution::normal(*a, *b);
  } else if (which->key == "lognormal") {
    static constexpr std::string_view n2[] = {"median", "sigma"};
    auto a = param(0, "median", kind, std::max(lo, 0.0), hi, n2);
    auto b = param(1, "sigma", QuantityKind::Number, 0, 5, n2);
    if (!a || !b) return std::nullopt;
    d = Distribution::make(K::LogNormal, *a, *b);
  } else if (which->key == "exponential") {
    static constexpr std::string_view n1[] = {"mean"};
    auto a = param(0, "mean", kind, std::max(lo, 0.0), hi, n1);
    if (!a) return std::nullopt;
    d = Distribution::make(K::Exponential, *a);
  } else if (which->key == "pareto") {
    static constexpr std::string_view n2[] = {"scale", "shape"};
    auto a = param(0, "scale", kind, std::max(lo, 0.0), hi, n2);
    auto b = param(1, "shape", QuantityKind::Number, 0.01, 100, n2);
    if (!a || !b) return std::nullopt;
    if (*a <= 0) {
      error(p.pos, w + ": pareto scale must be above zero");
      return std::nullopt;
    }
    d = Distribution::make(K::Pareto, *a, *b);
  } else {  // empirical
    if (!p.is_seq() || p.items.empty()) {
      error(p.pos, w + ": empirical expects a non-empty list of values, found " +
                       std::string(kind_name(p)));
      return std::nullopt;
    }
    d.kind = K::Empirical;
    for (const auto& item : p.items) {
      auto v = quantity(item, kind, lo, hi, w);
      if (!v) return std::nullopt;
      d.values.push_back(*v);
    }
    d.a = d.values.front();
  }
  if (!ok) return std::nullopt;
  // Clamp into the physical range so no sample can leave it (a normal onset with a wide
  // sd would otherwise go negative).
  d.min = min_v ? *min_v : lo;
  d.max = max_v ? *max_v : hi;
  if (d.min > d.max) {
    error(n.pos, w + ": min " + format_in_unit(d.min, kind, "") + " is above max " +
                     format_in_unit(d.max, kind, ""));
    return std::nullopt;
  }
  return d;
}

}  // namespace iomtsim::scenarios::detail
