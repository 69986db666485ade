// Readings and episodes into the hourly chart of the PhysioNet 2019 challenge data, from a
// scenario, a generated CSV or a PhysioNet folder (realism.hpp).
#include <cmath>
#include <fstream>
#include <sstream>

#include "iomtsim/payloads/proto_codec.hpp"
#include "iomtsim/reports/utility.hpp"
#include "iomtsim/sim/generate.hpp"
#include "iomtsim/sim/import/import.hpp"
#include "iomtsim/sim/realism.hpp"

namespace iomtsim::sim {
namespace {

using physiology::Vital;

constexpr std::int64_t kHourNs = 3'600'000'000'000;
constexpr int kLabelLeadHours = 6;    // SepsisLabel turns 1 six hours before onset
constexpr int kScoredAfterHours = 3;  // the challenge's septic stays end about then

std::int64_t hour_of(physiology::SimTime t) {
  const auto n = t.time_since_epoch().count();
  return n >= 0 ? n / kHourNs : -((-n + kHourNs - 1) / kHourNs);
}

// Chart column of a vital; -1 for the pulse rate (HR's fallback), -2 for others.
int column(Vital v) {
  switch (v) {
    case Vital::HeartRate:
      return 0;
    case Vital::SpO2:
      return 1;
    case Vital::Temperature:
      return 2;
    case Vital::SystolicBP:
      return 3;
    case Vital::MeanBP:
      return 4;
    case Vital::DiastolicBP:
      return 5;
    case Vital::RespRate:
      return 6;
    case Vital::PulseRate:
      return -1;
    default:
      return -2;
  }
}

void feed_recording(std::istream& in, HourlyChartBuilder& b, const std::string& what) {
  payloads::RecordingReader reader(in);
  while (auto e = reader.next()) {
    if (const auto* r = std::get_if<physiology::Reading>(&*e)) b.add(*r);
    if (const auto* ep = std::get_if<physiology::Episode>(&*e)) b.add(*ep);
  }
  if (!reader.error().empty()) throw RealismError(what + ": " + reader.error());
}

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> f;
  std::string cell;
  std::istringstream ss(line);
  while (std::getline(ss, cell, ',')) f.push_back(cell);
  if (!line.empty() && line.back() == ',') f.emplace_back();
  return f;
}

double number(const std::string& s, const std::string& where) {
  std::size_t used = 0;
  double v = 0.0;
  try {
    v = std::stod(s, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != s.size() || s.empty() || !std::isfinite(v))
    throw RealismError(where + ": expected a number, found \"" + s + "\"");
  return v;
}

}  // namespace

void HourlyChartBuilder::add(const physiology::Reading& r) {
  const int col = column(r.vital);
  if (col == -2) return;
  // A chart holds validated values: nothing for a reading without a value, or one its
  // device marked questionable.
  if (r.flags & (physiology::kFlagValueAbsent | physiology::kFlagQuestionable)) return;
  Patient& p = patients_[r.patient];
  const std::int64_t h = hour_of(r.true_time);
  p.first_hour = std::min(p.first_hour, h);
  p.last_hour = std::max(p.last_hour, h);
  Cell& c = p.cells[h];
  if (col == -1) {
    c.pulse_sum += r.value;
    ++c.pulse_n;
  } else {
    c.sum[static_cast<std::size_t>(col)] += r.value;
    ++c.n[static_cast<std::size_t>(col)];
  }
}

void HourlyChartBuilder::add(const physiology::Episode& e) {
  if (e.condition != physiology::ConditionKind::Sepsis) return;
  Patient& p = patients_[e.patient];
  const std::int64_t h = hour_of(reports::clinical_sepsis_onset(e));
  if (!p.sepsis_hour || h < *p.sepsis_hour) p.sepsis_hour = h;
}

HourlyChart HourlyChartBuilder::finish() {
  HourlyChart chart;
  for (auto& [index, p] : patients_) {
    if (p.first_hour > p.last_hour) continue;  // an episode but no reading: not observed
    ChartStay stay;
    stay.patient = index;
    for (std::int64_t h = p.first_hour; h <= p.last_hour; ++h) {
      ChartHour hour;
      if (auto it = p.cells.find(h); it != p.cells.end()) {
        const Cell& c = it->second;
        for (std::size_t k = 0; k < kChartVitals; ++k)
          if (c.n[k] > 0) hour.values[k] = c.sum[k] / c.n[k];
        if (!hour.values[0] && c.pulse_n > 0) hour.values[0] = c.pulse_sum / c.pulse_n;
      }
      hour.septic = p.sepsis_hour && h >= *p.sepsis_hour - kLabelLeadHours;
      hour.compared = !p.sepsis_hour || (hour.septic && h <= *p.sepsis_hour + kScoredAfterHours);
      stay.septic = stay.septic || hour.septic;
      stay.hours.push_back(hour);
    }
    chart.push_back(std::move(stay));
  }
  patients_.clear();
  return chart;
}

HourlyChart hourly_chart_from_scenario(const scenarios::Scenario& scenario) {
  std::stringstream buffer;
  generate(scenario, ShardSpec{}, GenerateFormat::Protobuf, buffer);
  HourlyChartBuilder b;
  feed_recording(buffer, b, "scenario " + scenario.metadata.name);
  return b.finish();
}

HourlyChart hourly_chart_from_generated_csv(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw RealismError(file.string() + ": cannot open");
  std::string line;
  if (!std::getline(in, line) || line != kCsvHeader)
    throw RealismError(
        file.string() +
        ":1: expected the header of `iomtsim generate --format csv`: " + std::string(kCsvHeader));
  HourlyChartBuilder b;
  std::size_t n = 1;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    const std::string where = file.string() + ":" + std::to_string(n);
    const auto f = split_csv(line);
    if (f.size() != 11)
      throw RealismError(where + ": expected 11 columns, found " + std::to_string(f.size()));
    if (f[0] == "reading") {
      const auto vital = physiology::vital_from_name(f[4]);
      if (!vital) throw RealismError(where + ": unknown vital \"" + f[4] + "\"");
      physiology::Reading r;
      r.patient = static_cast<physiology::PatientIndex>(number(f[1], where));
      r.vital = *vital;
      r.value = number(f[5], where);
      r.true_time = physiology::at_seconds(number(f[8], where));
      r.flags = static_cast<std::uint8_t>(number(f[10], where));
      b.add(r);
    } else if (f[0] == "episode") {
      const auto c = physiology::condition_from_name(f[4]);
      if (!c) throw RealismError(where + ": unknown condition \"" + f[4] + "\"");
      physiology::Episode e;
      e.patient = static_cast<physiology::PatientIndex>(number(f[1], where));
      e.condition = *c;
      e.onset = physiology::at_seconds(number(f[8], where));
      if (!f[7].empty()) e.criteria_met = physiology::at_seconds(number(f[7], where));
      b.add(e);
    }
  }
  return b.finish();
}

HourlyChart hourly_chart_from_physionet_dir(const std::filesystem::path& dir) {
  std::stringstream buffer;
  try {
    import_recording(ImportFormat::Physionet2019, dir, buffer);
  } catch (const ImportError& e) {
    throw RealismError(e.what());
  }
  HourlyChartBuilder b;
  feed_recording(buffer, b, dir.string());
  return b.finish();
}

}  // namespace iomtsim::sim
