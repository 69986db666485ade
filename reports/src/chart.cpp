#include "iomtsim/reports/chart.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "iomtsim/reports/chart_matcher.hpp"

namespace iomtsim::reports {
namespace {

constexpr std::array<std::string_view, kChartFieldCount> kFieldNames = {
    "value", "unit", "code", "subject", "effective_time"};

std::uint64_t hash_text(std::string_view s) {  // FNV-1a: stable, enough to tell ids apart
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string number(double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::string instant(std::int64_t unix_ms) {
  // Milliseconds since the epoch, readable: YYYY-MM-DDThh:mm:ss.fffZ.
  const std::int64_t secs = unix_ms >= 0 ? unix_ms / 1000 : (unix_ms - 999) / 1000;
  const auto ms = static_cast<int>(unix_ms - secs * 1000);
  std::int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  const auto sod = static_cast<int>(secs - days * 86400);
  // civil_from_days (Howard Hinnant).
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<long long>(y),
                m, d, sod / 3600, sod / 60 % 60, sod % 60, ms);
  return buf;
}

}  // namespace

std::string_view chart_field_name(ChartField f) { return kFieldNames[static_cast<std::size_t>(f)]; }

std::optional<ChartField> chart_field_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kChartFieldCount; ++i)
    if (kFieldNames[i] == name) return static_cast<ChartField>(i);
  return std::nullopt;
}

void ChartReport::add_example(std::vector<std::string>& list, std::string text) {
  if (list.size() < kMaxExamples) list.push_back(std::move(text));
}

void ChartReport::merge(const ChartReport& o) {
  if (!o.enabled) return;
  if (!enabled) time_to_chart = Histogram(o.time_to_chart.config());
  enabled = true;
  tracked += o.tracked;
  charted += o.charted;
  missing += o.missing;
  duplicated += o.duplicated;
  mismatched += o.mismatched;
  for (std::size_t i = 0; i < kChartFieldCount; ++i) {
    mismatches[i].count += o.mismatches[i].count;
    for (const auto& e : o.mismatches[i].examples) add_example(mismatches[i].examples, e);
  }
  for (const auto& e : o.missing_examples) add_example(missing_examples, e);
  for (const auto& e : o.duplicated_examples) add_example(duplicated_examples, e);
  unacknowledged_found += o.unacknowledged_found;
  untracked += o.untracked;
  requests += o.requests;
  time_to_chart.merge(o.time_to_chart);
}

// ---- the matcher ------------------------------------------------------------------------------

ChartMatcher::ChartMatcher(ChartCodeTable codes, std::size_t max_tracked, HistogramConfig config)
    : codes_(std::move(codes)), max_tracked_(max_tracked) {
  report_.enabled = true;
  report_.time_to_chart = Histogram(config);
}

void ChartMatcher::expect(const ChartExpectation& e) {
  if (pending_.contains(e.reading_id) || charted_.contains(e.reading_id))
    return;  // acknowledged twice (a retry answered after all): one reading
  if (pending_.size() + charted_.size() >= max_tracked_) {
    ++report_.untracked;
    return;
  }
  ++report_.tracked;
  const Pending p{e.value, e.effective_unix_ms, e.measured_unix_ns, e.vital, e.has_value};
  if (auto it = early_.find(e.reading_id); it != early_.end()) {
    auto [finding, twice] = std::move(it->second);
    early_.erase(it);
    score(e.reading_id, p, finding);
    if (twice) {
      charted_[e.reading_id].duplicated = true;
      ++report_.duplicated;
      ChartReport::add_example(report_.duplicated_examples,
                               "reading " + std::to_string(e.reading_id) + ": found twice, first " +
                                   finding.resource_id);
    }
    return;
  }
  pending_.emplace(e.reading_id, p);
}

