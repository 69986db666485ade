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

#include "iomtsim/reports/thresholds.hpp"
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
  p.ingest_p99_unmet = std::isinf(reports::metric_value(r, "ingest_latency.p99"));
  p.alert_p50_s = s(r.alert_latency, 50);
  p.alert_p99_s = s(r.alert_latency, 99);
  p.delivered_fraction = r.delivery.fraction(reports::Outcome::Acknowledged);
  p.alert_sensitivity = r.accuracy.overall.sensitivity;
  const double span = r.duration_s();
  p.throughput_per_s =
      span > 0 ? static_cast<double>(r.delivery[reports::Outcome::Acknowledged]) / span : 0.0;
  p.bottleneck = r.capacity.bottleneck;
  for (const auto& u : r.capacity.resources)
    if (u.name == p.bottleneck) p.bottleneck_utilisation = u.utilisation;
  p.meets = true;
  for (const auto& t : r.thresholds)
    if (!t.passed) {
      p.meets = false;
      p.failed.push_back(t.message);
    }
  // Rejected and timed-out readings count as unmet (reports/thresholds.hpp), as they do
  // for a scenario's own ingest_latency thresholds.
  if (r.thresholds.empty()) p.meets = reports::metric_value(r, "ingest_latency.p99") < 2.0;
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

namespace {

// The children of one sweep: each point a `simulate` in its own folder (point-<n>, n in
// the order they were started), at most `jobs` at once.
class PointRunner {
 public:
  PointRunner(const SweepOptions& o, SweepResult& result) : o_(o), result_(result) {
    std::filesystem::create_directories(o.out_dir);
    // Resolved once: /proc/self/exe of this process is the same binary.
    std::error_code ec;
    exe_ = std::filesystem::read_symlink(o.exe, ec);
    if (ec) exe_ = o.exe;
  }

  // Runs the values (x, option text) and appends their points; returns when all are done.
  void run(const std::vector<std::pair<double, std::string>>& values, bool refined) {
    for (const auto& [x, text] : values) {
      while (running_.size() >= std::max(1u, o_.jobs)) wait_one();
      const std::string dir = "point-" + std::to_string(started_++);
      std::vector<std::string> argv = {exe_.string(), "simulate", o_.scenario_file,
                                       "--quiet",     "--out",    (o_.out_dir / dir).string()};
      argv.insert(argv.end(), o_.forward.begin(), o_.forward.end());
      argv.push_back("--" + o_.axis.key);
      argv.push_back(text);
      const pid_t pid = spawn(argv);
      if (pid < 0) throw SweepError("cannot start " + exe_.string());
      SweepPoint p;
      p.x = x;
      p.value = text;
      p.dir = dir;
      p.refined = refined;
      running_.emplace(pid, std::move(p));
    }
    while (!running_.empty())
      if (!wait_one()) break;
  }

 private:
  bool wait_one() {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) return false;
    const auto it = running_.find(pid);
    if (it == running_.end()) return true;  // not one of ours
    SweepPoint p = std::move(it->second);
    running_.erase(it);
    const int exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    try {
      const auto report = reports::read_report_file(o_.out_dir / p.dir / "report.json");
      SweepPoint read = point_from_report(report, p.x, p.value);
      read.dir = p.dir;
      read.refined = p.refined;
      p = std::move(read);
      if (result_.scenario.empty()) result_.scenario = report.run.scenario;
    } catch (const std::exception& e) {
      p.ok = false;
      if (o_.log)
        *o_.log << "sweep: " << o_.axis.key << " " << p.value << " (" << p.dir
                << ") produced no report: " << e.what() << '\n';
    }
    p.exit_code = exit_code;
    if (o_.log && p.ok)
      *o_.log << "sweep: " << o_.axis.key << " " << p.value << (p.refined ? " (refining)" : "")
              << ": p99 ingest " << p.ingest_p99_s << " s, delivered " << p.delivered_fraction * 100
              << " %, " << p.bottleneck << " at "
              << std::round(p.bottleneck_utilisation * 1000) / 10 << " %"
              << (p.meets ? "" : " (thresholds fail)") << '\n';
    result_.points.push_back(std::move(p));
    return true;
  }

  const SweepOptions& o_;
  SweepResult& result_;
  std::filesystem::path exe_;
  std::map<pid_t, SweepPoint> running_;
  std::size_t started_ = 0;
};

