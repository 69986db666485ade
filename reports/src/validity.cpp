#include "iomtsim/reports/validity.hpp"

#include <cstdio>

namespace iomtsim::reports {
namespace {

std::string percent(std::uint64_t n, std::uint64_t of) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %%",
                100.0 * static_cast<double>(n) / static_cast<double>(of));
  return buf;
}

}  // namespace

std::optional<std::string> delivery_invalid_reason(const Report& report) {
  const DeliveryCounts& d = report.delivery;
  if (d.generated == 0) return std::string("no reading was generated");
  const std::uint64_t reached = d[Outcome::Acknowledged] + d[Outcome::Rejected];
  if (static_cast<double>(reached) >= kMinReachedFraction * static_cast<double>(d.generated))
    return std::nullopt;
  std::string why = "only " + percent(reached, d.generated) + " of " + std::to_string(d.generated) +
                    " readings reached the target";
  std::string rest;
  for (std::size_t i = 0; i < kOutcomeCount; ++i) {
    const auto o = static_cast<Outcome>(i);
    if (o == Outcome::Acknowledged || o == Outcome::Rejected || d[o] == 0) continue;
    rest += (rest.empty() ? "" : ", ") + percent(d[o], d.generated) + " " + std::string(name(o));
  }
  if (!rest.empty()) why += " (" + rest + ")";
  return why + "; its alert scores and utility are not those of the target";
}

}  // namespace iomtsim::reports
