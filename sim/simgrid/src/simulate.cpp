#include "iomtsim/sim/simgrid/simulate.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <map>
#include <ostream>

#include "driver.hpp"
#include "model_figures.hpp"
#include "iomtsim/physiology/random.hpp"
#include "iomtsim/sim/device_side/device_side.hpp"
#include "iomtsim/sim/news2_scales.hpp"
#include "iomtsim/sim/run_frame.hpp"

namespace iomtsim::sim::simgrid {
namespace {

std::atomic<bool> g_used{false};

// Devices of one ward share its access points, spread round robin (wards in order of
// first appearance, so the assignment is a function of the scenario alone).
std::vector<std::uint32_t> assign_access_points(const std::vector<FleetDevice>& devices,
                                                const CapacityModel& m, std::size_t& count) {
  std::map<std::string, std::vector<std::size_t>> by_ward;
  std::vector<std::string> order;
  for (std::size_t i = 0; i < devices.size(); ++i) {
    auto [it, fresh] = by_ward.try_emplace(devices[i].ward());
    if (fresh) order.push_back(devices[i].ward());
    it->second.push_back(i);
  }
  std::vector<std::uint32_t> ap(devices.size());
  std::uint32_t base = 0;
  for (const auto& w : order) {
    const auto& slots = by_ward[w];
    const auto n =
        m.aps_per_ward > 0
            ? m.aps_per_ward
            : static_cast<std::uint32_t>((slots.size() + m.devices_per_ap - 1) / m.devices_per_ap);
    for (std::size_t k = 0; k < slots.size(); ++k)
      ap[slots[k]] = base + static_cast<std::uint32_t>(k % n);
    base += n;
  }
  count = std::max<std::size_t>(1, base);
  return ap;
}

// SimGrid's configuration: CM02 is the plain flow model (no latency or bandwidth factors:
// LV08 multiplies a small message's latency by about 13), no cross traffic from the
// (unmodelled) acknowledgements, and a quiet log.
void start_engine(std::unique_ptr<::simgrid::s4u::Engine>& engine, const std::string& log) {
  std::vector<std::string> args = {"iomtsim-simulate", "--cfg=network/model:CM02",
                                   "--cfg=network/crosstraffic:0", "--log=" + log,
                                   "--log=root.fmt:%m%n"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  engine = std::make_unique<::simgrid::s4u::Engine>(&argc, argv.data());
}

// When each device is switched on (DeviceSideConfig::start_of_slot). Real devices are
// not synchronised: the physiology spreads a device's measurements over min(interval,
// 60 s), but a device that batches readings (or measures less often than every minute)
// sends a message once per `period` = max(shortest interval, batch / reading rate), and
// with phases spread over a fraction of that period the fleet's messages come in bursts
// that a sweep reads as a knee (issue 22: 4,000 devices against 12,700 by arithmetic).
// So, unless the scenario asks for a synchronised start, each such device starts at a
// phase drawn from the seed, uniform over its period (at most an hour); on top of that
// time.ramp_up switches the devices on evenly over the ramp, in slot order. A waveform
// device streams a block every block length from its first second, so it has no phase
// to spread (and its blocks are counted from the start of the scenario).
std::vector<SimTime> device_starts(const std::vector<FleetDevice>& devices,
                                   const scenarios::Scenario& s, bool synchronised) {
  const Duration ramp = s.time.ramp_up;
  std::vector<SimTime> start(devices.size());
  if (synchronised && ramp.count() <= 0) return {};
  const double n = static_cast<double>(std::max<std::size_t>(1, devices.size()));
  for (std::size_t i = 0; i < devices.size(); ++i) {
    double at_ns = static_cast<double>(ramp.count()) * static_cast<double>(i) / n;
    const auto& model = devices[i].spec->model;
    double min_ns = 0, rate_per_s = 0;
    for (const auto& m : model.measures) {
      const double ns = static_cast<double>(m.interval.count());
      min_ns = min_ns == 0 ? ns : std::min(min_ns, ns);
      rate_per_s += 1e9 / ns;
    }
    if (model.waveform) {
      const double ns = static_cast<double>(model.waveform->block.count());
      min_ns = min_ns == 0 ? ns : std::min(min_ns, ns);
    }
    const double batch = std::max<std::uint32_t>(1, devices[i].spec->batch);
    const double period_ns = std::max(min_ns, rate_per_s > 0 ? batch / rate_per_s * 1e9 : 0.0);
    const double spread_ns = min_ns >= 3600e9 ? min_ns : std::min(min_ns, 60e9);
    if (!synchronised && !model.waveform && period_ns > spread_ns) {
      const std::uint64_t h = physiology::splitmix64(
          physiology::splitmix64(s.metadata.seed ^ 0xC3A5C85C97CB3127ull) ^ i);
      const double u = static_cast<double>(h >> 11) * 0x1.0p-53;  // [0, 1)
      at_ns += u * std::min(period_ns, 3600e9);
    }
    start[i] = SimTime{Duration{static_cast<std::int64_t>(at_ns)}};
  }
  return start;
}

}  // namespace

Fidelity resolve_fidelity(const CapacityModel& m, std::uint64_t devices) {
  if (m.fidelity != Fidelity::Auto) return m.fidelity;
  return devices >= m.aggregate_above_devices ? Fidelity::Aggregated : Fidelity::PerReading;
}

SimulateResult simulate(const scenarios::Scenario& input, const SimulateOptions& options) {
  if (g_used.exchange(true))
    throw SimulateError("simulate() runs once per process (SimGrid's engine does not reset)");
  const auto wall_start = std::chrono::steady_clock::now();
  CapacityModel capacity = options.capacity;
  capacity.validate();
  FrameOptions frame_options;  // the rest as their defaults
  frame_options.mode = "simulated";
  frame_options.duration = options.duration;
  frame_options.extra_expectations = options.extra_expectations;
  frame_options.stop = options.stop;
  // Ramp-up and warm-up are simulated (they load the pipeline) but not scored.
  const bool synchronised = input.capacity && input.capacity->synchronised_start;
  const Duration warm_up =
      input.capacity && input.capacity->warm_up ? *input.capacity->warm_up : Duration{};
  SimTime score_from{input.time.ramp_up + warm_up};
  if (score_from >= SimTime{options.duration.value_or(input.metadata.duration)}) {
    // A short exploratory --duration: score everything rather than nothing, and say so.
    if (options.log)
      *options.log << "simulate: time.ramp_up + capacity.warm_up cover the whole run; "
                      "scoring all of it\n";
    score_from = SimTime{};
  }
  frame_options.score_from = score_from;
  std::unique_ptr<RunFrame> frame_ptr;
  try {
    frame_ptr = std::make_unique<RunFrame>(input, std::move(frame_options));
  } catch (const FrameError& e) {
    throw SimulateError(e.what());
  }
  RunFrame& frame = *frame_ptr;
  const scenarios::Scenario& scenario = frame.scenario();

  Fleet fleet(scenario, ShardSpec{0, 1});
  capacity.fidelity = resolve_fidelity(capacity, fleet.device_count());

  std::unique_ptr<::simgrid::s4u::Engine> engine;
  start_engine(engine, options.simgrid_log);
  std::size_t ap_count = 0;
  const detail::OpsAccess access(scenario, fleet.devices(),
                                 assign_access_points(fleet.devices(), capacity, ap_count));
  device_side::DeviceSideConfig sc;
  sc.scenario = &scenario;
  sc.source = device_side::prefetch_source(fleet, frame.end(), options.prefetch_fleet);
  sc.recorder = &frame.recorder();
  sc.retry = device_side::retry_policy(frame.scenario());
  sc.end = frame.end();
  sc.start_of_slot = device_starts(fleet.devices(), scenario, synchronised);
  sc.score_from = score_from;
  sc.send_partial_batches_at_end = false;
  // Imaging results load their access point as well as their profile's shared link.
  sc.medium_of_slot.assign(access.ap_of_slot().begin(), access.ap_of_slot().end());
  sc.medium_of_ops = [&access](const physiology::ops::OpsOutput& e) -> std::int64_t {
    return access.of_event(e);
  };
  device_side::DeviceSide side(std::move(sc));
  detail::DriverConfig dc;
  dc.capacity = &capacity;
  dc.end = frame.end();
  dc.frame = &frame;
  dc.retries = frame.scenario().target.retry.attempts > 1;
  dc.measure_from = score_from;
  apply_spo2_targets(scenario, dc.rules);
  detail::Platform platform(*engine, capacity, ap_count);
  detail::Pipeline pipeline(capacity, scenario.metadata.seed);
  pipeline.measure(score_from, frame.end());
  detail::Driver driver(side, access, frame.recorder(), platform, pipeline, std::move(dc));

  std::string failure;
  ::simgrid::s4u::Actor::create("driver", platform.server(0), [&] {
    try {
      driver.run();
    } catch (const std::exception& e) {  // an exception escaping an actor aborts the process
      failure = e.what();
    }
  });
  engine->run();
  if (!failure.empty()) throw SimulateError("simulation failed: " + failure);

  SimulateResult result;
  result.stats = driver.stats();
  result.stats.fidelity = capacity.fidelity;
  result.stats.devices = fleet.device_count();
  result.stats.access_points = ap_count;
  result.report = frame.finish({std::move(driver.sections())});
  {
    auto& cap = result.report.capacity;
    for (auto& u : pipeline.uses()) cap.resources.push_back(std::move(u));
    cap.model = detail::model_figures(capacity);
    for (auto& u : driver.link_uses()) cap.resources.push_back(std::move(u));
    const auto top = std::max_element(
        cap.resources.begin(), cap.resources.end(),
        [](const auto& a, const auto& b) { return a.utilisation < b.utilisation; });
    cap.bottleneck = top->name;
  }
  result.verdict = reports::decide(result.report);
  result.exit_code = result.verdict.exit_code;
  for (const auto& t : result.report.thresholds)
    if (!t.passed) result.failed.push_back(t);
  result.stats.wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();

  if (options.write_files)
    result.out_dir = options.out_dir.empty()
                         ? std::filesystem::path("iomtsim-runs") / ("sim-" + scenario.metadata.name)
                         : options.out_dir;
  if (options.log) {
    auto& log = *options.log;
    const auto& d = result.report.delivery;
    const auto& s = result.stats;
    log << "simulate: " << s.devices << " devices on " << s.access_points << " access points, "
        << name(s.fidelity) << ", " << s.simulated_s << " s simulated in " << s.wall_s << " s ("
        << static_cast<std::uint64_t>(s.readings_per_wall_s()) << " readings per wall second); "
        << "rejected " << d[reports::Outcome::Rejected] << ", failed "
        << d[reports::Outcome::Failed] << '\n';
    for (const auto& u : result.report.capacity.resources)
      if (u.name == result.report.capacity.bottleneck)
        log << "bottleneck: " << u.name << " (" << u.kind << "), utilisation "
            << std::round(u.utilisation * 1000.0) / 10.0 << " %\n";
    if (!result.report.waveforms.empty()) {
      const auto& w = result.report.waveforms;
      log << "waveform blocks " << w.delivery.generated << ", acknowledged "
          << w.delivery[reports::Outcome::Acknowledged] << " (" << w.samples_acknowledged
          << " samples, " << w.bytes_offered << " bytes offered)\n";
    }
    if (!result.report.ops.empty()) {
      const auto& o = result.report.ops.scores;
      log << "operations: pump alarms " << o.pump_alarms_delivered << "/" << o.pump_alarms
          << " delivered, asset queries " << o.asset_correct << "/" << o.asset_queries
          << " correct, imaging " << o.imaging_acked << "/" << o.imaging_results
          << " acknowledged\n";
    }
  }
  write_outputs(result.report, result.verdict, result.out_dir, options.log);
  return result;
}

}  // namespace iomtsim::sim::simgrid
