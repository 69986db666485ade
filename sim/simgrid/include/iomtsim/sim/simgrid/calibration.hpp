#pragma once
// What `iomtsim calibrate` measured about the reference target and the loopback network
// on one machine, as a JSON file the simulation reads (--calibration FILE).
//
// How the figures are derived (derive_calibration, from two real runs' reports):
//  - ceiling_per_s: acknowledged readings per wall second in a run that offers more than
//    the target can take (open loop, so the target is never idle);
//  - service_time = workers / ceiling_per_s: the per-reading cost of one worker, all of
//    the target's own work (HTTP parse, decode, enqueue) included;
//  - loopback_one_way = (p50 of raw latency at light load - service_time) / 2, at least 0:
//    what the loopback socket path adds each way.
// The simulation applies service_time and workers to every ingest server (apply_to);
// loopback_capacity() gives the model of the calibration set-up itself (one server, the
// loopback path), for comparing a simulation with a real run on this machine.
//
// JSON: {"schema": 1, "service_time_ns": …, "workers": …, "loopback_one_way_ns": …,
//        "ceiling_per_s": …, "light_p50_raw_ns": …, "light_p99_raw_ns": …, "note": "…"}
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "iomtsim/reports/report.hpp"
#include "iomtsim/scenarios/scenario.hpp"
#include "iomtsim/sim/simgrid/capacity_model.hpp"

namespace iomtsim::sim::simgrid {

class CalibrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Calibration {
  Duration service_time{};
  std::uint32_t workers = 1;
  Duration loopback_one_way{};
  double ceiling_per_s = 0.0;
  Duration light_p50_raw{};
  Duration light_p99_raw{};
  std::string note;         // free text: machine, target config
  std::string target;       // what was measured: "the embedded reference target", a URL
  std::string measured_at;  // UTC, "2026-12-08T03:10:00Z" ("" in files written before)
  bool operator==(const Calibration&) const = default;
};

// `saturated_wall_s`: wall seconds the saturated run spent sending and draining.
// Throws CalibrationError when a run acknowledged nothing.
Calibration derive_calibration(const reports::Report& light, const reports::Report& saturated,
                               double saturated_wall_s, std::uint32_t workers);

std::string to_json(const Calibration& c);
Calibration calibration_from_json(const std::string& text);  // throws CalibrationError
void write_calibration(const Calibration& c, const std::filesystem::path& file);
Calibration read_calibration(const std::filesystem::path& file);

// The load calibrate (and the sim-vs-real test) offers: `patients` healthy adults, each
// with one monitor sending heart rate every `every` as FHIR R4, one reading per message,
// over a zero-latency "loopback" profile to the embedded reference target, simulated
// (or run at speed 1) for `duration`. Offered rate = patients / every.
scenarios::Scenario calibration_scenario(std::uint32_t patients, Duration every, Duration duration);

// Sets the first stage's service time and workers, noting `source` as where they came
// from (CapacityModel::sources); source_text() says which file, target and date.
void apply_to(const Calibration& c, CapacityModel& m, const std::string& source = "calibration");
std::string source_text(const Calibration& c, const std::filesystem::path& file);
// One server, the loopback path (its one-way latency on the access-point link, nothing
// else), unlimited bandwidth and queue: the set-up calibrate measured.
CapacityModel loopback_capacity(const Calibration& c);

}  // namespace iomtsim::sim::simgrid
