#include "iomtsim/scenarios/schema.hpp"

#include <nlohmann/json.hpp>

#include "iomtsim/scenarios/expectation.hpp"
#include "keys.hpp"

namespace iomtsim::scenarios {
namespace {

using nlohmann::json;
using detail::ValueType;

json strings(const std::vector<std::string_view>& v) {
  json a = json::array();
  for (auto s : v) a.push_back(std::string(s));
  return a;
}

json ref(std::string_view name) { return json{{"$ref", "#/$defs/" + std::string(name)}}; }

json type_of(const detail::KeyDef& k) {
  switch (k.type) {
    case ValueType::String: return {{"type", "string"}};
    case ValueType::Integer: return {{"type", "integer"}};
    case ValueType::Boolean: return {{"type", "boolean"}};
    case ValueType::Number: return {{"type", "number"}};
    case ValueType::Quantity: return ref("quantity");
    case ValueType::Fraction: return ref("fraction");
    case ValueType::Distribution:
      return std::string_view(k.ref) == "number" ? ref("number_distribution") : ref("distribution");
    case ValueType::Enum: return {{"enum", strings(detail::enum_values(k.ref))}};
    case ValueType::Object: return ref(k.ref);
    case ValueType::ObjectList: return {{"type", "array"}, {"items", ref(k.ref)}};
    case ValueType::ObjectMap: return {{"type", "object"}, {"additionalProperties", ref(k.ref)}};
    case ValueType::StringList:
      return {{"oneOf", json::array({{{"type", "string"}},
                                     {{"type", "array"}, {"items", {{"type", "string"}}}}})}};
    case ValueType::Onset: {
      const json clock = {{"type", "string"}, {"pattern", "^[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?$"}};
      const json between = {
          {"type", "object"},
          {"properties",
           {{"between", {{"type", "array"}, {"items", clock}, {"minItems", 2}, {"maxItems", 2}}}}},
          {"required", json::array({"between"})},
          {"additionalProperties", false}};
      const json day_at = {
          {"type", "object"},
          {"properties", {{"day", {{"type", "integer"}, {"minimum", 1}}}, {"at", clock}}},
          {"required", json::array({"at"})},
          {"additionalProperties", false}};
      return {{"oneOf", json::array({ref("distribution"), between, day_at})}};
    }
    case ValueType::Severity:
      return {{"oneOf", json::array({{{"enum", strings(detail::enum_values("severity"))}},
                                     ref("number_distribution")})}};
    case ValueType::Labels: {
      const json label = {{"type", json::array({"string", "integer"})}};
      return {{"oneOf", json::array({label, {{"type", "array"}, {"items", label}}})}};
    }
    case ValueType::Endpoint:
      return {{"oneOf", json::array({{{"type", "string"}, {"pattern", "^.+:[0-9]{1,5}$"}},
                                     ref("endpoint")})}};
    case ValueType::Measures:
      return {{"oneOf",
               json::array({{{"type", "array"},
                             {"items", {{"enum", strings(detail::enum_values("vital"))}}}},
                            {{"type", "object"},
                             {"propertyNames", {{"enum", strings(detail::enum_values("vital"))}}},
                             {"additionalProperties", ref("quantity")}}})}};
    case ValueType::ExpectationList:
      return {{"type", "array"},
              {"items", {{"type", "string"},
                         {"pattern", "^\\s*" + metric_name_pattern() +
                                         "\\s*(<=|>=|==|<|>)\\s*\\S+"}}}};
    case ValueType::Headers: {
      json secret = {{"type", "object"},
                     {"properties", {{"env", {{"type", "string"}}}, {"file", {{"type", "string"}}}}},
                     {"minProperties", 1},
                     {"maxProperties", 1},
                     {"additionalProperties", false}};
      return {{"type", "object"},
              {"additionalProperties", {{"oneOf", json::array({{{"type", "string"}}, secret})}}}};
    }
    case ValueType::StringMap:
      return {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}};
    case ValueType::Toggle:
      return {{"oneOf", json::array({{{"type", "boolean"}}, ref(k.ref)})}};
    case ValueType::Range: {
      const json bound = {
          {"oneOf", json::array({{{"type", "number"}},
                                 {{"type", "string"}, {"pattern", "^[0-9.]+\\s*%?$"}}})}};
      return {{"oneOf", json::array({{{"type", "string"},
                                      {"pattern", "^\\s*[0-9.]+\\s*-\\s*[0-9.]+\\s*%?\\s*$"}},
                                     {{"type", "object"},
                                      {"properties", {{"low", bound}, {"high", bound}}},
                                      {"required", json::array({"low", "high"})},
                                      {"additionalProperties", false}}})}};
    }
    case ValueType::Baselines:
      return {{"type", "object"},
              {"propertyNames", {{"enum", strings(detail::enum_values("vital"))}}},
              {"additionalProperties", ref("distribution")}};
  }
  return json::object();
}

json distribution_def(const json& scalar) {
  json kinds = json::object();
  json one_of = json::array({scalar});
  for (auto k : detail::enum_values("distribution")) {
    json obj = {{"type", "object"},
                {"properties", {{std::string(k), json::object()}, {"min", scalar}, {"max", scalar}}},
                {"required", json::array({std::string(k)})},
                {"additionalProperties", false}};
    one_of.push_back(obj);
  }
  return {{"description",
           "a fixed value, or one of {constant: x}, {uniform: [low, high]}, {normal: {mean, sd}}, "
           "{lognormal: {median, sigma}}, {exponential: mean}, {pareto: {scale, shape}}, "
           "{empirical: [values]}, with optional min and max"},
          {"oneOf", one_of}};
}

}  // namespace

