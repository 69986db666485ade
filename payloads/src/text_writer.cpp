#include "text_writer.hpp"

#include <cmath>

namespace iomtsim::payloads::detail {

void append_fixed(std::string& out, double v, int decimals) {
  if (!std::isfinite(v)) v = 0.0;
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  if (res.ec != std::errc{}) {
    // Only for absurd magnitudes (> 1e60): fall back to the shortest general form.
    res = std::to_chars(buf, buf + sizeof buf, v);
  }
  // "-0.0" is valid JSON but reads oddly; a value that rounds to zero is zero.
  std::string_view s(buf, static_cast<std::size_t>(res.ptr - buf));
  if (s.size() > 1 && s[0] == '-' && s.find_first_not_of("-0.") == std::string_view::npos) {
    s.remove_prefix(1);
  }
  out.append(s);
}

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t run_start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.data() + run_start, i - run_start);
    run_start = i + 1;
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      default:
        out.append("\\u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
    }
  }
  out.append(text.data() + run_start, text.size() - run_start);
  out.push_back('"');
}

}  // namespace iomtsim::payloads::detail