void ChartMatcher::found(const ChartFinding& f) {
  const std::uint64_t h = hash_text(f.resource_id);
  if (auto c = charted_.find(f.reading_id); c != charted_.end()) {
    if (c->second.first_resource_hash == h || c->second.duplicated) return;
    c->second.duplicated = true;
    ++report_.duplicated;
    ChartReport::add_example(
        report_.duplicated_examples,
        "reading " + std::to_string(f.reading_id) + ": found again as " + f.resource_id);
    return;
  }
  if (auto p = pending_.find(f.reading_id); p != pending_.end()) {
    const Pending pending = p->second;
    pending_.erase(p);
    score(f.reading_id, pending, f);
    return;
  }
  // Not acknowledged (yet): keep it until the acknowledgement comes, within the bound.
  if (auto e = early_.find(f.reading_id); e != early_.end()) {
    if (hash_text(e->second.first.resource_id) != h) e->second.second = true;
    return;
  }
  if (early_.size() < std::max<std::size_t>(1, max_tracked_ / 8))
    early_.emplace(f.reading_id, std::make_pair(f, false));
}

void ChartMatcher::score(std::uint64_t id, const Pending& p, const ChartFinding& f) {
  charted_.emplace(id, Charted{hash_text(f.resource_id), false});
  ++report_.charted;
  const std::int64_t ttc = std::max<std::int64_t>(0, f.searchable_unix_ns - p.measured_unix_ns);
  report_.time_to_chart.record(std::min(ttc, report_.time_to_chart.config().highest_trackable));

  const ChartCodes c = codes_(p.vital);
  const std::string who = "reading " + std::to_string(id) + " (" +
                          std::string(physiology::name(p.vital)) + ", " + f.resource_id + "): ";
  bool any = false;
  auto differs = [&](ChartField field, std::string sent, std::string got) {
    any = true;
    auto& m = report_.of(field);
    ++m.count;
    ChartReport::add_example(m.examples, who + "sent " + sent + ", found " + got);
  };
  // Value: as printed with the sender's decimals, so rounding on the wire is no change.
  if (p.has_value != f.value.has_value()) {
    differs(ChartField::Value, p.has_value ? number(p.value) : "no value",
            f.value ? number(*f.value) : "no value");
  } else if (p.has_value) {
    const double tolerance = 0.5 * std::pow(10.0, -c.decimals) * (1 + 1e-9) + 1e-12;
    if (!(std::fabs(*f.value - p.value) <= tolerance))
      differs(ChartField::Value, number(p.value), number(*f.value));
  }
  if (p.has_value && f.unit != c.unit)
    differs(ChartField::Unit, std::string(c.unit), f.unit.empty() ? "no unit" : f.unit);
  if (f.code != c.code)
    differs(ChartField::Code, std::string(c.code), f.code.empty() ? "no code" : f.code);
  if (f.subject != physiology::reading_patient(id))
    differs(ChartField::Subject, "patient " + std::to_string(physiology::reading_patient(id)),
            f.subject_text.empty() ? "no subject" : f.subject_text);
  // Effective time: a server may keep less than our milliseconds; 1 ms either way is the same.
  if (!f.effective_unix_ms || std::llabs(*f.effective_unix_ms - p.effective_unix_ms) > 1)
    differs(ChartField::EffectiveTime, instant(p.effective_unix_ms),
            f.effective_unix_ms ? instant(*f.effective_unix_ms) : "no effective time");
  if (any) ++report_.mismatched;
}

std::vector<std::uint64_t> ChartMatcher::pending_ids(std::uint64_t from, std::size_t limit) const {
  std::vector<std::uint64_t> out;
  for (const auto& [id, p] : pending_)
    if (id >= from) out.push_back(id);
  if (out.size() > limit) {
    std::nth_element(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(limit), out.end());
    out.resize(limit);
  }
  std::sort(out.begin(), out.end());
  return out;
}

ChartReport ChartMatcher::finish() const {
  ChartReport r = report_;
  r.missing = pending_.size();
  std::vector<std::pair<std::uint64_t, physiology::Vital>> ids;
  for (const auto& [id, p] : pending_) ids.emplace_back(id, p.vital);
  std::sort(ids.begin(), ids.end());  // deterministic examples: the lowest ids
  for (const auto& [id, v] : ids) {
    if (r.missing_examples.size() >= ChartReport::kMaxExamples) break;
    r.missing_examples.push_back("reading " + std::to_string(id) + " (" +
                                 std::string(physiology::name(v)) + ", patient " +
                                 std::to_string(physiology::reading_patient(id)) + ")");
  }
  r.unacknowledged_found = early_.size();
  return r;
}

}  // namespace iomtsim::reports
