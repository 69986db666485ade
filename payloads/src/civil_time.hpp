#pragma once
// Private: Unix time <-> proleptic Gregorian UTC fields, without <ctime> (gmtime is not
// thread-safe everywhere and works in seconds). Algorithms from Howard Hinnant,
// "chrono-Compatible Low-Level Date Algorithms".
#include <cstdint>

namespace iomtsim::payloads::detail {

constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct CivilTime {
  std::int64_t year = 1970;
  unsigned month = 1, day = 1, hour = 0, minute = 0, second = 0;
  std::int64_t nanos = 0;  // 0 .. 999'999'999
};

constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

constexpr CivilTime civil_from_unix_ns(std::int64_t unix_ns) {
  constexpr std::int64_t kNsPerDay = 86'400'000'000'000;
  const std::int64_t days = floor_div(unix_ns, kNsPerDay);
  std::int64_t rem = unix_ns - days * kNsPerDay;
  CivilTime t;
  t.nanos = rem % 1'000'000'000;
  rem /= 1'000'000'000;
  t.second = static_cast<unsigned>(rem % 60);
  t.minute = static_cast<unsigned>((rem / 60) % 60);
  t.hour = static_cast<unsigned>(rem / 3600);
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  t.day = doy - (153 * mp + 2) / 5 + 1;
  t.month = mp < 10 ? mp + 3 : mp - 9;
  t.year = static_cast<std::int64_t>(yoe) + era * 400 + (t.month <= 2);
  return t;
}

// The years a decoder takes an instant in. Nanoseconds since 1970 in an int64 end in 2262;
// within these years an instant, moved by any zone offset and less any epoch in the same
// range, always fits (found by fuzzing: a year 4048 made the arithmetic overflow). Device
// clocks that were never set say 1970 or 2000, which stay readable.
inline constexpr std::int64_t kMinWireYear = 1970;
inline constexpr std::int64_t kMaxWireYear = 2200;
// Milliseconds since 1970 of 2200-01-01T00:00Z: the largest epoch a decoder may be given.
inline constexpr std::int64_t kMaxEpochUnixMs = 7'258'118'400'000;

// Caller's duty: t.year within [kMinWireYear, kMaxWireYear].
constexpr std::int64_t unix_ns_from_civil(const CivilTime& t) {
  return ((days_from_civil(t.year, t.month, t.day) * 24 + t.hour) * 60 + t.minute) * 60 *
             1'000'000'000 +
         static_cast<std::int64_t>(t.second) * 1'000'000'000 + t.nanos;
}

constexpr unsigned days_in_month(std::int64_t y, unsigned m) {
  constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

}  // namespace iomtsim::payloads::detail
