// Both import formats are one table reader plus a column mapping; this file turns rows
// into readings and labels into episodes, and writes them in the order replay expects.
#include "iomtsim/sim/import/import.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <ostream>
#include <tuple>

#include "import/table.hpp"
#include "iomtsim/payloads/proto_codec.hpp"
#include "iomtsim/physiology/episode.hpp"
#include "iomtsim/physiology/reading.hpp"

namespace iomtsim::sim {
namespace {

using physiology::SimTime;
using physiology::Vital;
namespace fs = std::filesystem;

constexpr auto kSepsisLabelLead = std::chrono::hours(6);

// Header name -> vital. PhysioNet short names first, then iomtsim's own names.
const std::vector<std::pair<std::string, Vital>>& column_mapping() {
  static const std::vector<std::pair<std::string, Vital>> m = {
      {"HR", Vital::HeartRate},      {"O2Sat", Vital::SpO2},        {"Temp", Vital::Temperature},
      {"SBP", Vital::SystolicBP},    {"MAP", Vital::MeanBP},        {"DBP", Vital::DiastolicBP},
      {"Resp", Vital::RespRate},     {"Glucose", Vital::Glucose},   {"heart_rate", Vital::HeartRate},
      {"pulse_rate", Vital::PulseRate}, {"resp_rate", Vital::RespRate}, {"spo2", Vital::SpO2},
      {"systolic_bp", Vital::SystolicBP}, {"diastolic_bp", Vital::DiastolicBP},
      {"mean_bp", Vital::MeanBP},    {"temperature", Vital::Temperature},
      {"glucose", Vital::Glucose},   {"weight", Vital::Weight}};
  return m;
}

std::optional<double> number(const std::string& s) {
  if (s.empty() || s == "NaN" || s == "nan" || s == "NA") return std::nullopt;
  double v = 0.0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

struct Patient {
  std::string name;
  std::vector<std::pair<SimTime, Vital>> slots;  // one per reading, with its value below
  std::vector<double> values;
  std::optional<SimTime> first_label;
  SimTime last_row{};
  bool any_row = false;
};

class Importer {
 public:
  void add_table(const detail::Table& t, bool patient_per_file, ImportStats& stats) {
    ++stats.files;
    const auto stem = t.file.stem().string();
    const int patient_col = patient_per_file ? -1 : t.column("patient");
    // Time column and its unit.
    int time_col = -1;
    double unit_s = 1.0;
    for (const auto& [name, s] : {std::pair{"time_s", 1.0}, std::pair{"time_min", 60.0},
                                  std::pair{"time_h", 3600.0}, std::pair{"ICULOS", 3600.0}})
      if (time_col < 0 && (time_col = t.column(name)) >= 0) unit_s = s;
    if (time_col < 0)
      throw ImportError(t.file.string() + ":1: no time column (expected time_s, time_min, time_h or ICULOS)");
    int label_col = t.column("SepsisLabel");
    if (label_col < 0) label_col = t.column("sepsis_label");
    std::vector<std::pair<int, Vital>> vitals;
    for (const auto& [name, v] : column_mapping())
      if (const int c = t.column(name); c >= 0) vitals.emplace_back(c, v);

    for (std::size_t i = 0; i < t.rows.size(); ++i) {
      const auto& row = t.rows[i];
      const auto where = t.file.string() + ":" + std::to_string(t.lines[i]);
      const auto time = number(row[static_cast<std::size_t>(time_col)]);
      if (!time || *time < 0)
        throw ImportError(where + ": time \"" + row[static_cast<std::size_t>(time_col)] +
                          "\" is not a non-negative number");
      const SimTime at = physiology::at_seconds(*time * unit_s);
      Patient& p = patient(patient_col < 0 ? stem : row[static_cast<std::size_t>(patient_col)], stats);
      ++stats.rows;
      p.last_row = p.any_row ? std::max(p.last_row, at) : at;
      p.any_row = true;
      for (const auto& [c, v] : vitals) {
        if (const auto x = number(row[static_cast<std::size_t>(c)])) {
          p.slots.emplace_back(at, v);
          p.values.push_back(*x);
        } else {
          ++stats.missing_values;
        }
      }
      if (label_col >= 0) {
        const auto label = number(row[static_cast<std::size_t>(label_col)]);
        if (label && *label != 0.0 && *label != 1.0)
          throw ImportError(where + ": sepsis label must be 0 or 1");
        if (label && *label == 1.0 && (!p.first_label || at < *p.first_label)) p.first_label = at;
      }
    }
  }

  ImportStats write(std::ostream& out, const std::string& name, ImportStats stats) {
    struct Item {
      SimTime t;
      physiology::PatientIndex patient;
      Vital vital;
      double value;
    };
    std::vector<Item> items;
    std::vector<physiology::Episode> episodes;
    for (std::size_t p = 0; p < patients_.size(); ++p) {
      auto& pat = patients_[p];
      const auto index = static_cast<physiology::PatientIndex>(p);
      for (std::size_t k = 0; k < pat.slots.size(); ++k)
        items.push_back(Item{pat.slots[k].first, index, pat.slots[k].second, pat.values[k]});
      if (pat.first_label) {
        physiology::Episode e;
        e.patient = index;
        e.condition = physiology::ConditionKind::Sepsis;
        e.onset = *pat.first_label + kSepsisLabelLead;
        e.end = std::max(pat.last_row, e.onset);
        episodes.push_back(e);
      }
    }
    // Time order; within a patient and instant the mapping's column order (stable sort).
    std::stable_sort(items.begin(), items.end(),
                     [](const Item& a, const Item& b) { return std::tie(a.t, a.patient) < std::tie(b.t, b.patient); });
    std::vector<std::uint32_t> seq(patients_.size(), 0);
    payloads::RecordingWriter writer(out);
    writer.write(payloads::RecordingHeader{name, 0, 0, "iomtsim import"});
    for (const auto& it : items) {
      physiology::Reading r;
      r.id = physiology::make_reading_id(it.patient, 0, seq[it.patient]++);
      r.patient = it.patient;
      r.device = 0;
      r.vital = it.vital;
      r.value = r.true_value = it.value;
      r.true_time = r.device_time = it.t;
      writer.write(r);
    }
    for (const auto& e : episodes) writer.write(e);
    out.flush();
    if (!out) throw std::runtime_error("writing the recording failed (disk full or closed?)");
    stats.patients = patients_.size();
    stats.readings = items.size();
    stats.septic_patients = episodes.size();
    for (const auto& p : patients_) stats.patient_names.push_back(p.name);
    return stats;
  }

 private:
  Patient& patient(const std::string& name, ImportStats&) {
    auto [it, fresh] = index_.try_emplace(name, patients_.size());
    if (fresh) {
      if (patients_.size() >= (1u << 24)) throw ImportError("more than 16.7 M patients");
      patients_.push_back(Patient{name, {}, {}, {}, {}, false});
    }
    return patients_[it->second];
  }

  std::map<std::string, std::size_t> index_;
  std::vector<Patient> patients_;
};

std::vector<fs::path> source_files(const fs::path& source, const std::string& ext) {
  std::error_code ec;
  if (!fs::is_directory(source, ec)) {
    if (!fs::exists(source, ec)) throw ImportError(source.string() + ": no such file or folder");
    return {source};
  }
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(source, ec))
    if (e.is_regular_file() && e.path().extension() == ext) files.push_back(e.path());
  if (ec) throw ImportError(source.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  if (files.empty()) throw ImportError(source.string() + ": no " + ext + " files");
  return files;
}

}  // namespace

ImportStats import_recording(ImportFormat format, const fs::path& source, std::ostream& out) {
  const bool physionet = format == ImportFormat::Physionet2019;
  Importer importer;
  ImportStats stats;
  for (const auto& f : source_files(source, physionet ? ".psv" : ".csv")) {
    const auto table = detail::read_table(f, physionet ? '|' : ',');
    if (physionet && (table.column("ICULOS") < 0 || table.column("SepsisLabel") < 0))
      throw ImportError(f.string() + ":1: not a PhysioNet 2019 file (no ICULOS or SepsisLabel column)");
    importer.add_table(table, physionet || table.column("patient") < 0, stats);
  }
  auto base = source.filename();
  if (base.empty()) base = source.parent_path().filename();  // "folder/"
  const auto name = std::string(physionet ? "import:physionet2019:" : "import:csv:") + base.string();
  return importer.write(out, name, std::move(stats));
}

}  // namespace iomtsim::sim
