// The acceptance rules mirror nlohmann_json 3.11's lexer and parser rule for rule (see the
// header), because the scanning FHIR decoder must reject exactly what the DOM one did;
// tests/payloads/fhir_differential_test.cpp holds the two against each other.
#include "json_scanner.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace iomtsim::payloads::detail {
namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// nlohmann reads floats with strtod and rejects a non-finite result; from_chars gives the
// same correctly rounded value without a locale or a terminating copy, and only when it
// reports out-of-range (overflow, or an underflow nlohmann accepts as 0 or a subnormal)
// do we ask strtod which one it was.
bool parse_finite_double(const char* first, const char* last, double& out) {
  const auto [ptr, ec] = std::from_chars(first, last, out);
  if (ec == std::errc{} && ptr == last) return std::isfinite(out);
  if (ec != std::errc::result_out_of_range) return false;
  const std::string copy(first, last);
  out = std::strtod(copy.c_str(), nullptr);
  return std::isfinite(out);
}

}  // namespace

bool JsonScanner::begin() noexcept {
  if (p_ < end_ && static_cast<unsigned char>(*p_) == 0xEF) {
    if (end_ - p_ < 3 || static_cast<unsigned char>(p_[1]) != 0xBB ||
        static_cast<unsigned char>(p_[2]) != 0xBF) {
      return false;
    }
    p_ += 3;
  }
  skip_ws();
  return true;
}

bool JsonScanner::scan_utf8() noexcept {
  const auto byte = [this](std::ptrdiff_t i) -> unsigned {
    return p_ + i < end_ ? static_cast<unsigned char>(p_[i]) : 0u;
  };
  const auto in = [](unsigned b, unsigned lo, unsigned hi) { return b >= lo && b <= hi; };
  const unsigned lead = byte(0);
  std::ptrdiff_t n = 0;
  if (in(lead, 0xC2, 0xDF)) {
    n = in(byte(1), 0x80, 0xBF) ? 2 : 0;
  } else if (lead == 0xE0) {
    n = in(byte(1), 0xA0, 0xBF) && in(byte(2), 0x80, 0xBF) ? 3 : 0;
  } else if (in(lead, 0xE1, 0xEC) || in(lead, 0xEE, 0xEF)) {
    n = in(byte(1), 0x80, 0xBF) && in(byte(2), 0x80, 0xBF) ? 3 : 0;
  } else if (lead == 0xED) {
    n = in(byte(1), 0x80, 0x9F) && in(byte(2), 0x80, 0xBF) ? 3 : 0;
  } else if (lead == 0xF0) {
    n = in(byte(1), 0x90, 0xBF) && in(byte(2), 0x80, 0xBF) && in(byte(3), 0x80, 0xBF) ? 4 : 0;
  } else if (in(lead, 0xF1, 0xF3)) {
    n = in(byte(1), 0x80, 0xBF) && in(byte(2), 0x80, 0xBF) && in(byte(3), 0x80, 0xBF) ? 4 : 0;
  } else if (lead == 0xF4) {
    n = in(byte(1), 0x80, 0x8F) && in(byte(2), 0x80, 0xBF) && in(byte(3), 0x80, 0xBF) ? 4 : 0;
  }
  p_ += n;
  return n != 0;
}

bool JsonScanner::scan_escape(std::string* decoded) noexcept {
  // p_ is just past the backslash.
  if (p_ == end_) return false;
  const char c = *p_++;
  char simple = 0;
  switch (c) {
    case '"': simple = '"'; break;
    case '\\': simple = '\\'; break;
    case '/': simple = '/'; break;
    case 'b': simple = '\b'; break;
    case 'f': simple = '\f'; break;
    case 'n': simple = '\n'; break;
    case 'r': simple = '\r'; break;
    case 't': simple = '\t'; break;
    case 'u': break;
    default: return false;
  }
  if (simple != 0) {
    if (decoded) decoded->push_back(simple);
    return true;
  }
  const auto hex4 = [this]() -> int {
    if (end_ - p_ < 4) return -1;
    int v = 0;
    for (int i = 0; i < 4; ++i) {
      const int h = hex_value(p_[i]);
      if (h < 0) return -1;
      v = v * 16 + h;
    }
    p_ += 4;
    return v;
  };
  const int first = hex4();
  if (first < 0) return false;
  std::uint32_t cp = static_cast<std::uint32_t>(first);
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
    p_ += 2;
    const int second = hex4();
    if (second < 0xDC00 || second > 0xDFFF) return false;
    cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<std::uint32_t>(second) - 0xDC00);
  } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
    return false;
  }
  if (decoded) append_utf8(*decoded, cp);
  return true;
}

bool JsonScanner::scan_string(std::string* decoded) {
  // p_ is just past the opening quote.
  for (;;) {
    const char* run = p_;
    while (p_ < end_) {
      const auto b = static_cast<unsigned char>(*p_);
      if (b < 0x20 || b >= 0x80 || b == '"' || b == '\\') break;
      ++p_;
    }
    if (decoded) decoded->append(run, p_);
    if (p_ == end_) return false;
    const auto b = static_cast<unsigned char>(*p_);
    if (b == '"') {
      ++p_;
      return true;
    }
    if (b < 0x20) return false;
    if (b == '\\') {
      ++p_;
      if (!scan_escape(decoded)) return false;
      continue;
    }
    const char* seq = p_;
    if (!scan_utf8()) return false;
    if (decoded) decoded->append(seq, p_);
  }
}

