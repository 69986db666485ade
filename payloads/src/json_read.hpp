#pragma once
// Private: defensive accessors over nlohmann::json for decoders (never throw on a
// missing key or a wrong type).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

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

}  // namespace iomtsim::payloads::detail
