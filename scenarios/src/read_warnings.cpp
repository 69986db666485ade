// Warnings: what loads but will probably not do what the author meant. Each names the
// place in the file it is about; none stops a load.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "iomtsim/scenarios/clock_time.hpp"
#include "read.hpp"

namespace iomtsim::scenarios::detail {
namespace {

using physiology::Distribution;

// The earliest and latest value a distribution can give (after its min/max clamp).
std::pair<double, double> support(const Distribution& d) {
  double lo = -HUGE_VAL;
  double hi = HUGE_VAL;
  switch (d.kind) {
    case Distribution::Kind::Constant:
      lo = hi = d.a;
      break;
    case Distribution::Kind::Uniform:
      lo = d.a;
      hi = d.b;
      break;
    case Distribution::Kind::Empirical:
      if (!d.values.empty()) {
        lo = *std::min_element(d.values.begin(), d.values.end());
        hi = *std::max_element(d.values.begin(), d.values.end());
      }
      break;
    case Distribution::Kind::Exponential:
    case Distribution::Kind::LogNormal:
      lo = 0;
      break;
    case Distribution::Kind::Pareto:
      lo = d.a;
      break;
    case Distribution::Kind::Normal:
      break;
  }
  return {std::clamp(lo, d.min, d.max), std::clamp(hi, d.min, d.max)};
}

std::string percent(double f) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f %%", f * 100);
  return buf;
}

std::string patients(double n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2g", n);
  return buf;
}

void warn_condition(const Node& n, const physiology::ConditionSpec& c, std::uint32_t count,
                    double end_s, std::int64_t start_local_s, Reader& r) {
  const std::string kind(name(c.kind));
  if (const Node* onset = n.get("onset")) {
    const auto [lo, hi] = support(c.onset_s);
    // An onset written on the clock is answered on the clock too.
    const bool on_clock =
        onset->is_map() && (onset->get("between") != nullptr || onset->get("at") != nullptr);
    auto clock = [&](double s) {
      return on_clock ? " (" + format_local(start_local_s + static_cast<std::int64_t>(s)) + ")"
                      : std::string();
    };
    const std::string end =
        format_duration(end_s) +
        (on_clock ? ", " + format_local(start_local_s + static_cast<std::int64_t>(end_s)) : "");
    if (lo >= end_s) {
      r.warning(onset->pos, "onset " + format_duration(lo) + clock(lo) +
                                " is at or after the end of the scenario (" + end +
                                "): no patient will have " + kind);
    } else if (c.onset_s.kind == Distribution::Kind::Uniform && hi > end_s) {
      r.warning(onset->pos, "onset runs to " + format_duration(hi) + clock(hi) +
                                ", past the end of the scenario (" + end + "): about " +
                                percent((hi - end_s) / (hi - lo)) + " of the episodes of " + kind +
                                " would start after it and are not run");
    }
  }
  if (const Node* k = n.get("count"); k != nullptr && c.count) {
    if (*c.count == 0) r.warning(k->pos, "count 0: " + kind + " will reach no patient");
    return;
  }
  if (!c.patients.empty() || n.get("beds") != nullptr) return;
  const Node* p = n.get("probability");
  const Pos& at = p != nullptr ? p->pos : n.pos;
  const double expected = c.probability * count;
  if (c.probability <= 0) {
    r.warning(at, "probability 0: " + kind + " will reach no patient");
  } else if (expected < 0.5) {
    r.warning(at, "probability " + percent(c.probability) + " of " + std::to_string(count) +
                      (count == 1 ? " patient" : " patients") + " is " + patients(expected) +
                      " patients on average: most runs will have no " + kind);
  }
}

}  // namespace

void warn_cohort(const Node& n, const Cohort& c, const Metadata& meta, Reader& r) {
  const Node* list = n.get("conditions");
  if (list == nullptr || !list->is_seq()) return;
  const auto& conditions = c.physiology.conditions;
  // A condition that was not a mapping was reported and left out: the nodes and the
  // specs no longer pair up, and the file does not load anyway.
  if (list->items.size() != conditions.size()) return;
  const double end_s = std::chrono::duration<double>(meta.duration).count();
  for (std::size_t i = 0; i < conditions.size(); ++i)
    warn_condition(list->items[i], conditions[i], c.physiology.count, end_s, meta.start_local_s, r);
}

}  // namespace iomtsim::scenarios::detail
