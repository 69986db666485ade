// Reading what a DICOMweb server answers (dicom_stow.hpp): the STOW-RS store response and
// QIDO-RS study matches, both DICOM JSON (PS3.18 F.2).
#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "iomtsim/payloads/dicom_stow.hpp"

namespace iomtsim::payloads {
namespace {

using Json = nlohmann::json;

// The Value array of attribute `tag` ("00081198") of a DICOM JSON object, or nullptr.
const Json* value_of(const Json& object, const char* tag) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(tag);
  if (it == object.end()) {  // tags are upper-case hex; some servers write lower case
    std::string lower(tag);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    it = object.find(lower);
  }
  if (it == object.end() || !it->is_object()) return nullptr;
  auto v = it->find("Value");
  return v != it->end() && v->is_array() ? &*v : nullptr;
}

// PS3.18 Table I.2-3 and PS3.4 Annex B's failure codes, as a reader wants them.
const char* failure_meaning(std::uint64_t code) {
  if (code >= 0xA700 && code <= 0xA7FF) return "out of resources";
  if (code >= 0xA900 && code <= 0xA9FF) return "data set does not match SOP class";
  if (code >= 0xC000 && code <= 0xCFFF) return "cannot understand";
  switch (code) {
    case 0x0110:
      return "processing failure";
    case 0x0112:
      return "no such object instance";
    case 0x0122:
      return "SOP class not supported";
    case 0x0124:
      return "not authorized";
    case 0xA770:
      return "transfer syntax not supported";
    case 0xA771:
      return "study instance UID mismatch";
    case 0xB000:
    case 0xB006:
    case 0xB007:
      return "coercion or warning";
    default:
      return "unknown reason";
  }
}

// A number in DICOM JSON: US comes as a number, IS as a number or a string.
std::optional<std::int64_t> number(const Json& v) {
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_number_unsigned()) return static_cast<std::int64_t>(v.get<std::uint64_t>());
  if (v.is_string()) {
    try {
      return std::stoll(v.get<std::string>());
    } catch (...) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<StowAnswer> read_stow_answer(std::string_view body) {
  const Json j = Json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  StowAnswer a;
  if (const auto* ref = value_of(j, "00081199")) a.referenced = ref->size();
  const auto* failed = value_of(j, "00081198");
  if (!failed || failed->empty()) return a;
  a.failed = failed->size();
  a.reason = "FailedSOPSequence: " + std::to_string(a.failed) +
             (a.failed == 1 ? " instance" : " instances");
  // The first item's reason speaks for the answer (a device sends one instance a request).
  if (const auto* why = value_of(failed->front(), "00081197"); why && !why->empty()) {
    if (const auto code = number(why->front())) {
      char hex[16];
      std::snprintf(hex, sizeof hex, "0x%04llX", static_cast<unsigned long long>(*code));
      a.reason += ", FailureReason ";
      a.reason += hex;
      a.reason += " (";
      a.reason += failure_meaning(static_cast<std::uint64_t>(*code));
      a.reason += ")";
    }
  }
  return a;
}

std::optional<std::vector<QidoStudy>> read_qido_studies(std::string_view body) {
  std::vector<QidoStudy> out;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return out;  // 204
  const Json j = Json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded() || !j.is_array()) return std::nullopt;
  for (const auto& study : j) {
    if (!study.is_object()) return std::nullopt;
    QidoStudy s;
    if (const auto* uid = value_of(study, "0020000D");
        uid && !uid->empty() && uid->front().is_string())
      s.study_uid = uid->front().get<std::string>();
    if (const auto* n = value_of(study, "00201208"); n && !n->empty())
      s.instances = number(n->front()).value_or(-1);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace iomtsim::payloads