std::string json_schema() {
  json defs = json::object();
  for (const auto& def : detail::object_defs()) {
    json props = json::object();
    json required = json::array();
    for (const auto& k : def.keys) {
      json t = type_of(k);
      t["description"] = std::string(k.doc);
      props[std::string(k.name)] = t;
      if (k.required) required.push_back(std::string(k.name));
    }
    json o = {{"type", "object"},
              {"description", std::string(def.doc)},
              {"properties", props},
              {"additionalProperties", false}};
    if (!required.empty()) o["required"] = required;
    defs[std::string(def.name)] = o;
  }
  // Short forms the loader accepts: `time: simulated`, `target: embedded`.
  json time_def = defs["time"];
  defs["time"] = {{"oneOf", json::array({{{"enum", strings(detail::enum_values("time_mode"))}}, time_def})}};
  json target_def = defs["target"];
  defs["target"] = {{"oneOf", json::array({{{"const", "embedded"}}, target_def})}};
  defs["quantity"] = {{"type", "string"},
                      {"pattern", "^[-+]?[0-9.]+([eE][-+]?[0-9]+)?\\s*\\S+$"},
                      {"description", "a number and a unit, e.g. '90s', '15 min', '120 mmHg', '38.5 C', '20 Mbps'"}};
  defs["fraction"] = {{"oneOf", json::array({{{"type", "number"}, {"minimum", 0}, {"maximum", 1}},
                                             {{"type", "string"}, {"pattern", "^[0-9.]+\\s*%$"}}})},
                      {"description", "0..1, or a percentage such as '2 %'"}};
  defs["distribution"] = distribution_def(ref("quantity"));
  defs["number_distribution"] = distribution_def({{"type", "number"}});
  json root = defs["scenario"];
  json schema = {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
                 {"$id", "https://iomtsim.invalid/schema/scenario.json"},
                 {"title", "iomtsim scenario"}};
  for (auto it = root.begin(); it != root.end(); ++it) schema[it.key()] = it.value();
  // A file with `include:` may get its metadata and cohorts from the included files.
  schema["anyOf"] = json::array({{{"required", json::array({"include"})}},
                                 {{"required", schema["required"]}}});
  schema.erase("required");
  defs.erase("scenario");
  schema["$defs"] = defs;
  return schema.dump(2) + "\n";
}

}  // namespace iomtsim::scenarios
