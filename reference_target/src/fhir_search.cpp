#include "fhir_search.hpp"

#include <algorithm>
#include <charconv>

namespace iomtsim::reference_target {
namespace {

// A search may name at most this many values in one list (identifier=a,b,…): bounds the
// SQL a request can make the store run.
constexpr std::size_t kMaxListValues = 1000;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool leap(unsigned y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
unsigned days_in_month(unsigned y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

constexpr std::int64_t kNsPerSecond = 1'000'000'000;
constexpr std::int64_t kNsPerDay = 86'400 * kNsPerSecond;

std::vector<std::string> split_list(const std::string& value) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const auto comma = value.find(',', start);
    out.push_back(
        value.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::optional<TimeConstraint> parse_prefixed(std::string_view v) {
  using P = TimeConstraint::Prefix;
  TimeConstraint c;
  static constexpr std::pair<std::string_view, P> kPrefixes[] = {
      {"eq", P::Eq}, {"ne", P::Ne}, {"gt", P::Gt}, {"ge", P::Ge},
      {"lt", P::Lt}, {"le", P::Le}, {"sa", P::Gt}, {"eb", P::Lt}};
  for (const auto& [text, prefix] : kPrefixes) {
    if (v.starts_with(text)) {
      c.prefix = prefix;
      v.remove_prefix(2);
      break;
    }
  }
  const auto range = parse_fhir_date_range(v);
  if (!range) return std::nullopt;
  c.start_ns = range->start_ns;
  c.end_ns = range->end_ns;
  return c;
}

}  // namespace

bool TimeConstraint::matches(std::int64_t t) const {
  switch (prefix) {
    case Prefix::Eq:
      return t >= start_ns && t < end_ns;
    case Prefix::Ne:
      return t < start_ns || t >= end_ns;
    case Prefix::Gt:
      return t >= end_ns;
    case Prefix::Ge:
      return t >= start_ns;
    case Prefix::Lt:
      return t < start_ns;
    case Prefix::Le:
      return t < end_ns;
  }
  return false;
}

std::string url_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      unsigned v = 0;
      auto [p, ec] = std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16);
      if (ec == std::errc() && p == s.data() + i + 3) {
        out.push_back(static_cast<char>(v));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

Token parse_token(std::string_view text) {
  Token t;
  const auto bar = text.find('|');
  if (bar == std::string_view::npos) {
    t.value = std::string(text);
  } else {
    t.system = std::string(text.substr(0, bar));
    t.value = std::string(text.substr(bar + 1));
  }
  return t;
}

std::optional<TimeRange> parse_fhir_date_range(std::string_view s) {
  auto digits = [&](std::size_t pos, std::size_t n) -> std::optional<unsigned> {
    if (pos + n > s.size()) return std::nullopt;
    unsigned v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + static_cast<unsigned>(s[i] - '0');
    }
    return v;
  };
  const auto y = digits(0, 4);
  if (!y || *y < 1970 || *y > 2200) return std::nullopt;
  if (s.size() == 4)
    return TimeRange{days_from_civil(*y, 1, 1) * kNsPerDay,
                     days_from_civil(*y + 1, 1, 1) * kNsPerDay};
  if (s.size() < 7 || s[4] != '-') return std::nullopt;
  const auto mo = digits(5, 2);
  if (!mo || *mo < 1 || *mo > 12) return std::nullopt;
  if (s.size() == 7) {
    const std::int64_t start = days_from_civil(*y, *mo, 1);
    return TimeRange{start * kNsPerDay, (start + days_in_month(*y, *mo)) * kNsPerDay};
  }
  if (s.size() < 10 || s[7] != '-') return std::nullopt;
  const auto d = digits(8, 2);
  if (!d || *d < 1 || *d > days_in_month(*y, *mo)) return std::nullopt;
  const std::int64_t day_ns = days_from_civil(*y, *mo, *d) * kNsPerDay;
  if (s.size() == 10) return TimeRange{day_ns, day_ns + kNsPerDay};
  // hh:mm[:ss[.f+]][Z|±hh:mm]
  if (s[10] != 'T' || s.size() < 16 || s[13] != ':') return std::nullopt;
  const auto h = digits(11, 2), mi = digits(14, 2);
  if (!h || !mi || *h > 23 || *mi > 59) return std::nullopt;
  std::int64_t start = day_ns + (*h * 3600 + *mi * 60) * kNsPerSecond;
  std::int64_t unit = 60 * kNsPerSecond;
  std::size_t pos = 16;
  if (pos < s.size() && s[pos] == ':') {
    const auto se = digits(pos + 1, 2);
    if (!se || *se > 60) return std::nullopt;
    start += *se * kNsPerSecond;
    unit = kNsPerSecond;
    pos += 3;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      std::size_t n = 0;
      std::int64_t scale = kNsPerSecond / 10;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        start += (s[pos] - '0') * scale;
        if (n < 9) unit = scale;
        scale /= 10;
        ++pos;
        ++n;
      }
      if (n == 0) return std::nullopt;
      if (unit == 0) unit = 1;
    }
  }
  if (pos < s.size()) {
    if (s[pos] == 'Z') {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-' || s[pos] == ' ') {
      // A '+' left unescaped in a query string arrives as a space.
      const auto oh = digits(pos + 1, 2), om = digits(pos + 4, 2);
      if (!oh || !om || pos + 3 >= s.size() || s[pos + 3] != ':' || *oh > 14 || *om > 59)
        return std::nullopt;
      const std::int64_t offset = (*oh * 3600 + *om * 60) * kNsPerSecond;
      start += s[pos] == '-' ? offset : -offset;
      pos += 6;
    } else {
      return std::nullopt;
    }
  }
  if (pos != s.size()) return std::nullopt;
  return TimeRange{start, start + unit};
}

SearchParse parse_search(std::string_view query, const std::vector<std::string_view>& allowed) {
  SearchParse out;
  SearchQuery& q = out.query;
  auto fail = [&](std::string why) {
    out.error = std::move(why);
    return out;
  };
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    std::string key = url_decode(pair.substr(0, eq));
    const std::string value =
        eq == std::string_view::npos ? std::string() : url_decode(pair.substr(eq + 1));
    if (key != "_cursor") {
      if (!q.base_query.empty()) q.base_query += '&';
      q.base_query += pair;
    }
    // Modifiers we do not implement (subject:Patient is the one harmless one).
    if (const auto colon = key.find(':'); colon != std::string::npos) {
      if (key.substr(colon) == ":Patient" || key.substr(colon) == ":exact")
        key.resize(colon);
      else
        return fail("search modifier '" + key.substr(colon) + "' is not supported");
    }
    auto list = [&](auto& into, auto convert) -> bool {
      const auto items = split_list(value);
      if (into.size() + items.size() > kMaxListValues) return false;
      for (const auto& i : items) into.push_back(convert(i));
      return true;
    };
    const bool known = std::find(allowed.begin(), allowed.end(), key) != allowed.end();
    if (key == "_lastUpdated" || (known && key == "date")) {
      const auto c = parse_prefixed(value);
      if (!c)
        return fail(key +
                    " takes an optional prefix (eq ne gt ge lt le sa eb) and a FHIR date, "
                    "dateTime or instant, found '" +
                    value + "'");
      (key == "date" ? q.dates : q.last_updated).push_back(*c);
    } else if (key == "_count") {
      unsigned n = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || p != value.data() + value.size())
        return fail("_count must be a number, found '" + value + "'");
      q.count = std::min<std::size_t>(n, 1000);
    } else if (key == "_summary") {
      if (value != "count" && value != "false") return fail("only _summary=count is supported");
      q.summary_count = value == "count";
    } else if (key == "_sort") {
      if (value != "_lastUpdated")
        return fail("only _sort=_lastUpdated (the order results always come in) is supported");
    } else if (key == "_cursor") {
      std::int64_t c = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), c);
      if (ec != std::errc() || p != value.data() + value.size() || c < 0)
        return fail("_cursor is not one this server gave");
      q.cursor = c;
    } else if (key == "_format") {
      if (value.find("json") == std::string::npos) return fail("only JSON is served");
    } else if (known && key == "identifier") {
      if (!list(q.identifiers, [](const std::string& s) { return parse_token(s); }))
        return fail("at most 1000 identifiers per search");
    } else if (known && key == "code") {
      if (!list(q.codes, [](const std::string& s) { return parse_token(s); }))
        return fail("at most 1000 codes per search");
    } else if (known && (key == "subject" || key == "patient")) {
      if (!list(q.subjects, [](const std::string& s) { return s; }))
        return fail("at most 1000 subjects per search");
    } else {
      return fail("unsupported search parameter '" + key + "'");
    }
  }
  return out;
}

}  // namespace iomtsim::reference_target
