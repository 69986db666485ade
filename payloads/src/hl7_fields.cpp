#include "hl7_fields.hpp"

#include "civil_time.hpp"
#include "text_writer.hpp"

namespace iomtsim::payloads::detail {

void split(std::string_view s, char sep, std::vector<std::string_view>& out) {
  out.clear();
  std::size_t start = 0;
  for (;;) {
    const auto pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      out.push_back(s.substr(start));
      return;
    }
    out.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

std::string_view component(std::string_view f, std::size_t n, char sep) {
  for (std::size_t i = 1; i < n; ++i) {
    const auto pos = f.find(sep);
    if (pos == std::string_view::npos) return {};
    f.remove_prefix(pos + 1);
  }
  return f.substr(0, f.find(sep));
}

void append_hl7_time(std::string& out, std::int64_t unix_ns) {
  const auto t = civil_from_unix_ns(unix_ns);
  append_padded(out, static_cast<std::uint64_t>(t.year < 0 ? 0 : t.year % 10000), 4);
  append_padded(out, t.month, 2);
  append_padded(out, t.day, 2);
  append_padded(out, t.hour, 2);
  append_padded(out, t.minute, 2);
  append_padded(out, t.second, 2);
  out.push_back('.');
  append_padded(out, static_cast<std::uint64_t>(t.nanos / 100'000), 4);
  out.append("+0000");
}

std::optional<std::int64_t> parse_hl7_time(std::string_view s) {
  auto digits = [&](std::size_t pos, std::size_t n) -> std::optional<unsigned> {
    if (pos + n > s.size()) return std::nullopt;
    unsigned v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + static_cast<unsigned>(s[i] - '0');
    }
    return v;
  };
  const auto y = digits(0, 4), mo = digits(4, 2), d = digits(6, 2), h = digits(8, 2),
             mi = digits(10, 2);
  if (!y || !mo || !d || !h || !mi) return std::nullopt;
  if (*y < kMinWireYear || *y > kMaxWireYear) return std::nullopt;
  if (*mo < 1 || *mo > 12 || *d < 1 || *d > days_in_month(*y, *mo) || *h > 23 || *mi > 59) {
    return std::nullopt;
  }
  CivilTime t;
  t.year = *y;
  t.month = *mo;
  t.day = *d;
  t.hour = *h;
  t.minute = *mi;
  std::size_t pos = 12;
  if (auto se = digits(12, 2)) {
    if (*se > 60) return std::nullopt;
    t.second = *se;
    pos = 14;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      std::int64_t scale = 100'000'000;
      std::size_t n = 0;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9' && n < 4) {
        t.nanos += (s[pos] - '0') * scale;
        scale /= 10;
        ++pos;
        ++n;
      }
      if (n == 0) return std::nullopt;
    }
  }
  std::int64_t offset_min = 0;
  if (pos < s.size()) {
    if (s[pos] != '+' && s[pos] != '-') return std::nullopt;
    const auto zh = digits(pos + 1, 2), zm = digits(pos + 3, 2);
    if (!zh || !zm || pos + 5 != s.size() || *zh > 14 || *zm > 59) return std::nullopt;
    offset_min = (s[pos] == '+' ? 1 : -1) * static_cast<std::int64_t>(*zh * 60 + *zm);
  }
  return unix_ns_from_civil(t) - offset_min * 60'000'000'000;
}

}  // namespace iomtsim::payloads::detail
