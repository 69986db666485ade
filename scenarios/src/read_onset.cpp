// Onsets written on the clock: {between: ["23:00", "05:00"]} and {day: 2, at: "14:00"}.
// Both become ordinary distributions of seconds from the start (uniform and constant), so
// the physiology, the warnings about onsets past the end and `explain` treat them as any
// other onset.
#include "iomtsim/scenarios/clock_time.hpp"
#include "read.hpp"

namespace iomtsim::scenarios::detail {
namespace {

std::optional<std::int64_t> clock_value(const Node& n, std::string_view what, Reader& r) {
  auto text = r.str(n, what);
  if (!text) return std::nullopt;
  auto t = parse_time_of_day(*text);
  if (!t)
    r.error(n.pos, "expected a time of day for '" + std::string(what) +
                       "' such as '23:00' (00:00 to 23:59), found '" + *text + "'");
  return t;
}

}  // namespace

std::optional<physiology::Distribution> read_onset(const Node& n, const Metadata& meta, Reader& r) {
  using physiology::Distribution;
  const Node* between = n.is_map() ? n.get("between") : nullptr;
  const Node* day = n.is_map() ? n.get("day") : nullptr;
  const Node* at = n.is_map() ? n.get("at") : nullptr;
  if (between == nullptr && day == nullptr && at == nullptr)
    return r.distribution(n, QuantityKind::TimeSpan, 0, kMaxScenarioSeconds, "onset");

  for (const auto& e : n.entries) {
    if (e.key == "between" || e.key == "day" || e.key == "at") continue;
    r.error(e.key_pos, "unknown key '" + e.key +
                           "' in a clock-time onset: write {between: [\"23:00\", \"05:00\"]} "
                           "or {day: 2, at: \"14:00\"}");
    return std::nullopt;
  }
  const std::int64_t start = meta.start_local_s;
  const std::int64_t midnight = start - second_of_day(start);
  if (between != nullptr) {
    if (day != nullptr || at != nullptr) {
      r.error((day != nullptr ? day : at)->pos,
              "give either 'between' (a window of the clock) or 'day' and 'at', not both");
      return std::nullopt;
    }
    if (!between->is_seq() || between->items.size() != 2) {
      r.error(between->pos,
              "expected two times of day for 'between', such as [\"23:00\", \"05:00\"]");
      return std::nullopt;
    }
    auto from = clock_value(between->items[0], "between", r);
    auto to = clock_value(between->items[1], "between", r);
    if (!from || !to) return std::nullopt;
    if (*from == *to) {
      r.error(between->items[1].pos, "the window starts and ends at the same time of day");
      return std::nullopt;
    }
    // The first window that begins at or after the start; a window that runs past
    // midnight (23:00 to 05:00) ends on the next day.
    std::int64_t begin = midnight + *from;
    if (begin < start) begin += 86400;
    std::int64_t end = midnight + *to;
    while (end <= begin) end += 86400;
    return Distribution::uniform(static_cast<double>(begin - start),
                                 static_cast<double>(end - start));
  }
  if (at == nullptr) {
    r.error(n.pos, "missing 'at' (a time of day such as \"14:00\") in this onset");
    return std::nullopt;
  }
  std::int64_t day_number = 1;
  if (day != nullptr) {
    auto d = r.integer(*day, 1, static_cast<std::int64_t>(kMaxScenarioSeconds / 86400), "day");
    if (!d) return std::nullopt;
    day_number = *d;
  }
  auto clock = clock_value(*at, "at", r);
  if (!clock) return std::nullopt;
  const std::int64_t when = midnight + (day_number - 1) * 86400 + *clock;
  if (when < start) {
    r.error(at->pos, "day " + std::to_string(day_number) + " at " + format_local(when).substr(11) +
                         " is before the scenario starts (" + format_local(start) + ")");
    return std::nullopt;
  }
  return Distribution::constant(static_cast<double>(when - start));
}

}  // namespace iomtsim::scenarios::detail
