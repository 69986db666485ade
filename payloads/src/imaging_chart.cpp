// ImagingStudy and DiagnosticReport of a result stored in a PACS (imaging_chart.hpp).
#include "iomtsim/payloads/imaging_chart.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "iomtsim/payloads/fhir.hpp"
#include "ops_fhir_codes.hpp"

namespace iomtsim::payloads {
namespace {

// Ordered: resourceType first, so a receiver sniffing a body's head sees what it is.
using Json = nlohmann::ordered_json;
namespace ops = physiology::ops;

constexpr const char* kDcm = "http://dicom.nema.org/resources/ontology/DCM";

Json dcm_modality(std::string_view code) { return Json{{"system", kDcm}, {"code", code}}; }

std::string patient_reference(const ops::ImagingResult& r) {
  return "Patient/p" + std::to_string(r.patient);
}

}  // namespace

std::string imaging_study_id(std::string_view study_uid) {
  std::string id = "dicom-";
  for (char c : study_uid)
    if (c >= '0' && c <= '9') id += c;
  // A "2.25." UID has at most 39 digits after the root: the id stays within FHIR's 64.
  if (id.size() > 64) id.erase(6, id.size() - 64);
  return id;
}

std::string encode_imaging_chart_bundle(const ops::ImagingResult& r, const ImagingChartStudy& s,
                                        std::int64_t epoch_unix_ms) {
  if (s.instance_uids.empty())
    throw std::invalid_argument("an ImagingStudy needs at least one stored instance");
  const auto& id = s.identity;
  const std::string when = format_fhir_instant(r.device_time, epoch_unix_ms);
  const std::string study_id = imaging_study_id(id.study_uid);
  const auto n = static_cast<std::int64_t>(s.instance_uids.size());

  Json instances = Json::array();
  for (std::size_t i = 0; i < s.instance_uids.size(); ++i)
    instances.push_back(
        {{"uid", s.instance_uids[i]},
         {"sopClass", {{"system", "urn:ietf:rfc:3986"}, {"code", "urn:oid:" + id.sop_class_uid}}},
         {"number", i + 1}});
  Json study = {
      {"resourceType", "ImagingStudy"},
      {"id", study_id},
      {"contained",
       Json::array({{{"resourceType", "Endpoint"},
                     {"id", "pacs"},
                     {"status", "active"},
                     {"connectionType",
                      {{"system", "http://terminology.hl7.org/CodeSystem/endpoint-connection-type"},
                       {"code", "dicom-wado-rs"}}},
                     {"payloadType", Json::array({{{"text", "DICOM"}}})},
                     {"payloadMimeType", Json::array({"application/dicom"})},
                     {"address", s.dicomweb_base}}})},
      {"identifier",
       Json::array({{{"system", "urn:dicom:uid"}, {"value", "urn:oid:" + id.study_uid}}})},
      {"status", "available"},
      {"modality", Json::array({dcm_modality(id.modality)})},
      {"subject", {{"reference", patient_reference(r)}}},
      {"started", when},
      {"endpoint", Json::array({{{"reference", "#pacs"}}})},
      {"numberOfSeries", 1},
      {"numberOfInstances", n},
      {"series", Json::array({{{"uid", id.series_uid},
                               {"number", 1},
                               {"modality", dcm_modality(id.modality)},
                               {"numberOfInstances", n},
                               {"instance", std::move(instances)}}})}};

  const bool ecg = r.modality == ops::Modality::Ecg12Lead;
  Json report = {
      {"resourceType", "DiagnosticReport"},
      {"id", "imaging-" + std::to_string(r.id)},
      {"identifier",
       Json::array({{{"system", detail::kImagingSystem}, {"value", std::to_string(r.id)}}})},
      {"status", "final"},
      {"category",
       Json::array(
           {{{"coding", Json::array({{{"system", "http://terminology.hl7.org/CodeSystem/v2-0074"},
                                      {"code", ecg ? "EC" : "RAD"}}})}}})},
      {"code", {{"coding", Json::array({dcm_modality(id.modality)})}}},
      {"subject", {{"reference", patient_reference(r)}}},
      {"effectiveDateTime", when},
      {"imagingStudy", Json::array({{{"reference", "ImagingStudy/" + study_id}}})},
      {"extension",
       Json::array({{{"url", "urn:iomtsim:procedure"}, {"valueUnsignedInt", r.procedure}}})}};

  auto entry = [](Json resource) {
    const std::string url =
        resource["resourceType"].get<std::string>() + "/" + resource["id"].get<std::string>();
    // No fullUrl: the request's url names the resource (a relative fullUrl is not allowed).
    return Json{{"resource", std::move(resource)}, {"request", {{"method", "PUT"}, {"url", url}}}};
  };
  Json bundle = {{"resourceType", "Bundle"},
                 {"type", "transaction"},
                 {"entry", Json::array({entry(std::move(study)), entry(std::move(report))})}};
  return bundle.dump();
}

}  // namespace iomtsim::payloads
