#include "iomtsim/sim/simgrid/sweep.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <ostream>
#include <sstream>

#include "iomtsim/sim/simgrid/capacity_model.hpp"

extern char** environ;

namespace iomtsim::sim::simgrid {
namespace {

enum class Unit { Count, Bandwidth, Duration, Fraction };

Unit unit_of(const std::string& key) {
  if (key == "loss") return Unit::Fraction;
  if (key.find("bandwidth") != std::string::npos) return Unit::Bandwidth;
  if (key.find("latency") != std::string::npos || key == "service-time" || key == "lb-detection" ||
      key == "alert-delivery" || key == "aggregate-interval")
    return Unit::Duration;
  if (key == "devices" || key == "servers" || key == "workers" || key == "queue" ||
      key == "devices-per-ap" || key == "aps-per-ward")
    return Unit::Count;
  throw SweepError("cannot sweep '" + key +
                   "': use devices, loss, or a numeric capacity setting "
                   "(servers, workers, queue, service-time, *-bandwidth, *-latency, …)");
}

double parse_value(Unit u, std::string_view text) {
  try {
    switch (u) {
      case Unit::Bandwidth:
        return parse_bandwidth_bps(text);
      case Unit::Duration:
        return physiology::to_seconds(parse_duration(text));
      case Unit::Count:
      case Unit::Fraction: {
        double v = 0;
        const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc{} || p != text.data() + text.size() || !std::isfinite(v) || v < 0)
          throw SweepError("expected a non-negative number, found '" + std::string(text) + "'");
        if (u == Unit::Fraction && v > 1) throw SweepError("loss must be within 0..1");
        return v;
      }
    }
  } catch (const CapacityError& e) {
    throw SweepError(e.what());
  }
  return 0;
}

std::string format_value(Unit u, double v) {
  std::ostringstream s;
  switch (u) {
    case Unit::Count:
      s << static_cast<std::uint64_t>(std::llround(v));
      break;
    case Unit::Bandwidth:
      s.precision(6);
      s << v;
      break;  // bits per second, a bare number
    case Unit::Duration:
      s << std::llround(v * 1e9) << "ns";
      break;
    case Unit::Fraction:
      s.precision(6);
      s << v;
      break;
  }
  return s.str();
}

}  // namespace

SweepAxis parse_sweep_axis(const std::string& key, const std::string& range, unsigned steps) {
  const Unit u = unit_of(key);
  std::vector<double> x;
  if (const auto dots = range.find(".."); dots != std::string::npos) {
    const double a = parse_value(u, range.substr(0, dots));
    const double b = parse_value(u, range.substr(dots + 2));
    if (b < a) throw SweepError("range " + range + " goes down");
    if (steps < 2) steps = 2;
    const bool geometric = a > 0 && b / a >= 10;
    for (unsigned i = 0; i < steps; ++i) {
      const double f = static_cast<double>(i) / (steps - 1);
      x.push_back(geometric ? a * std::pow(b / a, f) : a + (b - a) * f);
    }
  } else {
    std::string_view rest = range;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      x.push_back(parse_value(u, rest.substr(0, comma)));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    std::sort(x.begin(), x.end());
  }
  if (x.empty()) throw SweepError("empty sweep range");
  SweepAxis axis;
  axis.key = key;
  // More of a resource is less load; more access points per ward spread the same devices.
  axis.load_grows = !(u == Unit::Bandwidth || key == "servers" || key == "workers" ||
                      key == "queue" || key == "aps-per-ward");
  for (double v : x) {
    if (u == Unit::Count) v = std::max(1.0, std::round(v));
    if (!axis.x.empty() && axis.x.back() == v) continue;
    axis.x.push_back(v);
    axis.values.push_back(format_value(u, v));
  }
  return axis;
}

SweepPoint point_from_report(const reports::Report& r, double x, std::string value) {
  SweepPoint p;
  p.x = x;
  p.value = std::move(value);
  p.ok = true;
  p.generated = r.delivery.generated;
  auto s = [](const reports::Histogram& h, double q) {
    return static_cast<double>(h.value_at_percentile(q)) * 1e-9;
  };
  p.ingest_p50_s = s(r.ingest_latency, 50);
  p.ingest_p99_s = s(r.ingest_latency, 99);
  p.alert_p50_s = s(r.alert_latency, 50);
  p.alert_p99_s = s(r.alert_latency, 99);
  p.delivered_fraction = r.delivery.fraction(reports::Outcome::Acknowledged);
  p.alert_sensitivity = r.accuracy.overall.sensitivity;
  const double span = r.duration_s();
  p.throughput_per_s =
      span > 0 ? static_cast<double>(r.delivery[reports::Outcome::Acknowledged]) / span : 0.0;
  p.meets = true;
  for (const auto& t : r.thresholds)
    if (!t.passed) {
      p.meets = false;
      p.failed.push_back(t.message);
    }
  if (r.thresholds.empty()) p.meets = p.ingest_p99_s < 2.0;
  return p;
}

