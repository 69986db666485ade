// Writes the seed corpus of every fuzzer (tests/fuzz/CMakeLists.txt) into DIR/<fuzzer>/:
// valid messages of each kind, made by the project's own encoders so the seeds follow the
// formats as they change. Usage: iomtsim_fuzz_seeds DIR
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "iomtsim/payloads/alert_json.hpp"
#include "iomtsim/payloads/fhir.hpp"
#include "iomtsim/payloads/hl7.hpp"
#include "iomtsim/payloads/mllp.hpp"
#include "iomtsim/payloads/mqtt_json.hpp"
#include "iomtsim/payloads/ops_payloads.hpp"
#include "iomtsim/payloads/proto_codec.hpp"
#include "iomtsim/payloads/waveform.hpp"

namespace p = iomtsim::payloads;
namespace ph = iomtsim::physiology;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr std::int64_t kEpoch = 1714550400000;

std::vector<ph::Reading> readings(ph::PatientIndex patient, std::size_t n) {
  std::vector<ph::Reading> out;
  const ph::Vital vitals[] = {ph::Vital::HeartRate, ph::Vital::SpO2, ph::Vital::RespRate,
                              ph::Vital::SystolicBP, ph::Vital::Temperature,
                              ph::Vital::Consciousness};
  for (std::size_t i = 0; i < n; ++i) {
    ph::Reading r;
    r.patient = patient;
    r.device = 1;
    r.id = ph::make_reading_id(patient, 1, static_cast<std::uint32_t>(i + 1));
    r.vital = vitals[i % std::size(vitals)];
    r.value = r.vital == ph::Vital::Consciousness ? 1.0 : 60.0 + static_cast<double>(i);
    r.device_time = ph::SimTime{} + std::chrono::seconds(60 + i);
    r.flags = i % 2 ? ph::kFlagOnOxygen : 0;
    out.push_back(r);
  }
  return out;
}

ph::WaveformBlock waveform() {
  ph::WaveformBlock b;
  b.patient = 4;
  b.device = 2;
  b.id = ph::make_reading_id(4, 2, 9);
  b.kind = ph::WaveformKind::EcgLeadII;
  b.sample_rate_hz = 250.0;
  b.device_time = ph::SimTime{} + 90s;
  for (int i = 0; i < 64; ++i)
    b.samples.push_back(static_cast<std::int16_t>(std::lround(900.0 * std::sin(0.2 * i))));
  return b;
}

ph::ops::PumpEvent pump() {
  ph::ops::PumpEvent e;
  e.id = 77;
  e.pump = 5;
  e.patient = 3;
  e.kind = ph::ops::PumpEventKind::Occlusion;
  e.drug = "heparin";
  e.rate_ml_h = 10;
  e.vtbi_ml = 250;
  e.volume_ml = 12.5;
  e.device_time = ph::SimTime{} + 300s;
  return e;
}

ph::Alert alert() {
  ph::Alert a;
  a.alert_id = "news2-p3-1";
  a.patient = 3;
  a.rule = "news2";
  a.score = 8;
  a.severity = ph::AlertSeverity::High;
  a.trigger_time = ph::SimTime{} + 120s;
  a.trigger_reading_id = 12;
  return a;
}

std::string delimited(const std::string& m) {
  std::string out;
  p::append_delimited(out, m);
  return out;
}