bool JsonScanner::read_string(std::string_view& out) {
  if (!consume('"')) return false;
  // Fast path: no escapes, the view is the raw text.
  const char* start = p_;
  for (;;) {
    while (p_ < end_) {
      const auto b = static_cast<unsigned char>(*p_);
      if (b < 0x20 || b >= 0x80 || b == '"' || b == '\\') break;
      ++p_;
    }
    if (p_ == end_) return false;
    const char c = *p_;
    if (c == '"') {
      out = std::string_view(start, static_cast<std::size_t>(p_ - start));
      ++p_;
      return true;
    }
    if (c == '\\') break;
    if (static_cast<unsigned char>(c) < 0x20 || !scan_utf8()) return false;
  }
  auto text = std::make_unique<std::string>(start, p_);
  if (!scan_string(text.get())) return false;
  out = *text;
  decoded_.push_back(std::move(text));
  return true;
}

bool JsonScanner::read_number(JsonNumber& out) noexcept {
  const char* start = p_;
  const bool negative = consume('-');
  const char* digits = p_;
  if (p_ == end_) return false;
  if (*p_ == '0') {
    ++p_;
  } else if (*p_ >= '1' && *p_ <= '9') {
    while (p_ < end_ && is_digit(*p_)) ++p_;
  } else {
    return false;
  }
  const char* int_end = p_;
  bool is_float = false;
  if (p_ < end_ && *p_ == '.') {
    ++p_;
    if (p_ == end_ || !is_digit(*p_)) return false;
    while (p_ < end_ && is_digit(*p_)) ++p_;
    is_float = true;
  }
  if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
    ++p_;
    if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
    if (p_ == end_ || !is_digit(*p_)) return false;
    while (p_ < end_ && is_digit(*p_)) ++p_;
    is_float = true;
  }
  if (!is_float) {
    // Integers as strtoull / strtoll see them; on overflow nlohmann falls back to a float.
    std::uint64_t magnitude = 0;
    bool overflow = false;
    for (const char* d = digits; d < int_end; ++d) {
      const auto digit = static_cast<std::uint64_t>(*d - '0');
      if (magnitude > (UINT64_MAX - digit) / 10) {
        overflow = true;
        break;
      }
      magnitude = magnitude * 10 + digit;
    }
    if (!overflow && !negative) {
      out.kind = JsonNumber::Kind::Unsigned;
      out.unsigned_value = magnitude;
      return true;
    }
    if (!overflow && magnitude <= std::uint64_t{1} << 63) {
      out.kind = JsonNumber::Kind::Integer;
      out.integer_value = magnitude == std::uint64_t{1} << 63
                              ? INT64_MIN
                              : -static_cast<std::int64_t>(magnitude);
      return true;
    }
  }
  out.kind = JsonNumber::Kind::Float;
  return parse_finite_double(start, p_, out.float_value);
}

bool JsonScanner::scan_literal() noexcept {
  const auto word = [this](std::string_view w) {
    if (static_cast<std::size_t>(end_ - p_) < w.size() || std::string_view(p_, w.size()) != w)
      return false;
    p_ += w.size();
    return true;
  };
  switch (peek()) {
    case 't': return word("true");
    case 'f': return word("false");
    case 'n': return word("null");
    default: return false;
  }
}

bool JsonScanner::skip_value() {
  // Open containers, innermost last: '{' or '['. SSO covers the usual shallow depths.
  std::string open;
  for (;;) {
    // A value is expected here.
    skip_ws();
    const char c = peek();
    bool closed_at_once = false;
    if (c == '{' || c == '[') {
      ++p_;
      skip_ws();
      if (consume(c == '{' ? '}' : ']')) {
        closed_at_once = true;
      } else {
        open.push_back(c);
        if (c == '{') {
          if (!consume('"') || !scan_string(nullptr)) return false;
          skip_ws();
          if (!consume(':')) return false;
        }
        continue;
      }
    }
    if (!closed_at_once) {
      if (c == '"') {
        ++p_;
        if (!scan_string(nullptr)) return false;
      } else if (c == '-' || is_digit(c)) {
        JsonNumber ignored;
        if (!read_number(ignored)) return false;
      } else if (!scan_literal()) {
        return false;
      }
    }
    // After a value: close containers or move to the next element.
    for (;;) {
      if (open.empty()) return true;
      skip_ws();
      const char top = open.back();
      if (consume(',')) {
        if (top == '{') {
          skip_ws();
          if (!consume('"') || !scan_string(nullptr)) return false;
          skip_ws();
          if (!consume(':')) return false;
        }
        break;
      }
      if (!consume(top == '{' ? '}' : ']')) return false;
      open.pop_back();
    }
  }
}

}  // namespace iomtsim::payloads::detail
