#pragma once
// Escaping and number formatting shared by the XML/HTML/SVG renderers.
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>

namespace iomtsim::reports::xml {

inline std::string escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        // Control characters are not allowed in XML 1.0; drop them rather than emit
        // an unparseable file.
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\t') out += c;
    }
  }
  return out;
}

// Compact number for display: up to `digits` significant digits; "n/a" for NaN.
inline std::string num(double v, int digits = 4) {
  if (v != v) return "n/a";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

// A figure for people (tables, summaries; not attributes): like num(), but a value too
// large for `digits` significant digits is written whole with thousands separators
// ("434,700"), never in exponent form ("4.347e+05").
// A whole number printed with "%.0f" ("-434700"), with thousands separators ("-434,700").
inline std::string grouped(std::string_view whole) {
  std::string out;
  if (!whole.empty() && whole.front() == '-') {
    out += '-';
    whole.remove_prefix(1);
  }
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) out += ',';
    out += whole[i];
  }
  return out;
}

inline std::string shown(double v, int digits = 4) {
  if (v != v) return "n/a";
  if (std::abs(v) < std::pow(10.0, digits) || !std::isfinite(v)) return num(v, digits);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.0f", v);
  return grouped(buf);
}

}  // namespace iomtsim::reports::xml
