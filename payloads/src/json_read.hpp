#pragma once
// Private: defensive accessors over nlohmann::json for decoders (never throw on a
// missing key or a wrong type), and the bounded parse every DOM decoder uses.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace iomtsim::payloads::detail {

inline const nlohmann::json* member(const nlohmann::json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

inline std::optional<std::string> string_member(const nlohmann::json& obj, const char* key) {
  const nlohmann::json* v = member(obj, key);
  if (!v || !v->is_string()) return std::nullopt;
  return v->get<std::string>();
}

// The same string without a copy (for large members: base64 media, sample data).
inline const std::string* string_member_ref(const nlohmann::json& obj, const char* key) {
  const nlohmann::json* v = member(obj, key);
  if (!v || !v->is_string()) return nullptr;
  return &v->get_ref<const std::string&>();
}

// What a DOM may cost. A value is anything the tree holds: a scalar, an array or an
// object (keys are not counted apart from their values). The tree of a document within
// both bounds takes at most about 100 bytes per value plus the bytes of its strings.
struct JsonBounds {
  std::size_t max_depth = 64;
  std::size_t max_values = 16384;
};

// json::parse(text, nullptr, false) (strict, no comments, the last of repeated keys wins)
// that gives up as soon as the document passes a bound, before building any more of it.
// On failure `out` is discarded and `why` is "invalid JSON", "JSON nested deeper than N
// levels" or "JSON has more than N values".
bool parse_json_bounded(std::string_view text, const JsonBounds& bounds, nlohmann::json& out,
                        std::string& why);

}  // namespace iomtsim::payloads::detail
