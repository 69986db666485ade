#include "iomtsim/payloads/alert_json.hpp"

#include <array>
#include <cmath>

#include "json_read.hpp"
#include "text_writer.hpp"

namespace iomtsim::payloads {
namespace {

using nlohmann::json;
using physiology::AlertSeverity;

// An alert is one flat object of about ten values; a capture endpoint may get an array.
constexpr detail::JsonBounds kAlertBounds{.max_depth = 8, .max_values = 1u << 18};

constexpr std::array<std::string_view, 4> kSeverityNames = {"info", "low", "medium", "high"};

// One alert object -> Alert, or a reason.
std::string decode_alert_object(const json& j, physiology::Alert& a) {
  if (!j.is_object()) return "alert is not a JSON object";
  const json* patient = detail::member(j, "patient");
  if (!patient || !patient->is_number_unsigned()) return "missing or non-integer 'patient'";
  a.patient = static_cast<physiology::PatientIndex>(patient->get<std::uint64_t>());
  const auto rule = detail::string_member(j, "rule");
  if (!rule || rule->empty()) return "missing 'rule'";
  a.rule = *rule;
  a.alert_id = detail::string_member(j, "alert_id").value_or("");
  if (const json* score = detail::member(j, "score")) {
    if (!score->is_number()) return "'score' is not a number";
    a.score = score->get<double>();
  }
  if (const json* sev = detail::member(j, "severity")) {
    const auto s = sev->is_string() ? severity_from_name(sev->get<std::string>()) : std::nullopt;
    if (!s) return "'severity' is not one of info, low, medium, high";
    a.severity = *s;
  }
  if (const json* t = detail::member(j, "trigger_time_ns")) {
    if (!t->is_number_integer()) return "'trigger_time_ns' is not an integer";
    a.trigger_time = physiology::SimTime{physiology::Duration{t->get<std::int64_t>()}};
  }
  if (const json* id = detail::member(j, "trigger_reading_id")) {
    if (!id->is_number_unsigned()) return "'trigger_reading_id' is not an unsigned integer";
    a.trigger_reading_id = id->get<std::uint64_t>();
  }
  return {};
}

}  // namespace

std::string_view severity_name(AlertSeverity s) {
  return kSeverityNames[static_cast<std::size_t>(s)];
}

std::optional<AlertSeverity> severity_from_name(std::string_view s) {
  for (std::size_t i = 0; i < kSeverityNames.size(); ++i) {
    if (kSeverityNames[i] == s) return static_cast<AlertSeverity>(i);
  }
  return std::nullopt;
}

void append_alert_json(std::string& out, const physiology::Alert& a) {
  out.append(R"({"alert_id":)");
  detail::append_json_string(out, a.alert_id);
  out.append(R"(,"patient":)");
  detail::append_uint(out, a.patient);
  out.append(R"(,"rule":)");
  detail::append_json_string(out, a.rule);
  out.append(R"(,"score":)");
  // Scores are small counts or sums (NEWS2, qSOFA); 3 decimals keeps any fractional one.
  const bool integral = std::isfinite(a.score) && a.score == std::round(a.score);
  detail::append_fixed(out, a.score, integral ? 0 : 3);
  out.append(R"(,"severity":")");
  out.append(severity_name(a.severity));
  out.append(R"(","trigger_time_ns":)");
  detail::append_int(out, a.trigger_time.time_since_epoch().count());
  out.append(R"(,"trigger_reading_id":)");
  detail::append_uint(out, a.trigger_reading_id);
  out.push_back('}');
}

std::string encode_alert_json(const physiology::Alert& a) {
  std::string out;
  append_alert_json(out, a);
  return out;
}

Decoded<physiology::Alert> decode_alert_json(std::string_view text) {
  Decoded<physiology::Alert> res;
  json j;
  if (!detail::parse_json_bounded(text, kAlertBounds, j, res.error)) return res;
  res.error = decode_alert_object(j, res.value);
  return res;
}

Decoded<std::vector<physiology::Alert>> decode_alerts_json(std::string_view text) {
  Decoded<std::vector<physiology::Alert>> res;
  json j;
  if (!detail::parse_json_bounded(text, kAlertBounds, j, res.error)) return res;
  if (!j.is_array()) {
    res.value.resize(1);
    res.error = decode_alert_object(j, res.value[0]);
    if (!res.ok()) res.value.clear();
    return res;
  }
  res.value.resize(j.size());
  for (std::size_t i = 0; i < j.size(); ++i) {
    if (auto err = decode_alert_object(j[i], res.value[i]); !err.empty()) {
      res.value.clear();
      res.error = "alert " + std::to_string(i) + ": " + err;
      return res;
    }
  }
  return res;
}

}  // namespace iomtsim::payloads
