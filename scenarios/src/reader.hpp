#pragma once
// Typed reads from the tree with diagnostics: each read either returns a value or reports
// what was expected where, and returns nullopt so the caller keeps its default and goes
// on (every problem is reported, not only the first). Private to the scenarios library.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "iomtsim/physiology/random.hpp"
#include "iomtsim/scenarios/units.hpp"
#include "keys.hpp"
#include "tree.hpp"

namespace iomtsim::scenarios::detail {

// " (did you mean 'devices'?)" when a candidate is close to `word`, else "".
std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates);

// The position `offset` characters into a scalar, when the scalar is written plainly on
// its line (inside quotes or folded text the column arithmetic would be wrong, and the
// scalar's own position is kept).
Pos offset_pos(const Node& n, std::size_t offset);

class Reader {
 public:
  explicit Reader(Diagnostics& d) : d_(d) {}

  void error(const Pos& p, std::string message) { d_.error(p, std::move(message)); }
  bool has_errors() const { return d_.has_errors(); }

  // Checks `n` is a mapping of object `object` (keys.cpp): reports unknown keys with a
  // suggestion and missing required keys. Returns false (reported) if not a mapping.
  bool object(const Node& n, std::string_view object, std::string_view what);
  bool sequence(const Node& n, std::string_view what, std::string_view of);

  std::optional<std::string> str(const Node& n, std::string_view what);
  std::optional<std::int64_t> integer(const Node& n, std::int64_t lo, std::int64_t hi,
                                      std::string_view what);
  std::optional<bool> boolean(const Node& n, std::string_view what);
  // A quantity converted to its canonical unit, checked against [lo, hi].
  std::optional<double> quantity(const Node& n, QuantityKind kind, double lo, double hi,
                                 std::string_view what);
  std::optional<physiology::Duration> duration(const Node& n, double lo_s, double hi_s,
                                               std::string_view what);
  // A fixed quantity, or {uniform: [a, b]}, {normal: {mean, sd}}, {lognormal: {median,
  // sigma}}, {exponential: mean}, {pareto: {scale, shape}}, {empirical: [...]},
  // {constant: x}, each with optional min/max. Samples are clamped to [lo, hi].
  std::optional<physiology::Distribution> distribution(const Node& n, QuantityKind kind, double lo,
                                                       double hi, std::string_view what);
  // "unknown <what> '<word>' (did you mean '…'? expected one of: …)": every vocabulary
  // reports a word it does not know this way. `set` names it for synonyms (suggest.hpp).
  void unknown(const Pos& p, std::string_view what, std::string_view word,
               std::span<const std::string_view> allowed, std::string_view set);

  // One of `names` (an Enum set of keys.cpp); returns its index.
  std::optional<std::size_t> choice(const Node& n, std::string_view set, std::string_view what);

  // The unit the last successful quantity() was written in ("" for a bare number), so
  // that later messages about the value speak the author's units.
  const std::string& last_unit() const { return last_unit_; }

  // A warning: reported, but the scenario still loads.
  void warning(const Pos& p, std::string message) { d_.warning(p, std::move(message)); }

 private:
  bool in_range(const Node& n, double v, QuantityKind kind, double lo, double hi,
                std::string_view what, std::string_view unit);
  Diagnostics& d_;
  std::string last_unit_;
};

}  // namespace iomtsim::scenarios::detail
