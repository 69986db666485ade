// Import of real recordings: the shared PhysioNet/CinC 2019 sample (300 ICU stays) and a
// hand-written CSV. The expected figures are computed here from the files themselves.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "iomtsim/payloads/proto_codec.hpp"
#include "iomtsim/sim/import/import.hpp"

using namespace iomtsim;
namespace fs = std::filesystem;

namespace {

const fs::path kPhysionet = fs::path(IOMTSIM_DATA_DIR) / "physionet2019";

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string f;
  while (std::getline(ss, f, sep)) out.push_back(f);
  return out;
}

// What a .psv file says, read independently of the importer.
struct PsvFacts {
  std::uint64_t values = 0;               // non-NaN cells of the 8 mapped columns
  std::optional<int> first_label_iculos;  // ICULOS of the first SepsisLabel = 1 row
  int last_iculos = 0;
};

PsvFacts facts(const fs::path& f) {
  std::ifstream in(f);
  std::string line;
  std::getline(in, line);
  const auto header = split(line, '|');
  auto col = [&](const std::string& n) {
    return static_cast<std::size_t>(std::find(header.begin(), header.end(), n) - header.begin());
  };
  PsvFacts p;
  while (std::getline(in, line)) {
    const auto row = split(line, '|');
    for (const char* c : {"HR", "O2Sat", "Temp", "SBP", "MAP", "DBP", "Resp", "Glucose"})
      if (row.at(col(c)) != "NaN") ++p.values;
    const int iculos = std::stoi(row.at(col("ICULOS")));
    p.last_iculos = iculos;
    if (row.at(col("SepsisLabel")) == "1" && !p.first_label_iculos) p.first_label_iculos = iculos;
  }
  return p;
}

std::vector<payloads::RecordEntry> entries_of(const std::string& bytes) {
  std::istringstream in(bytes);
  payloads::RecordingReader r(in);
  std::vector<payloads::RecordEntry> out;
  while (auto e = r.next()) out.push_back(std::move(*e));
  EXPECT_EQ(r.error(), "");
  return out;
}

}  // namespace

TEST(Import, Physionet2019SampleGivesPatientsReadingsAndOnsets) {
  std::ostringstream out;
  const auto stats = sim::import_recording(sim::ImportFormat::Physionet2019, kPhysionet, out);
  EXPECT_EQ(stats.files, 300u);
  EXPECT_EQ(stats.patients, 300u);
  EXPECT_EQ(stats.septic_patients, 40u);

  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(kPhysionet))
    if (e.path().extension() == ".psv") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ASSERT_EQ(files.size(), 300u);
  std::uint64_t values = 0;
  std::map<physiology::PatientIndex, PsvFacts> septic;
  for (std::size_t p = 0; p < files.size(); ++p) {
    EXPECT_EQ(stats.patient_names[p], files[p].stem().string());  // file-name order
    const auto f = facts(files[p]);
    values += f.values;
    if (f.first_label_iculos) septic[static_cast<physiology::PatientIndex>(p)] = f;
  }
  EXPECT_EQ(stats.readings, values);
  EXPECT_EQ(septic.size(), 40u);

  const auto entries = entries_of(out.str());
  std::uint64_t readings = 0;
  physiology::SimTime prev{};
  std::map<physiology::PatientIndex, std::uint32_t> next_seq;
  std::vector<physiology::Episode> episodes;
  for (const auto& e : entries) {
    if (const auto* r = std::get_if<physiology::Reading>(&e)) {
      ++readings;
      EXPECT_GE(r->true_time, prev);  // global time order
      prev = r->true_time;
      EXPECT_EQ(r->device_time, r->true_time);
      EXPECT_EQ(r->value, r->true_value);
      EXPECT_EQ(r->id, physiology::make_reading_id(r->patient, 0, next_seq[r->patient]++));
      // Hourly data: every time is a whole number of hours (ICULOS).
      EXPECT_EQ(r->true_time.time_since_epoch() % std::chrono::hours(1), physiology::Duration{0});
    } else if (const auto* ep = std::get_if<physiology::Episode>(&e)) {
      episodes.push_back(*ep);
    }
  }
  EXPECT_EQ(readings, values);
  ASSERT_EQ(episodes.size(), 40u);
  for (const auto& e : episodes) {
    ASSERT_TRUE(septic.count(e.patient)) << e.patient;
    const auto& f = septic.at(e.patient);
    EXPECT_EQ(e.condition, physiology::ConditionKind::Sepsis);
    // t_sepsis = first hour labelled 1 + 6 h; the episode lasts to the end of the stay.
    EXPECT_EQ(e.onset, physiology::SimTime{std::chrono::hours(*f.first_label_iculos + 6)}) << e.patient;
    EXPECT_EQ(e.end, std::max(e.onset, physiology::SimTime{std::chrono::hours(f.last_iculos)}));
  }
}