std::string post(const std::string& body) {
  return "POST /alerts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

void write(const fs::path& dir, const std::string& name, const std::string& bytes) {
  fs::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary) << bytes;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: iomtsim_fuzz_seeds DIR\n";
    return 2;
  }
  const fs::path root = argv[1];
  const p::FhirOptions fo{.epoch_unix_ms = kEpoch};
  p::Hl7Options ho;
  ho.epoch_unix_ms = kEpoch;
  const auto vitals = readings(3, 6);
  const auto wave = waveform();
  ph::ops::ImagingResult img;
  img.id = 9;
  img.patient = 3;
  img.bytes = 300;
  img.device_time = ph::SimTime{} + 400s;
  ph::ops::LocationFix fix;
  fix.id = 4;
  fix.asset = 12;
  fix.zone = "ward-3";
  fix.x_m = 12.5;
  fix.y_m = 40.1;
  fix.device_time = ph::SimTime{} + 500s;

  const std::string observation = p::encode_observation(vitals[0], fo);
  const std::string bundle = p::encode_transaction_bundle(vitals, fo);
  const std::string report = p::encode_diagnostic_report(img, kEpoch);
  const std::string oru = p::encode_oru_r01(vitals, ho);
  const std::string batch = p::encode_batch(5, vitals);
  const std::string mqtt_one = p::encode_mqtt_reading(vitals[1]);
  const std::string mqtt_batch = p::encode_mqtt_batch(vitals);

  const fs::path fhir = root / "fhir";
  write(fhir, "observation.json", observation);
  write(fhir, "bundle.json", bundle);
  write(fhir, "diagnostic_report.json", report);
  write(fhir, "pump_observation.json", p::encode_pump_observation(pump(), kEpoch));
  write(fhir, "pump_bundle.json", p::encode_pump_bundle(pump(), kEpoch));
  write(fhir, "location.json", p::encode_location_observation(fix, kEpoch));
  write(fhir, "waveform.json", p::encode_waveform_observation(wave, fo));
  write(fhir, "asset.json",
        p::encode_asset_location({12, "ward-3", 12.5, 40.1, ph::SimTime{} + 500s, false}, kEpoch));

  const fs::path hl7 = root / "hl7_mllp";
  write(hl7, "oru.mllp", p::mllp_frame(oru) + p::mllp_frame(oru));
  write(hl7, "oru.hl7", oru);
  write(hl7, "pump.mllp", p::mllp_frame(p::encode_pump_oru(pump(), kEpoch)));
  write(hl7, "waveform.mllp", p::mllp_frame(p::encode_waveform_oru(wave, ho)));
  write(hl7, "ack.mllp", p::mllp_frame(p::encode_ack({p::AckCode::Error, "C1", "bad | value"}, ho)));

  const fs::path proto = root / "proto";
  write(proto, "batch.pb", delimited(batch) + delimited(p::encode_waveform_batch(6, {&wave, 1})));
  write(proto, "ack.pb", delimited(p::encode_batch_ack({5, 6, 0, ""})));
  write(proto, "record.pb", delimited(p::encode_record_entry(p::RecordEntry{vitals[2]})) +
                                delimited(p::encode_record_entry(p::RecordEntry{alert()})));

  const fs::path mqtt = root / "mqtt_codec";
  write(mqtt, "connack311.bin", std::string("\x20\x02\x00\x00", 4));
  write(mqtt, "connack5.bin", std::string("\x20\x06\x00\x00\x03\x21\x00\x14", 8));
  write(mqtt, "acks.bin", std::string("\x40\x02\x00\x01\x50\x02\x00\x02\x70\x02\x00\x02\xd0\x00", 14));
  write(mqtt, "disconnect5.bin", std::string("\xe0\x02\x8e\x00", 4));

  const fs::path intake = root / "alert_intake";
  write(intake, "one.http", post(p::encode_alert_json(alert())));
  write(intake, "array.http", post("[" + p::encode_alert_json(alert()) + "," +
                                   p::encode_alert_json(alert()) + "]") +
                                  post("{}"));
  write(intake, "chunked.http",
        "POST /alerts HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n[{}]\r\n0\r\n\r\n");

  const fs::path ingest = root / "target_ingest";
  write(ingest, "http_observation", std::string(1, '\0') + observation);
  write(ingest, "http_bundle", std::string(1, '\1') + bundle);
  write(ingest, "http_report", std::string(1, '\2') + report);
  write(ingest, "mllp_oru", std::string(1, '\3') + oru);
  write(ingest, "proto_batch", std::string(1, '\4') + batch);
  write(ingest, "mqtt_auto", std::string(1, '\5') + mqtt_one);
  write(ingest, "mqtt_json", std::string(1, '\6') + mqtt_batch);
  write(ingest, "mqtt_fhir", std::string(1, '\7') + bundle);
  write(ingest, "mqtt_waveform", std::string(1, '\6') + p::encode_mqtt_waveform(wave, kEpoch));
  return 0;
}
