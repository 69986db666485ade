#pragma once
// `iomtsim import FORMAT SOURCE --out FILE`: real recordings turned into the recording
// format (payloads/proto_codec.hpp) that `iomtsim replay` sends into a target.
//
// Common rules:
// - SOURCE is one file or a folder; a folder's files (*.csv for csv, *.psv for
//   physionet2019) are read in file-name order.
// - Patients are numbered 0, 1, … in order of appearance (physionet2019: one file, one
//   patient). Each patient has one device (index 0): its readings get ids
//   make_reading_id(patient, 0, k) for k = 0, 1, … in time order.
// - A missing value (empty cell, NaN) stays missing: no reading is made for it.
// - Times become scenario time and device time (true_time = device_time; real data has
//   no drift model). Values are real measurements, so true_value = value and flags = 0.
// - Ground truth: a sepsis label column gives one Sepsis episode per septic patient with
//   onset = (first time with label 1) + 6 h, as in the PhysioNet/CinC 2019 challenge
//   where the label turns 1 six hours before onset, and end = max(last row, onset).
// - Output: a header, every reading in global (time, patient, device, id) order, then
//   the episodes. All readings are held in memory while sorting (~70 bytes each).
//
// Column mapping (case-sensitive header names; the PhysioNet short names work in CSV too):
//   HR heart_rate · O2Sat spo2 · Temp temperature (°C) · SBP systolic_bp · MAP mean_bp ·
//   DBP diastolic_bp · Resp resp_rate · Glucose glucose (mg/dL) · pulse_rate · weight (kg)
// Units are the canonical ones of physiology/vital.hpp (mmHg, /min, %, °C, mg/dL, kg).
//
// physionet2019: pipe-separated, 41 columns; time = ICULOS hours; SepsisLabel the label.
// csv: comma-separated with a header row. Columns: `patient` (any text; absent: one file
// is one patient, named after the file), one time column — `time_s`, `time_min` or
// `time_h` (scenario time since the start, ≥ 0) or `ICULOS` (hours) — any vital columns
// from the mapping, optional `sepsis_label` (0/1) or `SepsisLabel`; other columns are
// ignored. Rows of one patient need not be contiguous or sorted.
//
//   std::ofstream out("icu.iomtrec", std::ios::binary);
//   ImportStats s = import_physionet2019("/data/training_setB", out);
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <vector>

namespace iomtsim::sim {

// Unreadable source, malformed table (message says file:line: what was expected), no
// time column, negative or non-numeric time. Nothing is written when it is thrown.
class ImportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ImportStats {
  std::uint64_t files = 0;
  std::uint64_t rows = 0;
  std::uint64_t patients = 0;
  std::uint64_t readings = 0;
  std::uint64_t missing_values = 0;  // mapped cells that were empty or NaN
  std::uint64_t septic_patients = 0;  // = episodes written
  std::vector<std::string> patient_names;  // by patient index: the file stem or CSV id
};

enum class ImportFormat { Csv, Physionet2019 };

// Writes the recording to `out` (binary). Throws ImportError, or std::runtime_error when
// the stream fails.
ImportStats import_recording(ImportFormat format, const std::filesystem::path& source, std::ostream& out);

}  // namespace iomtsim::sim
