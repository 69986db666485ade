#include "iomtsim/scenarios/clock_time.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>

namespace iomtsim::scenarios {
namespace {

// Reads exactly `digits` digits at `pos`; advances it.
std::optional<int> digits(std::string_view s, std::size_t& pos, std::size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  pos += n;
  return v;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

// HH:MM[:SS] from `pos` to the end of `s`.
std::optional<std::int64_t> clock(std::string_view s, std::size_t pos) {
  // One-digit hours ("7:30") are how people write them.
  std::size_t colon = s.find(':', pos);
  if (colon == std::string_view::npos || colon - pos < 1 || colon - pos > 2) return std::nullopt;
  auto h = digits(s, pos, colon - pos);
  if (!h || !expect(s, pos, ':')) return std::nullopt;
  auto m = digits(s, pos, 2);
  if (!m) return std::nullopt;
  int sec = 0;
  if (pos < s.size()) {
    if (!expect(s, pos, ':')) return std::nullopt;
    auto x = digits(s, pos, 2);
    if (!x) return std::nullopt;
    sec = *x;
  }
  if (pos != s.size() || *h > 23 || *m > 59 || sec > 59) return std::nullopt;
  return std::int64_t{*h} * 3600 + *m * 60 + sec;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::int64_t> parse_time_of_day(std::string_view text) {
  return clock(trim(text), 0);
}

std::optional<std::int64_t> parse_local_datetime(std::string_view text) {
  const std::string_view s = trim(text);
  std::size_t pos = 0;
  auto y = digits(s, pos, 4);
  if (!y || !expect(s, pos, '-')) return std::nullopt;
  auto mo = digits(s, pos, 2);
  if (!mo || !expect(s, pos, '-')) return std::nullopt;
  auto d = digits(s, pos, 2);
  if (!d) return std::nullopt;
  if (pos >= s.size() || (s[pos] != ' ' && s[pos] != 'T')) return std::nullopt;
  ++pos;
  while (pos < s.size() && s[pos] == ' ') ++pos;
  auto t = clock(s, pos);
  if (!t) return std::nullopt;
  using namespace std::chrono;
  const year_month_day ymd{year{*y}, month{static_cast<unsigned>(*mo)},
                           day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return static_cast<std::int64_t>(sys_days{ymd}.time_since_epoch().count()) * 86400 + *t;
}

std::string format_local(std::int64_t local_s) {
  using namespace std::chrono;
  std::int64_t days = local_s / 86400;
  std::int64_t sod = local_s % 86400;
  if (sod < 0) {
    sod += 86400;
    --days;
  }
  const year_month_day ymd{sys_days{std::chrono::days{days}}};
  char buf[48];
  const int h = static_cast<int>(sod / 3600), m = static_cast<int>(sod / 60 % 60),
            sec = static_cast<int>(sod % 60);
  if (sec != 0)
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d:%02d", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), h, m, sec);
  else
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), h, m);
  return buf;
}

}  // namespace iomtsim::scenarios
