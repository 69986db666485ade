#pragma once
// Private: a validating JSON scanner that builds no tree, for decoders that need a few
// fields of a document on a hot path (the FHIR Observation decoder of the target).
//
// It accepts exactly what nlohmann_json's parser (3.11, no comments, strict) accepts, so a
// decoder built on it rejects the same documents as one built on json::parse:
//   - an optional UTF-8 byte order mark at the very start, whitespace " \t\n\r";
//   - strings: strict UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF), no raw
//     control characters below 0x20, escapes \" \\ \/ \b \f \n \r \t \uXXXX, where a high
//     surrogate must be followed by an escaped low one and a lone low one is an error;
//   - numbers in the JSON grammar; a float (or an integer too long for 64 bits, which
//     nlohmann re-reads as a float) that overflows to infinity is an error;
//   - any nesting depth (skip_value keeps an explicit stack, no recursion);
//   - a NUL byte after the top-level value ends the document (see finish()).
//
// Usage: the caller walks the document with object()/array(), reading the members it
// wants and calling skip_value() for the rest; every function returns false on the first
// syntax error (the scanner then stops, and the document is invalid). Positions are
// bytes into the text; the text must outlive the scanner and every view it returns.
//
//   JsonScanner s(text);
//   bool ok = s.begin() && s.object([&](std::string_view key) {
//     return key == "id" ? s.read_string(id) : s.skip_value();
//   }) && s.finish();
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace iomtsim::payloads::detail {

// A number as nlohmann_json would store it: unsigned (non-negative integer that fits 64
// bits), integer (negative, fits int64) or float.
struct JsonNumber {
  enum class Kind { Unsigned, Integer, Float };
  Kind kind = Kind::Unsigned;
  std::uint64_t unsigned_value = 0;
  std::int64_t integer_value = 0;
  double float_value = 0.0;
  // The value as json::get<double>() gives it.
  double as_double() const noexcept {
    switch (kind) {
      case Kind::Unsigned: return static_cast<double>(unsigned_value);
      case Kind::Integer: return static_cast<double>(integer_value);
      case Kind::Float: break;
    }
    return float_value;
  }
};

class JsonScanner {
 public:
  explicit JsonScanner(std::string_view text) noexcept
      : p_(text.data()), end_(text.data() + text.size()) {}
  JsonScanner(const JsonScanner&) = delete;
  JsonScanner& operator=(const JsonScanner&) = delete;

  // Skips a byte order mark and whitespace; false on a broken mark.
  bool begin() noexcept;
  // After the top-level value: only whitespace may follow, up to the end or a NUL byte.
  // nlohmann's lexer reads a NUL outside a string as the end of input and ignores what
  // comes after it; the differential fuzzer (tests/fuzz/fhir_fuzzer.cpp) found that the
  // scanner refused "{…}\0…" where json::parse took it.
  bool finish() noexcept {
    skip_ws();
    return p_ == end_ || *p_ == '\0';
  }

  // The next byte (whitespace already skipped by the walkers), or 0 at the end.
  char peek() const noexcept { return p_ < end_ ? *p_ : '\0'; }

  // A string value at the current position. The view points into the text when the
  // string has no escapes, else into storage owned by the scanner.
  bool read_string(std::string_view& out);
  bool read_number(JsonNumber& out) noexcept;
  // Any value, validated and dropped.
  bool skip_value();

  // Walks the object at the current position: for each member, `member(key)` is called
  // with the position at its value (whitespace skipped) and must consume the value.
  template <class F>
  bool object(F&& member);
  // Walks the array at the current position; `element()` consumes each element.
  template <class F>
  bool array(F&& element);

 private:
  void skip_ws() noexcept {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }
  bool consume(char c) noexcept {
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }
  // Scans a string; appends its decoded bytes to `decoded` when not null.
  bool scan_string(std::string* decoded);
  bool scan_utf8() noexcept;  // one multi-byte sequence at p_ (lead byte >= 0x80)
  bool scan_escape(std::string* decoded) noexcept;
  bool scan_literal() noexcept;

  const char* p_;
  const char* end_;
  // Decoded strings that had escapes; unique_ptr so views survive the vector growing.
  std::vector<std::unique_ptr<std::string>> decoded_;
};

template <class F>
bool JsonScanner::object(F&& member) {
  if (!consume('{')) return false;
  skip_ws();
  if (consume('}')) return true;
  for (;;) {
    std::string_view key;
    if (peek() != '"' || !read_string(key)) return false;
    skip_ws();
    if (!consume(':')) return false;
    skip_ws();
    if (!member(key)) return false;
    skip_ws();
    if (consume(',')) {
      skip_ws();
      continue;
    }
    return consume('}');
  }
}

template <class F>
bool JsonScanner::array(F&& element) {
  if (!consume('[')) return false;
  skip_ws();
  if (consume(']')) return true;
  for (;;) {
    if (!element()) return false;
    skip_ws();
    if (consume(',')) {
      skip_ws();
      continue;
    }
    return consume(']');
  }
}

}  // namespace iomtsim::payloads::detail