std::optional<std::size_t> capacity_knee(const std::vector<SweepPoint>& points, bool load_grows) {
  std::optional<std::size_t> knee;
  for (std::size_t k = 0; k < points.size(); ++k) {
    const std::size_t i = load_grows ? k : points.size() - 1 - k;  // lightest load first
    if (!points[i].ok || !points[i].meets) break;
    knee = i;
  }
  return knee;
}

void scale_to_devices(scenarios::Scenario& s, std::uint64_t devices) {
  if (devices == 0) throw SweepError("--devices must be at least 1");
  std::uint64_t now = 0;
  for (const auto& c : s.cohorts) now += std::uint64_t{c.physiology.count} * c.devices.size();
  if (now == 0) throw SweepError("the scenario has no devices to scale");
  const double f = static_cast<double>(devices) / static_cast<double>(now);
  for (auto& c : s.cohorts) {
    if (c.physiology.count == 0) continue;
    c.physiology.count = static_cast<std::uint32_t>(
        std::max(1.0, std::round(static_cast<double>(c.physiology.count) * f)));
  }
}

void set_loss(scenarios::Scenario& s, double loss) {
  if (!(loss >= 0 && loss <= 1)) throw SweepError("loss must be within 0..1");
  for (auto& [name, p] : s.network_profiles) p.loss = loss;
}

namespace {

pid_t spawn(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0) return -1;
  return pid;
}

}  // namespace

SweepResult run_sweep(const SweepOptions& o) {
  SweepResult result;
  result.axis = o.axis;
  std::filesystem::create_directories(o.out_dir);
  // The exe path is resolved once: /proc/self/exe of this process is the same binary.
  std::error_code ec;
  auto exe = std::filesystem::read_symlink(o.exe, ec);
  if (ec) exe = o.exe;
  std::map<pid_t, std::size_t> running;
  result.points.resize(o.axis.x.size());
  auto reap = [&](pid_t pid, int status) {
    const auto k = running.at(pid);
    running.erase(pid);
    auto& p = result.points[k];
    p.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    const auto file = o.out_dir / ("point-" + std::to_string(k)) / "report.json";
    try {
      const auto report = reports::read_report_file(file);
      p = point_from_report(report, o.axis.x[k], o.axis.values[k]);
      p.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      if (result.scenario.empty()) result.scenario = report.run.scenario;
    } catch (const std::exception& e) {
      p.x = o.axis.x[k];
      p.value = o.axis.values[k];
      p.ok = false;
      if (o.log)
        *o.log << "sweep: point " << k << " (" << o.axis.key << " " << p.value
               << ") produced no report: " << e.what() << '\n';
    }
    if (o.log && p.ok)
      *o.log << "sweep: " << o.axis.key << " " << p.value << ": p99 ingest " << p.ingest_p99_s
             << " s, delivered " << p.delivered_fraction * 100 << " %"
             << (p.meets ? "" : " (thresholds fail)") << '\n';
  };
  for (std::size_t k = 0; k < o.axis.x.size(); ++k) {
    while (running.size() >= std::max(1u, o.jobs)) {
      int status = 0;
      const pid_t pid = ::waitpid(-1, &status, 0);
      if (pid > 0 && running.count(pid)) reap(pid, status);
    }
    std::vector<std::string> argv = {
        exe.string(), "simulate", o.scenario_file,
        "--quiet",    "--out",    (o.out_dir / ("point-" + std::to_string(k))).string()};
    argv.insert(argv.end(), o.forward.begin(), o.forward.end());
    argv.push_back("--" + o.axis.key);
    argv.push_back(o.axis.values[k]);
    const pid_t pid = spawn(argv);
    if (pid < 0) throw SweepError("cannot start " + exe.string());
    running.emplace(pid, k);
  }
  while (!running.empty()) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) break;
    if (running.count(pid)) reap(pid, status);
  }
  result.knee = capacity_knee(result.points, o.axis.load_grows);
  return result;
}

}  // namespace iomtsim::sim::simgrid
