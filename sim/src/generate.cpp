#include "iomtsim/sim/generate.hpp"

#include <charconv>
#include <ostream>
#include <stdexcept>
#include <string>
#include <variant>

#include "iomtsim/payloads/proto_codec.hpp"
#include "iomtsim/sim/fleet.hpp"
#include "iomtsim/sim/fleet_prefetch.hpp"
#include "iomtsim/sim/ops_fleet.hpp"

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
  // Negative times (a prodrome that began before the scenario) keep their sign below 1 s.
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch());
  if (ms.count() < 0) s += '-';
  append_int(s, std::abs(ms.count()) / 1000);
  s += '.';
  auto frac = std::to_string(std::abs(ms.count()) % 1000);
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
  // value = severity; true_value = prodrome start (seconds, empty without a prodrome);
  // true_time = onset; device_time = end; unit column holds the criteria time (seconds)
  // or is empty when criteria were never met.
  line += "episode,";
  append_int(line, e.patient);
  line += ",,";
  append_int(line, e.id);
  line += ',';
  line += physiology::name(e.condition);
  line += ',';
  append_number(line, e.severity);
  line += ',';
  if (e.prodrome_start) append_seconds(line, *e.prodrome_start);
  line += ',';
  if (e.criteria_met) append_seconds(line, *e.criteria_met);
  line += ',';
  append_seconds(line, e.onset);
  line += ',';
  append_seconds(line, e.end);
  line += ",0\n";
}

void count_ops(GenerateStats& s, const physiology::ops::PumpEvent&) { ++s.pump_events; }
void count_ops(GenerateStats& s, const physiology::ops::LocationFix&) { ++s.location_fixes; }
void count_ops(GenerateStats& s, const physiology::ops::ImagingResult&) { ++s.imaging_results; }

// Operations rows reuse the columns (see generate.hpp for what each holds).
void csv_ops(std::string& line, const physiology::ops::OpsOutput& out) {
  namespace ops = physiology::ops;
  auto common = [&](std::string_view kind, const std::string& patient, std::uint64_t device,
                    std::uint64_t id, std::string_view what) {
    line += kind;
    line += ',';
    line += patient;
    line += ',';
    append_int(line, device);
    line += ',';
    append_int(line, id);
    line += ',';
    line += what;
    line += ',';
  };
  if (const auto* e = std::get_if<ops::PumpEvent>(&out)) {
    common("pump_event", std::to_string(e->patient), e->pump, e->id, ops::name(e->kind));
    append_number(line, e->rate_ml_h);
    line += ',';
    append_number(line, e->volume_ml);
    line += ",mL/h,";
    append_seconds(line, e->true_time);
    line += ',';
    append_seconds(line, e->device_time);
    line += e->alarm() ? ",1\n" : ",0\n";
  } else if (const auto* f = std::get_if<ops::LocationFix>(&out)) {
    common("location_fix", "", f->asset, f->id, f->zone);
    append_number(line, f->x_m);
    line += ',';
    append_number(line, f->y_m);
    line += ",m,";
    append_seconds(line, f->true_time);
    line += ',';
    append_seconds(line, f->device_time);
    line += f->battery_low ? ",1\n" : ",0\n";
  } else {
    const auto& r = std::get<ops::ImagingResult>(out);
    common("imaging_result", std::to_string(r.patient), r.procedure, r.id, ops::name(r.modality));
    append_int(line, r.bytes);
    line += ",,By,";
    append_seconds(line, r.acquired_time);
    line += ',';
    append_seconds(line, r.device_time);
    line += ",0\n";
  }
}

void csv_segment(std::string& line, const physiology::ops::LocationSegment& s) {
  line += "asset_segment,,";
  append_int(line, s.asset);
  line += ",,";
  line += s.zone;
  line += ",,,,";
  append_seconds(line, s.start);
  line += ',';
  append_seconds(line, s.end);
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

  // Operations devices interleave with the readings in time order (a reading first at a
  // tie, as the load generator sends them).
  auto ops = make_ops_fleet(scenario, shard);
  auto ops_next = [&] { return ops && !ops->done() ? ops->next_time() : physiology::SimTime::max(); };
  std::uint64_t since_progress = 0;
  // Physiology on a second thread, encoding and writing on this one (same order).
  FleetPrefetch feed(fleet, physiology::SimTime::max());
  while (!feed.done() || ops_next() != physiology::SimTime::max()) {
    physiology::SimTime t{};
    if (feed.done() || ops_next() < feed.next_time()) {
      const auto op = ops->next();
      t = physiology::ops::true_time_of(op);
      std::visit([&stats](const auto& o) { count_ops(stats, o); }, op);
      if (format == GenerateFormat::Protobuf)
        std::visit([&writer](const auto& o) { writer.write(o); }, op);
      else
        csv_ops(line, op);
    } else if (auto output = feed.next(); const auto* r = std::get_if<physiology::Reading>(&output)) {
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
  for (const auto& e : feed.finish()) {
    ++stats.episodes;
    if (format == GenerateFormat::Protobuf)
      writer.write(e);
    else
      csv_episode(line, e);
  }
  if (ops) {
    for (const auto& seg : ops->finish().asset_tracks) {
      ++stats.asset_segments;
      if (format == GenerateFormat::Protobuf)
        writer.write(seg);
      else
        csv_segment(line, seg);
    }
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
