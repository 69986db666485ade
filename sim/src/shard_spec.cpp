#include "iomtsim/sim/shard_spec.hpp"

#include <charconv>

namespace iomtsim::sim {

std::optional<ShardSpec> ShardSpec::parse(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  ShardSpec s;
  // from_chars, not stoul: no exceptions, no locale, and it rejects signs and spaces.
  const auto a = text.substr(0, slash), b = text.substr(slash + 1);
  auto ra = std::from_chars(a.data(), a.data() + a.size(), s.index);
  auto rb = std::from_chars(b.data(), b.data() + b.size(), s.count);
  if (ra.ec != std::errc{} || ra.ptr != a.data() + a.size() || a.empty()) return std::nullopt;
  if (rb.ec != std::errc{} || rb.ptr != b.data() + b.size() || b.empty()) return std::nullopt;
  if (!s.valid()) return std::nullopt;
  return s;
}

}  // namespace iomtsim::sim
