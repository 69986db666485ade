#include "iomtsim/sim/generate.hpp"

#include <charconv>
#include <ostream>
#include <stdexcept>
#include <string>
#include <variant>

#include "iomtsim/payloads/proto_codec.hpp"
#include "iomtsim/sim/fleet.hpp"

namespace iomtsim::sim {
namespace {

void append_number(std::string& s, double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 10);
  s.append(buf, ec == std::errc{} ? end : buf);
}
template <typename Int>
void append_int(std::string& s, Int v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  s.append(buf, ec == std::errc{} ? end : buf);
}
void append_seconds(std::string& s, physiology::SimTime t) {
  // Milliseconds are exact in CSV, seconds with three decimals.
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch());
  append_int(s, ms.count() / 1000);
  s += '.';
  auto frac = std::to_string(std::abs(ms.count() % 1000));
  s.append(3 - frac.size(), '0');
  s += frac;
}

void csv_reading(std::string& line, const physiology::Reading& r) {
  line += "reading,";
  append_int(line, r.patient);
  line += ',';
  append_int(line, r.device);
  line += ',';
  append_int(line, r.id);
  line += ',';
  line += physiology::name(r.vital);
  line += ',';
  append_number(line, r.value);
  line += ',';
  append_number(line, r.true_value);
  line += ',';
  line += physiology::ucum_unit(r.vital);
  line += ',';
  append_seconds(line, r.true_time);
  line += ',';
  append_seconds(line, r.device_time);
  line += ',';
  append_int(line, static_cast<unsigned>(r.flags));
  line += '\n';
}

void csv_waveform(std::string& line, const physiology::WaveformBlock& w) {
  line += w.kind == physiology::WaveformKind::EcgLeadII ? "ecg_block," : "ppg_block,";
  append_int(line, w.patient);
  line += ',';
  append_int(line, w.device);
  line += ',';
  append_int(line, w.id);
  line += w.kind == physiology::WaveformKind::EcgLeadII ? ",ecg_lead_ii," : ",ppg,";
  append_int(line, w.samples.size());
  line += ",,";
  append_number(line, w.sample_rate_hz);
  line += "Hz,";
  append_seconds(line, w.true_time);
  line += ',';
  append_seconds(line, w.device_time);
  line += ',';
  append_int(line, static_cast<unsigned>(w.flags));
  line += '\n';
}

void csv_episode(std::string& line, const physiology::Episode& e) {
  // value = severity; true_time = onset; device_time = end; unit column holds the
  // criteria time (seconds) or is empty when criteria were never met.
  line += "episode,";
  append_int(line, e.patient);
  line += ",,";
  append_int(line, e.id);
  line += ',';
  line += physiology::name(e.condition);
  line += ',';
  append_number(line, e.severity);
  line += ",,";
  if (e.criteria_met) append_seconds(line, *e.criteria_met);
  line += ',';
  append_seconds(line, e.onset);
  line += ',';
  append_seconds(line, e.end);
  line += ",0\n";
}

}  // namespace

GenerateStats generate(const scenarios::Scenario& scenario, ShardSpec shard, GenerateFormat format,
                       std::ostream& out, const GenerateProgress& progress) {
  Fleet fleet(scenario, shard);
  GenerateStats stats;
  stats.patients = fleet.patient_count();
  stats.devices = fleet.device_count();

  payloads::RecordingWriter writer(out);
  std::string line;
  if (format == GenerateFormat::Protobuf) {
    payloads::RecordingHeader header;
    header.scenario_name = scenario.metadata.name;
    header.seed = scenario.metadata.seed;
    header.generator = "iomtsim generate";
    writer.write(header);
  } else {
    line = kCsvHeader;
    line += '\n';
  }

  auto flush_csv = [&] {
    out.write(line.data(), static_cast<std::streamsize>(line.size()));
    stats.bytes += line.size();
    line.clear();
  };
  auto check = [&] {
    if (!out) throw std::runtime_error("writing the output failed (disk full or closed?)");
  };

  std::uint64_t since_progress = 0;
  while (!fleet.done()) {
    physiology::DeviceOutput output = fleet.next();
    physiology::SimTime t{};
    if (const auto* r = std::get_if<physiology::Reading>(&output)) {
      ++stats.readings;
      t = r->true_time;
      if (format == GenerateFormat::Protobuf)
        writer.write(*r);
      else
        csv_reading(line, *r);
    } else {
      const auto& w = std::get<physiology::WaveformBlock>(output);
      ++stats.waveform_blocks;
      stats.waveform_samples += w.samples.size();
      t = w.true_time;
      if (format == GenerateFormat::Protobuf)
        writer.write(w);
      else
        csv_waveform(line, w);
    }
    if (line.size() > (1u << 16)) flush_csv();
    if (++since_progress == (1u << 16)) {
      since_progress = 0;
      check();
      if (progress) progress(t, stats);
    }
  }
  for (const auto& e : fleet.finish()) {
    ++stats.episodes;
    if (format == GenerateFormat::Protobuf)
      writer.write(e);
    else
      csv_episode(line, e);
  }
  flush_csv();
  out.flush();
  check();
  if (format == GenerateFormat::Protobuf) {
    const auto pos = out.tellp();  // -1 on a pipe: the size is then unknown
    if (pos >= 0) stats.bytes = static_cast<std::uint64_t>(pos);
  }
  if (progress) progress(physiology::SimTime{scenario.metadata.duration}, stats);
  return stats;
}

}  // namespace iomtsim::sim
