#pragma once
// Private: splitting HL7 v2 text into segments, fields and components without copies,
// and HL7 DTM time text.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace iomtsim::payloads::detail {

struct Hl7Delimiters {
  char field = '|';
  char component = '^';
  char repetition = '~';
  char escape = '\\';
  char subcomponent = '&';
};

// Splits `s` on `sep` into `out` (cleared first).
void split(std::string_view s, char sep, std::vector<std::string_view>& out);

// Field n (1-based, HL7 numbering) of a split segment; for MSH, fields are numbered with
// MSH-1 being the separator itself, so MSH-n is parts[n-1].
inline std::string_view field(const std::vector<std::string_view>& parts, std::size_t n,
                              bool is_msh = false) {
  const std::size_t idx = is_msh ? n - 1 : n;
  return idx < parts.size() ? parts[idx] : std::string_view{};
}

// Component n (1-based) of a field.
std::string_view component(std::string_view field_text, std::size_t n, char sep);

// YYYYMMDDHHMMSS.FFFF+0000 (UTC) for unix nanoseconds.
void append_hl7_time(std::string& out, std::int64_t unix_ns);
// YYYYMMDDHHMM[SS[.F{1,4}]][+/-ZZZZ] -> unix ns (no zone means UTC); nullopt otherwise.
std::optional<std::int64_t> parse_hl7_time(std::string_view text);

}  // namespace iomtsim::payloads::detail
