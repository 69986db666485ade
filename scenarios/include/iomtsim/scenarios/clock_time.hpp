#pragma once
// Clock time of a scenario: `metadata.start` is a local date and time (no time zone:
// the ward's wall clock) at scenario time 0, so that onsets can be written as times of
// day ("23:00") and reports can show when things happened. Times here are whole seconds
// on that local clock, counted from 1970-01-01 00:00.
//
//   auto start = parse_local_datetime("2026-03-02 07:00");   // seconds, or nullopt
//   format_local(*start + 3600) == "2026-03-02 08:00"
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace iomtsim::scenarios {

// The default `metadata.start`: midnight, so that scenario time 0 is 00:00 as the
// physiology's circadian rhythm has always assumed (scenarios/README.md states it).
inline constexpr std::string_view kDefaultStart = "2026-01-05 00:00";
inline constexpr std::int64_t kDefaultStartLocalS = 1767571200;  // kDefaultStart, parsed

// "YYYY-MM-DD HH:MM" (or "THH:MM", ":SS" optional) as local seconds since 1970-01-01 00:00;
// nullopt when malformed or not a real date.
std::optional<std::int64_t> parse_local_datetime(std::string_view text);
// "HH:MM" or "HH:MM:SS" (00:00 .. 23:59:59) as seconds after midnight.
std::optional<std::int64_t> parse_time_of_day(std::string_view text);
// "YYYY-MM-DD HH:MM" (":SS" when the seconds are not zero).
std::string format_local(std::int64_t local_s);
// Seconds since local midnight, 0 .. 86399.
inline std::int64_t second_of_day(std::int64_t local_s) {
  const std::int64_t r = local_s % 86400;
  return r < 0 ? r + 86400 : r;
}

}  // namespace iomtsim::scenarios
