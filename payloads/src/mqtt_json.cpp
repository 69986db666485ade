#include "iomtsim/payloads/mqtt_json.hpp"

#include <cmath>

#include "civil_time.hpp"
#include "iomtsim/payloads/codes.hpp"
#include "json_read.hpp"
#include "text_writer.hpp"

namespace iomtsim::payloads {
namespace {

using nlohmann::json;

std::string decode_object(const json& j, physiology::Reading& r) {
  if (!j.is_object()) return "reading is not a JSON object";
  const json* p = detail::member(j, "p");
  if (!p || !p->is_number_unsigned()) return "missing or non-integer 'p' (patient)";
  const std::uint64_t patient = p->get<std::uint64_t>();
  if (patient > 0xFFFFFFFFull) return "'p' out of range";
  r.patient = static_cast<physiology::PatientIndex>(patient);
  r.device = 0;
  if (const json* d = detail::member(j, "d")) {
    if (!d->is_number_unsigned() || d->get<std::uint64_t>() > 0xFFFF) return "'d' is not a device index";
    r.device = static_cast<physiology::DeviceIndex>(d->get<std::uint64_t>());
  }
  r.id = 0;
  if (const json* id = detail::member(j, "id")) {
    if (!id->is_number_unsigned()) return "'id' is not an unsigned integer";
    r.id = id->get<std::uint64_t>();
  }
  const auto v = detail::string_member(j, "v");
  if (!v) return "missing 'v' (vital name)";
  const auto vital = physiology::vital_from_name(*v);
  if (!vital) return "unknown vital '" + v->substr(0, 40) + "'";
  r.vital = *vital;
  const json* val = detail::member(j, "val");
  if (!val || !val->is_number()) return "missing or non-numeric 'val'";
  r.value = val->get<double>();
  if (!std::isfinite(r.value)) return "'val' is not finite";
  if (auto u = detail::string_member(j, "u"); u && *u != codes(r.vital).ucum) {
    return "unit '" + u->substr(0, 20) + "' is not " + std::string(codes(r.vital).ucum) + " for " +
           *v;
  }
  const json* t = detail::member(j, "t");
  if (!t || !t->is_number_integer()) return "missing or non-integer 't' (device time, ms)";
  const std::int64_t t_ms = t->get<std::int64_t>();
  if (t_ms > INT64_MAX / 1'000'000 || t_ms < INT64_MIN / 1'000'000) return "'t' out of range";
  r.device_time = physiology::SimTime{std::chrono::milliseconds(t_ms)};
  r.flags = 0;
  if (const json* f = detail::member(j, "f")) {
    if (!f->is_number_unsigned()) return "'f' is not an unsigned integer";
    r.flags = static_cast<std::uint8_t>(f->get<std::uint64_t>() & kWireFlags);
  }
  r.true_value = 0.0;
  r.true_time = {};
  return {};
}

}  // namespace

void append_mqtt_reading(std::string& out, const physiology::Reading& r) {
  const VitalCodes& c = codes(r.vital);
  out.append(R"({"id":)");
  detail::append_uint(out, r.id);
  out.append(R"(,"p":)");
  detail::append_uint(out, r.patient);
  out.append(R"(,"d":)");
  detail::append_uint(out, r.device);
  out.append(R"(,"v":")");
  out.append(physiology::name(r.vital));
  out.append(R"(","val":)");
  detail::append_fixed(out, r.value, c.wire_decimals);
  out.append(R"(,"u":")");
  out.append(c.ucum);
  out.append(R"(","t":)");
  detail::append_int(out, detail::floor_div(r.device_time.time_since_epoch().count(), 1'000'000));
  const std::uint8_t flags = r.flags & kWireFlags;
  if (flags != 0) {
    out.append(R"(,"f":)");
    detail::append_uint(out, flags);
  }
  out.push_back('}');
}

std::string encode_mqtt_reading(const physiology::Reading& r) {
  std::string out;
  out.reserve(128);
  append_mqtt_reading(out, r);
  return out;
}

std::string encode_mqtt_batch(std::span<const physiology::Reading> readings) {
  std::string out;
  out.reserve(2 + readings.size() * 112);
  out.push_back('[');
  for (std::size_t i = 0; i < readings.size(); ++i) {
    if (i) out.push_back(',');
    append_mqtt_reading(out, readings[i]);
  }
  out.push_back(']');
  return out;
}

DecodeResult decode_mqtt_json(std::string_view text) {
  DecodeResult res;
  // A batch is an array of flat objects: about nine values per reading.
  json j;
  if (!detail::parse_json_bounded(text, {.max_depth = 8, .max_values = 1u << 18}, j, res.error))
    return res;
  if (j.is_object()) {
    res.readings.resize(1);
    res.error = decode_object(j, res.readings[0]);
  } else if (j.is_array()) {
    res.readings.resize(j.size());
    for (std::size_t i = 0; i < j.size(); ++i) {
      if (auto err = decode_object(j[i], res.readings[i]); !err.empty()) {
        res.error = "entry " + std::to_string(i) + ": " + err;
        break;
      }
    }
  } else {
    res.error = "JSON is neither an object nor an array";
  }
  if (!res.ok()) res.readings.clear();
  return res;
}

std::string mqtt_topic(std::string_view pattern, physiology::PatientIndex patient,
                       physiology::DeviceIndex device) {
  std::string out;
  out.reserve(pattern.size() + 16);
  while (!pattern.empty()) {
    if (pattern.starts_with("{patient}")) {
      detail::append_uint(out, patient);
      pattern.remove_prefix(9);
    } else if (pattern.starts_with("{device}")) {
      detail::append_uint(out, device);
      pattern.remove_prefix(8);
    } else {
      out.push_back(pattern.front());
      pattern.remove_prefix(1);
    }
  }
  return out;
}

}  // namespace iomtsim::payloads