TEST(Import, CsvMapsColumnsKeepsMissingValuesMissingAndLabelsSepsis) {
  const auto dir = fs::temp_directory_path() / ("iomtsim-import-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  {
    std::ofstream f(dir / "b.csv");
    f << "patient,time_min,HR,spo2,note,sepsis_label\n"
      << "bed7,0,80,97,x,0\n"
      << "bed9,0,,NaN,y,0\n"       // nothing measured: no reading
      << "bed7,60,,95,z,1\n"       // label from minute 60: onset at 6 h 60 min
      << "bed9,30,101.5,93,w,0\n";
    std::ofstream g(dir / "a.csv");  // read first (file-name order), one patient per file
    g << "time_s,resp_rate,temperature\n"
      << "120,18,37.2\n";
  }
  std::ostringstream out;
  const auto s = sim::import_recording(sim::ImportFormat::Csv, dir, out);
  EXPECT_EQ(s.files, 2u);
  EXPECT_EQ(s.patients, 3u);
  EXPECT_EQ(s.patient_names, (std::vector<std::string>{"a", "bed7", "bed9"}));
  EXPECT_EQ(s.readings, 7u);
  EXPECT_EQ(s.missing_values, 3u);
  EXPECT_EQ(s.septic_patients, 1u);
  std::vector<physiology::Reading> rs;
  std::vector<physiology::Episode> eps;
  for (const auto& e : entries_of(out.str())) {
    if (auto* r = std::get_if<physiology::Reading>(&e)) rs.push_back(*r);
    if (auto* ep = std::get_if<physiology::Episode>(&e)) eps.push_back(*ep);
  }
  ASSERT_EQ(rs.size(), 7u);
  // t = 0: bed7 HR 80, SpO2 97; t = 30 min: bed9; t = 60 min: bed7 SpO2; t = 2 min: a.
  EXPECT_EQ(rs[0].patient, 1u);
  EXPECT_EQ(rs[0].vital, physiology::Vital::HeartRate);
  EXPECT_EQ(rs[0].value, 80.0);
  EXPECT_EQ(rs[2].patient, 0u);
  EXPECT_EQ(rs[2].true_time, physiology::at_seconds(120));
  EXPECT_EQ(rs[2].vital, physiology::Vital::RespRate);
  EXPECT_EQ(rs[4].patient, 2u);
  EXPECT_EQ(rs[4].value, 101.5);
  EXPECT_EQ(rs[6].true_time, physiology::at_seconds(3600));
  ASSERT_EQ(eps.size(), 1u);
  EXPECT_EQ(eps[0].patient, 1u);
  EXPECT_EQ(eps[0].onset, physiology::at_seconds(7 * 3600));

  {
    std::ofstream f(dir / "c.csv");
    f << "patient,time_s,HR\n" << "x,10,80\n" << "x,soon,81\n";
  }
  std::ostringstream bad;
  try {
    sim::import_recording(sim::ImportFormat::Csv, dir / "c.csv", bad);
    ADD_FAILURE() << "a non-numeric time must be refused";
  } catch (const sim::ImportError& e) {
    EXPECT_NE(std::string(e.what()).find("c.csv:3"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(bad.str().empty());  // nothing written
  EXPECT_THROW(sim::import_recording(sim::ImportFormat::Physionet2019, dir / "a.csv", bad), sim::ImportError);
  EXPECT_THROW(sim::import_recording(sim::ImportFormat::Csv, dir / "nope", bad), sim::ImportError);
  fs::remove_all(dir);
}
