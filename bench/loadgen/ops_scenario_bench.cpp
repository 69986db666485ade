// End-to-end run of a scenario with operations devices (default: the shipped
// smart_hospital) against the embedded reference target, printing the operations figures
// next to the vital-sign ingest latency, so the large-payload effect can be read off.
//
//   iomtsim_ops_scenario_bench [scenario.yaml] [minutes=60] [speed=60] [out_dir]
// With out_dir, report.json/report.html/junit.xml are written there.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>

#include "iomtsim/loadgen/run.hpp"
#include "iomtsim/scenarios/loader.hpp"

using namespace iomtsim;

namespace {

double ms(const reports::Histogram& h, double p) {
  return h.empty() ? 0.0 : static_cast<double>(h.value_at_percentile(p)) * 1e-6;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string file =
      argc > 1 ? argv[1] : IOMTSIM_SOURCE_DIR "/scenarios/library/smart_hospital.yaml";
  const double minutes = argc > 2 ? std::atof(argv[2]) : 60.0;
  const double speed = argc > 3 ? std::atof(argv[3]) : 60.0;
  auto loaded = scenarios::load_file(file);
  if (!loaded.ok()) {
    for (const auto& d : loaded.diagnostics) std::cerr << scenarios::format_diagnostic(d) << '\n';
    return 2;
  }
  loadgen::RunOptions o;
  o.threads = 1;  // one engine: the shared link is not split across threads
  o.speed = speed;
  o.duration = physiology::from_seconds(minutes * 60.0);
  o.progress = loadgen::ProgressMode::None;
  o.write_files = argc > 4;
  if (argc > 4) o.out_dir = argv[4];
  std::ostringstream log;
  o.log = &log;
  const auto r = loadgen::run(*loaded.scenario, o);
  const auto& rep = r.report;
  const auto& s = rep.ops.scores;
  std::printf("scenario %s, %.0f min at x%.0f, wall %.1f s\n", rep.run.scenario.c_str(), minutes,
              speed, r.wall_seconds);
  std::printf("vital signs: generated %llu, acknowledged %llu, ingest p50 %.1f ms p99 %.1f ms\n",
              static_cast<unsigned long long>(rep.delivery.generated),
              static_cast<unsigned long long>(rep.delivery[reports::Outcome::Acknowledged]),
              ms(rep.ingest_latency, 50), ms(rep.ingest_latency, 99));
  std::printf(
      "pump alarms: %llu generated, %llu delivered (%.4f), latency p50 %.1f ms p99 %.1f ms\n",
      static_cast<unsigned long long>(s.pump_alarms),
      static_cast<unsigned long long>(s.pump_alarms_delivered), s.pump_delivery_fraction,
      ms(s.pump_alarm_latency, 50), ms(s.pump_alarm_latency, 99));
  std::printf(
      "assets: %llu queries, correct %.4f, unanswered %llu, staleness p50 %.1f s p90 %.1f s, "
      "locate p99 %.1f ms\n",
      static_cast<unsigned long long>(s.asset_queries), s.asset_correct_fraction,
      static_cast<unsigned long long>(s.asset_unanswered), ms(s.asset_staleness, 50) / 1e3,
      ms(s.asset_staleness, 90) / 1e3, ms(s.asset_locate_time, 99));
  std::printf(
      "imaging: %llu results, %llu acknowledged, %.1f MiB, throughput %.3f MiB/s, latency p50 %.1f "
      "s p99 %.1f s\n",
      static_cast<unsigned long long>(s.imaging_results),
      static_cast<unsigned long long>(s.imaging_acked),
      static_cast<double>(s.imaging_bytes_acked) / (1024.0 * 1024.0), s.imaging_throughput_mib_s,
      ms(s.imaging_latency, 50) / 1e3, ms(s.imaging_latency, 99) / 1e3);
  std::printf(
      "vitals sharing the link: during imaging n=%lld p50 %.1f ms p99 %.1f ms; otherwise n=%lld "
      "p50 %.1f ms p99 %.1f ms\n",
      static_cast<long long>(rep.ops.vitals_latency_during_imaging.count()),
      ms(rep.ops.vitals_latency_during_imaging, 50), ms(rep.ops.vitals_latency_during_imaging, 99),
      static_cast<long long>(rep.ops.vitals_latency_outside_imaging.count()),
      ms(rep.ops.vitals_latency_outside_imaging, 50),
      ms(rep.ops.vitals_latency_outside_imaging, 99));
  for (const auto& t : rep.thresholds)
    std::printf("  %s %s\n", t.passed ? "PASS" : "FAIL", t.message.c_str());
  return r.exit_code;
}
