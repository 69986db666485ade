#include "retry_after.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <vector>

namespace iomtsim::loadgen::detail {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<int> number(std::string_view s) {
  if (!digits(s)) return std::nullopt;
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<int> month(std::string_view s) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (std::size_t i = 0; i < kMonths.size(); ++i)
    if (s == kMonths[i]) return static_cast<int>(i) + 1;
  return std::nullopt;
}

// "hh:mm:ss" -> seconds of the day.
std::optional<int> clock_time(std::string_view s) {
  if (s.size() != 8 || s[2] != ':' || s[5] != ':') return std::nullopt;
  auto h = number(s.substr(0, 2)), m = number(s.substr(3, 2)), sec = number(s.substr(6, 2));
  if (!h || !m || !sec || *h > 23 || *m > 59 || *sec > 60) return std::nullopt;
  return *h * 3600 + *m * 60 + *sec;
}

std::vector<std::string_view> words(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == sep) ++i;
    const auto j = s.find(sep, i);
    const auto end = j == std::string_view::npos ? s.size() : j;
    if (end > i) out.push_back(s.substr(i, end - i));
    i = end;
  }
  return out;
}

std::optional<std::int64_t> unix_seconds(int year, int mon, int day, int secs_of_day) {
  using namespace std::chrono;
  const year_month_day ymd{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(mon)},
                           std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd}.time_since_epoch().count() * 86400LL + secs_of_day;
}

// The three HTTP-date forms, in GMT.
std::optional<std::int64_t> http_date(std::string_view s) {
  const auto w = words(s, ' ');
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
  if (w.size() == 6 && w[0].size() == 4 && w[0].back() == ',' && w[5] == "GMT") {
    auto d = number(w[1]);
    auto m = month(w[2]);
    auto y = number(w[3]);
    auto t = clock_time(w[4]);
    if (d && m && y && t && w[1].size() == 2 && w[3].size() == 4)
      return unix_seconds(*y, *m, *d, *t);
    return std::nullopt;
  }
  // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT" (two-digit years: RFC 9110 says to take the
  // most recent past year with those digits; 1970..2069 is that for any date we meet).
  if (w.size() == 4 && w[0].back() == ',' && w[3] == "GMT") {
    const auto dmy = words(w[1], '-');
    if (dmy.size() != 3 || dmy[2].size() != 2) return std::nullopt;
    auto d = number(dmy[0]);
    auto m = month(dmy[1]);
    auto y = number(dmy[2]);
    auto t = clock_time(w[2]);
    if (!d || !m || !y || !t) return std::nullopt;
    return unix_seconds(*y < 70 ? 2000 + *y : 1900 + *y, *m, *d, *t);
  }
  // asctime: "Sun Nov  6 08:49:37 1994"
  if (w.size() == 5) {
    auto m = month(w[1]);
    auto d = number(w[2]);
    auto t = clock_time(w[3]);
    auto y = number(w[4]);
    if (m && d && t && y && w[4].size() == 4) return unix_seconds(*y, *m, *d, *t);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::chrono::nanoseconds> parse_retry_after(std::string_view value,
                                                          std::int64_t now_unix_s,
                                                          std::chrono::seconds cap) {
  value = trim(value);
  std::int64_t wait_s = 0;
  if (digits(value)) {
    // Delta-seconds: any length of digits; anything past the cap is the cap.
    if (value.size() > 9) {
      wait_s = cap.count();
    } else {
      std::from_chars(value.data(), value.data() + value.size(), wait_s);
    }
  } else if (auto at = http_date(value)) {
    wait_s = std::max<std::int64_t>(0, *at - now_unix_s);
  } else {
    return std::nullopt;
  }
  return std::chrono::seconds(std::min<std::int64_t>(wait_s, cap.count()));
}

}  // namespace iomtsim::loadgen::detail