void sort_points(std::vector<SweepPoint>& points) {
  std::stable_sort(points.begin(), points.end(),
                   [](const SweepPoint& a, const SweepPoint& b) { return a.x < b.x; });
}

// The passing point of the knee and the failing point next to it on the heavier side.
std::optional<std::pair<std::size_t, std::size_t>> knee_bracket(const SweepResult& r) {
  if (!r.knee) return std::nullopt;
  const std::size_t k = *r.knee;
  if (r.axis.load_grows ? k + 1 >= r.points.size() : k == 0) return std::nullopt;
  return std::pair{k, r.axis.load_grows ? k + 1 : k - 1};
}

// The next values to try, or none when the knee is known well enough (or cannot be
// narrowed: adjacent whole numbers, a point without a report, nothing passes even at a
// tenth of the lightest load after two tries).
std::vector<std::pair<double, std::string>> next_values(const SweepResult& r, const SweepOptions& o,
                                                        unsigned& extensions) {
  const Unit u = unit_of(r.axis.key);
  auto snap = [&](double x) { return u == Unit::Count ? std::max(1.0, std::round(x)) : x; };
  auto known = [&](double x) {
    return std::any_of(r.points.begin(), r.points.end(),
                       [&](const SweepPoint& p) { return p.x == x; });
  };
  std::vector<std::pair<double, std::string>> out;
  if (r.points.empty()) return out;
  if (!r.knee) {  // the lightest load already fails: look lighter
    const SweepPoint& light = r.axis.load_grows ? r.points.front() : r.points.back();
    if (!light.ok || extensions >= 2) return out;
    const double x = snap(r.axis.load_grows ? light.x / 10 : light.x * 10);
    if (x == light.x || !(x > 0) || (u == Unit::Fraction && x > 1) || known(x)) return out;
    ++extensions;
    out.emplace_back(x, format_value(u, x));
    return out;
  }
  const auto bracket = knee_bracket(r);
  if (!bracket) return out;  // every point passes: the knee lies beyond the range
  const SweepPoint& pass = r.points[bracket->first];
  const SweepPoint& fail = r.points[bracket->second];
  if (!fail.ok) return out;
  const double lo = std::min(pass.x, fail.x), hi = std::max(pass.x, fail.x);
  if (hi - lo <= o.refine * std::max(pass.x, 1e-300)) return out;
  // Cut the bracket into jobs + 1 parts (geometric when it can be), one child per cut.
  const unsigned cuts = std::max(1u, o.jobs);
  for (unsigned i = 1; i <= cuts; ++i) {
    const double f = static_cast<double>(i) / (cuts + 1);
    const double x = snap(lo > 0 ? lo * std::pow(hi / lo, f) : lo + (hi - lo) * f);
    if (x <= lo || x >= hi || known(x)) continue;
    if (!out.empty() && out.back().first == x) continue;
    out.emplace_back(x, format_value(u, x));
  }
  return out;
}

}  // namespace

SweepResult run_sweep(const SweepOptions& o) {
  SweepResult result;
  result.axis = o.axis;
  PointRunner runner(o, result);
  std::vector<std::pair<double, std::string>> grid;
  for (std::size_t k = 0; k < o.axis.x.size(); ++k)
    grid.emplace_back(o.axis.x[k], o.axis.values[k]);
  runner.run(grid, false);
  sort_points(result.points);
  result.knee = capacity_knee(result.points, o.axis.load_grows);
  // Adaptive: bisect between the knee and its failing neighbour until the boundary is
  // known within `refine` (a fixed grid can miss the knee entirely), bounded in children.
  unsigned extra = 0, extensions = 0;
  while (o.refine > 0 && extra < o.max_refine_points) {
    auto next = next_values(result, o, extensions);
    if (next.empty()) break;
    if (next.size() > o.max_refine_points - extra) next.resize(o.max_refine_points - extra);
    extra += static_cast<unsigned>(next.size());
    runner.run(next, true);
    sort_points(result.points);
    result.knee = capacity_knee(result.points, o.axis.load_grows);
  }
  if (const auto b = knee_bracket(result)) {
    const double pass = result.points[b->first].x, fail = result.points[b->second].x;
    result.knee_within = pass > 0 ? std::abs(fail - pass) / pass : std::abs(fail - pass);
  }
  return result;
}

}  // namespace iomtsim::sim::simgrid
