#pragma once
// The keys each object of the scenario format accepts: one table that both the validator
// (unknown/missing keys, did-you-mean) and `iomtsim schema` read, so the two cannot drift.
// Private to the scenarios library.
#include <span>
#include <string_view>
#include <vector>

namespace iomtsim::scenarios::detail {

enum class ValueType : unsigned char {
  String,
  Integer,
  Boolean,
  Number,        // a bare number
  Quantity,      // a string with a unit; `ref` names the kind ("duration", "pressure", …)
  Fraction,      // 0..1 or "N %"
  Distribution,  // a quantity or {uniform: […]}, …; `ref` names the quantity kind
  Enum,          // `ref` names the value set (enum_values)
  Object,        // `ref` names the object
  ObjectList,    // list of `ref`
  ObjectMap,     // name -> `ref`
  StringList,    // a string or a list of strings
  Onset,         // a distribution of durations, {between: [clock, clock]} or {day, at}
  Severity,      // mild | moderate | severe, or a number distribution 0..1
  Labels,        // bed labels: a label or range ("1-24"), or a list of them (numbers or strings)
  Endpoint,      // "host:port" or {host, port, tls}
  Measures,      // list of vital names, or vital -> interval
  ExpectationList,
  Baselines,  // vital -> distribution
  Headers,    // name -> string, or name -> {env: VAR} / {file: PATH}
  StringMap,  // name -> string
  Toggle,     // true/false, or the object `ref` (its presence means true)
  Range,      // "88-92 %", or {low, high}
};

struct KeyDef {
  std::string_view name;
  ValueType type;
  bool required;
  std::string_view ref;
  std::string_view doc;
};

struct ObjectDef {
  std::string_view name;
  std::string_view doc;
  std::span<const KeyDef> keys;
};

std::span<const ObjectDef> object_defs();
const ObjectDef& object_def(std::string_view name);  // must exist
std::vector<std::string_view> key_names(const ObjectDef& def);
// Names accepted for an Enum ref: "archetype", "condition", "device_type", "vital",
// "intervention", "format", "course", "time_mode", "waveform_kind", "distribution", "fidelity",
// "auth_kind", "client_auth", "jwt_algorithm", "provision_patients".
std::vector<std::string_view> enum_values(std::string_view set);

}  // namespace iomtsim::scenarios::detail
