#pragma once
// Private appenders shared by the text encoders (JSON, HL7): numbers via std::to_chars
// (locale-free, no allocation), JSON strings with RFC 8259 escaping.
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace iomtsim::payloads::detail {

inline void append_uint(std::string& out, std::uint64_t v) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

inline void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

// Fixed notation with `decimals` digits after the point. Non-finite values have no JSON
// form; they are written as 0 (encoders are fed simulated values, which are finite).
void append_fixed(std::string& out, double v, int decimals);

// Zero-padded decimal of exactly `width` digits (v must fit).
inline void append_padded(std::string& out, std::uint64_t v, int width) {
  char buf[24];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  out.append(buf, static_cast<std::size_t>(width));
}

// Appends "text" with JSON escaping, including the quotes.
void append_json_string(std::string& out, std::string_view text);

}  // namespace iomtsim::payloads::detail
