// `simulate` and `sweep` as a user runs them (the iomtsim_sg_cli binary: the real cli/src
// commands): the scenario's `capacity:` section drives the model and options override
// it; an XML platform's routes come out as the XML says, and a bad one is an error, not
// a crash; a sweep's latency-versus-load output and its knee agree with the per-point
// reports. Each simulation is its own process.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "support/cli_run.hpp"

namespace fs = std::filesystem;
using iomtsim::testing::CliRun;
using iomtsim::testing::contains;
using nlohmann::json;

namespace {

const std::string kData = std::string(IOMTSIM_SOURCE_DIR) + "/tests/sim/simgrid/data/";

std::string q(const std::string& s) { return iomtsim::testing::shell_quote(s); }

class SgCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("iomtsim-sgcli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }
  // `simulate SCENARIO ARGS --quiet --out DIR/TAG`; the report, or null when none.
  json simulate(const std::string& scenario, const std::string& args, const std::string& tag,
                CliRun* run = nullptr) {
    const auto out = dir_ / tag;
    const CliRun r = iomtsim::testing::run_cli("simulate " + q(kData + scenario) + " " + args +
                                               " --quiet --out " + q(out.string()));
    if (run) *run = r;
    std::ifstream in(out / "report.json");
    if (!in) return json(nullptr);
    return json::parse(in);
  }
  static double p(const json& report, const char* pct) {
    return report["ingest_latency"]["summary"][pct].get<double>();
  }
  static std::uint64_t outcome(const json& report, const char* name) {
    return report["delivery"][name].get<std::uint64_t>();
  }
  fs::path dir_;
};

TEST_F(SgCli, ScenarioCapacitySectionDrivesTheModel) {
  CliRun r;
  const json four = simulate("capacity_section.yaml", "", "file", &r);
  ASSERT_FALSE(four.is_null()) << r.out;
  EXPECT_EQ(r.exit_code, 0) << r.out;
  // The file's own value changed: one server instead of four.
  const json one = simulate("capacity_section.yaml", "--set capacity.servers.count=1", "set", &r);
  ASSERT_FALSE(one.is_null()) << r.out;
  EXPECT_EQ(r.exit_code, 1) << "delivery >= 99.9 % must fail with one server\n" << r.out;
  EXPECT_EQ(four["delivery"]["generated"], one["delivery"]["generated"]);
  EXPECT_EQ(outcome(four, "rejected"), 0u);
  EXPECT_GT(outcome(one, "rejected"), 1000u);  // 24 offered per second, 20 served
  EXPECT_LT(p(four, "p99_s"), 0.5);
  EXPECT_GT(p(one, "p99_s"), 0.9);  // a full queue: 20 waiting at 50 ms each
}

// Golden: the fleet's physiology on a second thread or on SimGrid's own gives the same
// report.json, byte for byte (it holds no wall-clock facts in simulated time).
TEST_F(SgCli, OneThreadOrTwoGiveTheSameReport) {
  CliRun r;
  const json two = simulate("capacity_section.yaml", "--fleet-thread on", "two", &r);
  ASSERT_FALSE(two.is_null()) << r.out;
  const json one = simulate("capacity_section.yaml", "--fleet-thread off", "one", &r);
  ASSERT_FALSE(one.is_null()) << r.out;
  ASSERT_GT(two["delivery"]["generated"].get<std::uint64_t>(), 1000u);
  EXPECT_EQ(one.dump(), two.dump());
  EXPECT_EQ(simulate("capacity_section.yaml", "--fleet-thread maybe", "bad", &r), json());
  EXPECT_EQ(r.exit_code, 2) << r.out;
}

TEST_F(SgCli, ExpectOnTheCommandLineJoinsTheScenariosThresholds) {
  CliRun r;
  const json pass =
      simulate("capacity_section.yaml", "--expect 'ingest_latency.p99 < 10 min'", "pass", &r);
  ASSERT_FALSE(pass.is_null()) << r.out;
  EXPECT_EQ(r.exit_code, 0) << r.out;
  const json fail =
      simulate("capacity_section.yaml", "--expect 'ingest_latency.p50 < 1 ms'", "fail", &r);
  ASSERT_FALSE(fail.is_null()) << r.out;
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_EQ(fail["verdict"]["result"], "fail");
  bool found = false;
  for (const auto& t : fail["thresholds"])
    if (t["metric"] == "ingest_latency.p50") {
      found = true;
      EXPECT_FALSE(t["passed"].get<bool>());
      EXPECT_DOUBLE_EQ(t["value"].get<double>(), 1e-3);
    }
  EXPECT_TRUE(found);
  EXPECT_EQ(fail["thresholds"].size(), pass["thresholds"].size());
  // Refused before anything runs, like run's: a usage error, no report.
  EXPECT_TRUE(
      simulate("capacity_section.yaml", "--expect 'ingest_latency.p99 < 2'", "bad", &r).is_null());
  EXPECT_EQ(r.exit_code, 2) << r.out;
}

TEST_F(SgCli, CommandLineOverridesTheFile) {
  const json set = simulate("capacity_section.yaml", "--set capacity.servers.count=1", "set");
  const json opt = simulate("capacity_section.yaml", "--servers 1", "opt");
  ASSERT_FALSE(set.is_null());
  ASSERT_FALSE(opt.is_null());
  // --servers over the file's 4 gives the same run as a file saying 1.
  EXPECT_EQ(set["delivery"], opt["delivery"]);
  EXPECT_EQ(set["ingest_latency"]["summary"], opt["ingest_latency"]["summary"]);
  // A scheduled failure from the command line adds to the model: server 0 of 1 down
  // for a minute fails what reaches it then.
  const json failed = simulate("capacity_section.yaml", "--servers 1 --fail server:0@2min+1min",
                               "fail");
  ASSERT_FALSE(failed.is_null());
  EXPECT_GT(outcome(failed, "failed"), 0u);
  EXPECT_EQ(outcome(opt, "failed"), 0u);
}

// Issue 22 item 5: every figure of the model says where it came from (the scenario, the
// command line, a calibration file with its target and date, or the default), and a
// calibration that replaces a figure the scenario gave says so on the console.
TEST_F(SgCli, ReportSaysWhereEachCapacityFigureCameFrom) {
  const auto cal = dir_ / "cal.json";
  {
    std::ofstream o(cal);
    o << R"({"schema": 1, "service_time_ns": 3000000, "workers": 2, "loopback_one_way_ns": 50000,
             "ceiling_per_s": 600, "target": "http://pipeline.example:8080/fhir",
             "measured_at": "2026-12-01T10:00:00Z"})";
  }
  CliRun r;
  const json rep = simulate("capacity_section.yaml",
                            "--calibration " + q(cal.string()) + " --wan-latency 7ms", "prov", &r);
  ASSERT_FALSE(rep.is_null()) << r.out;
  EXPECT_TRUE(contains(r.out, "replaces the scenario's servers.service_time (50000 us) with 3000 us"))
      << r.out;
  std::map<std::string, std::pair<std::string, std::string>> model;
  for (const auto& f : rep["capacity"]["model"])
    model[f["figure"].get<std::string>()] = {f["value"].get<std::string>(),
                                             f["source"].get<std::string>()};
  EXPECT_EQ(model["servers.count"], (std::pair<std::string, std::string>{"4", "scenario"}));
  EXPECT_EQ(model["servers.service_time"].first, "3 ms");
  EXPECT_EQ(model["servers.service_time"].second,
            "calibration " + cal.string() +
                " (http://pipeline.example:8080/fhir, 2026-12-01T10:00:00Z)");
  EXPECT_EQ(model["servers.workers"].first, "2");
  EXPECT_EQ(model["wan.latency"], (std::pair<std::string, std::string>{"7 ms", "command line"}));
  EXPECT_EQ(model["core.bandwidth"], (std::pair<std::string, std::string>{"10 Gbps", "scenario"}));
  EXPECT_EQ(model["alert_delivery"], (std::pair<std::string, std::string>{"20 ms", "default"}));
  // And report.html shows the section with them.
  std::ifstream html(dir_ / "prov" / "report.html");
  const std::string page((std::istreambuf_iterator<char>(html)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(contains(page, "Capacity (simulated)"));
  EXPECT_TRUE(contains(page, "pipeline.example"));
}

TEST_F(SgCli, XmlPlatformRouteLatencyComesOutAsWritten) {
  CliRun r;
  const json xml = simulate("capacity_xml.yaml", "", "xml", &r);
  ASSERT_FALSE(xml.is_null()) << r.out;
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(outcome(xml, "acknowledged"), xml["delivery"]["generated"].get<std::uint64_t>());
  // Intended send -> acknowledgement: device profile 2 ms, the XML route 9.5 ms each way,
  // 250 us of service, no queueing (8 workers for 24 readings per second), and a few
  // microseconds of transfer. The built platform would give 2 + 2 x 6.2 + 0.25 ms.
  const double want_s = 0.002 + 2 * 0.0095 + 0.00025;
  EXPECT_NEAR(p(xml, "p50_s"), want_s, 0.0002);
  EXPECT_NEAR(p(xml, "min_s"), want_s, 0.0002);
  EXPECT_NEAR(p(xml, "p99_s"), want_s, 0.0005);
  // A link named in the XML can fail: the shared leased line for one minute of ten.
  const json cut = simulate("capacity_xml.yaml", "--fail link:leased_line@3min+1min", "cut");
  ASSERT_FALSE(cut.is_null());
  const double failed = static_cast<double>(outcome(cut, "failed"));
  const double generated = cut["delivery"]["generated"].get<double>();
  EXPECT_NEAR(failed / generated, 0.1, 0.02);
  // Only server 1's link: about half of that minute.
  const json half = simulate("capacity_xml.yaml", "--fail link:srv1@3min+1min", "half");
  ASSERT_FALSE(half.is_null());
  EXPECT_NEAR(static_cast<double>(outcome(half, "failed")) / generated, 0.05, 0.015);
}

TEST_F(SgCli, BadXmlPlatformIsAnErrorNotACrash) {
  struct Case {
    std::string args, message;
  };
  const Case cases[] = {
      {"--platform " + q(kData + "no_such_platform.xml"), "no such file"},
      {"--platform " + q(kData), "not a readable regular file"},
      {"--platform " + q(kData + "bad_platform.xml"), "Parse error"},
      // The XML has two servers.
      {"--servers 3", "no host 'server2'"},
      {"--fail link:no_such_link@1min", "link 'no_such_link', which the platform does not have"},
  };
  for (const auto& c : cases) {
    CliRun r;
    const json report = simulate("capacity_xml.yaml", c.args, "bad", &r);
    // An exit, not a signal (-1): 2, a simulation that could not be made (not a verdict).
    EXPECT_EQ(r.exit_code, 2) << c.args << "\n" << r.out;
    EXPECT_TRUE(contains(r.out, c.message)) << c.args << "\n" << r.out;
    EXPECT_TRUE(report.is_null()) << c.args;
  }
}

TEST_F(SgCli, ShippedCapacityScenarioSimulates) {
  // emergency_surge ships a capacity section; three minutes of it (about 7,000 devices).
  CliRun r;
  const auto out = dir_ / "surge";
  r = iomtsim::testing::run_cli(
      "simulate " + q(std::string(IOMTSIM_SOURCE_DIR) + "/scenarios/library/emergency_surge.yaml") +
      " --duration 3min --quiet --out " + q(out.string()));
  ASSERT_NE(r.exit_code, -1) << r.out;
  std::ifstream in(out / "report.json");
  ASSERT_TRUE(in) << r.out;
  const json report = json::parse(in);
  EXPECT_EQ(report["run"]["mode"], "simulated");
  EXPECT_GT(report["delivery"]["generated"].get<std::uint64_t>(), 100'000u);
}

TEST_F(SgCli, ShippedWaveformAndOperationsScenariosHaveTheirSections) {
  // smart_hospital (pumps, RTLS tags, imaging) and icu_stepdown (ECG waveforms), a short
  // stretch of each: report.json carries the same sections as a real run's.
  for (const std::string name : {"smart_hospital", "icu_stepdown"}) {
    const auto out = dir_ / name;
    const auto r = iomtsim::testing::run_cli(
        "simulate " + q(std::string(IOMTSIM_SOURCE_DIR) + "/scenarios/library/" + name + ".yaml") +
        " --duration 20min --quiet --out " + q(out.string()));
    ASSERT_NE(r.exit_code, -1) << r.out;
    std::ifstream in(out / "report.json");
    ASSERT_TRUE(in) << name << "\n" << r.out;
    const json report = json::parse(in);
    EXPECT_EQ(report["run"]["mode"], "simulated");
    if (name == "smart_hospital") {
      ASSERT_TRUE(report.contains("operations")) << name;
      const auto& ops = report["operations"];
      EXPECT_FALSE(ops["asset_queries"].empty());
      EXPECT_FALSE(ops["asset_tracks"].empty());
      EXPECT_TRUE(ops.contains("delivery"));
    } else {
      ASSERT_TRUE(report.contains("waveforms")) << name;
      EXPECT_GT(report["waveforms"]["delivery"]["generated"].get<std::uint64_t>(), 1000u);
    }
  }
}

// The sweep's own reading of each point must match that point's report.json: thresholds
// passed <=> meets, and the knee is the last point of the unbroken passing run that
// starts at the lightest load.
struct SweepCheck {
  json sweep;
  std::vector<bool> meets;  // from the point reports, in sweep order
  std::optional<std::size_t> knee;
};
SweepCheck read_sweep(const fs::path& out, bool load_grows) {
  SweepCheck c;
  std::ifstream in(out / "sweep.json");
  if (!in) return c;
  c.sweep = json::parse(in);
  const auto& pts = c.sweep["points"];
  for (std::size_t k = 0; k < pts.size(); ++k) {
    std::ifstream rin(out / pts[k]["dir"].get<std::string>() / "report.json");
    EXPECT_TRUE(rin) << "point " << k;
    if (!rin) return c;
    const json r = json::parse(rin);
    bool all = true;
    for (const auto& t : r["thresholds"]) all = all && t["passed"].get<bool>();
    c.meets.push_back(all);
    EXPECT_EQ(pts[k]["meets"].get<bool>(), all) << "point " << k;
    EXPECT_DOUBLE_EQ(pts[k]["ingest_p99_s"].get<double>(),
                     r["ingest_latency"]["summary"]["p99_s"].get<double>())
        << "point " << k;
    EXPECT_EQ(pts[k]["generated"], r["delivery"]["generated"]) << "point " << k;
  }
  for (std::size_t n = 0; n < c.meets.size(); ++n) {
    const std::size_t i = load_grows ? n : c.meets.size() - 1 - n;
    if (!c.meets[i]) break;
    c.knee = i;
  }
  return c;
}

TEST_F(SgCli, SweepOverDevicesFindsTheKneeOfItsPoints) {
  // One server of the file's kind (20 readings per second) against 10 .. 80 devices
  // (6 .. 48 readings per second offered).
  const auto out = dir_ / "devices";
  const CliRun r = iomtsim::testing::run_cli(
      "sweep " + q(kData + "capacity_section.yaml") +
      " --devices 10..80 --steps 4 --servers 1 --duration 5min --jobs 2 --out " + q(out.string()),
      false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const SweepCheck c = read_sweep(out, true);
  ASSERT_EQ(c.sweep["parameter"], "devices");
  const auto& pts = c.sweep["points"];
  // The grid's 4 points, then the bisection's (at most 12 by default).
  ASSERT_GE(pts.size(), 4u);
  ASSERT_LE(pts.size(), 16u);
  ASSERT_EQ(c.meets.size(), pts.size());
  std::size_t grid = 0;
  for (const auto& p : pts) grid += p["refined"].get<bool>() ? 0 : 1;
  EXPECT_EQ(grid, 4u);
  for (std::size_t k = 1; k < pts.size(); ++k) {
    EXPECT_GT(pts[k]["x"].get<double>(), pts[k - 1]["x"].get<double>());
    EXPECT_GT(pts[k]["generated"].get<std::uint64_t>(), pts[k - 1]["generated"].get<std::uint64_t>());
  }
  // Across the grid (a factor of two apart) more load never makes latency or delivery
  // better (one FIFO server); bisection points a few devices apart are other fleets and
  // may differ by noise.
  std::vector<const json*> g;
  for (const auto& p : pts)
    if (!p["refined"].get<bool>()) g.push_back(&p);
  for (std::size_t k = 1; k < g.size(); ++k) {
    EXPECT_GE((*g[k])["ingest_p99_s"].get<double>() + 1e-3, (*g[k - 1])["ingest_p99_s"].get<double>());
    EXPECT_LE((*g[k])["delivered_fraction"].get<double>(),
              (*g[k - 1])["delivered_fraction"].get<double>() + 1e-9);
  }
  // The range straddles the server's capacity: light points pass, the heaviest fails.
  EXPECT_TRUE(c.meets.front());
  EXPECT_FALSE(c.meets.back());
  ASSERT_TRUE(c.knee.has_value());
  EXPECT_EQ(c.sweep["knee"]["index"].get<std::size_t>(), *c.knee);
  const std::string value = pts[*c.knee]["value"];
  EXPECT_TRUE(contains(r.out, "capacity knee: devices = " + value)) << r.out;
  // Refined until the boundary is known within 5 % (or the devices are adjacent counts):
  // the next point up fails.
  ASSERT_LT(*c.knee + 1, pts.size());
  EXPECT_FALSE(c.meets[*c.knee + 1]);
  const double pass = pts[*c.knee]["x"], fail = pts[*c.knee + 1]["x"];
  EXPECT_TRUE(fail - pass <= 0.05 * pass || fail - pass <= 1.0) << pass << " .. " << fail;
  EXPECT_NEAR(c.sweep["knee"]["within_fraction"].get<double>(), (fail - pass) / pass, 1e-9);
  EXPECT_TRUE(fs::exists(out / "sweep.html"));
}

TEST_F(SgCli, SweepOverServersKneeIsTheFewestThatPass) {
  // 60 devices offer 36 readings per second: one server (20/s) fails, two or more keep up.
  const auto out = dir_ / "servers";
  const CliRun r = iomtsim::testing::run_cli(
      "sweep " + q(kData + "capacity_section.yaml") +
      " --servers 1,2,4 --devices 60 --duration 5min --jobs 2 --out " + q(out.string()), false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const SweepCheck c = read_sweep(out, false);
  ASSERT_EQ(c.sweep["parameter"], "servers");
  EXPECT_EQ(c.sweep["load_grows_with_parameter"], false);
  ASSERT_EQ(c.meets.size(), 3u);
  const auto& pts = c.sweep["points"];
  for (std::size_t k = 1; k < pts.size(); ++k)  // same load at every point
    EXPECT_EQ(pts[k]["generated"], pts[0]["generated"]);
  EXPECT_FALSE(c.meets[0]);
  EXPECT_TRUE(c.meets[2]);
  ASSERT_TRUE(c.knee.has_value());
  EXPECT_EQ(c.sweep["knee"]["index"].get<std::size_t>(), *c.knee);
  EXPECT_TRUE(contains(r.out, "capacity knee: servers = " + pts[*c.knee]["value"].get<std::string>()))
      << r.out;
}

}  // namespace

namespace {

// Issue 22, honest knees: 2 servers x 4 workers x 2 ms (4,000 readings per second) fed by
// monitors that send 12 readings every 20 s (capacity_knee.yaml: saturation at 6,667
// devices by arithmetic). With phases drawn from the seed the sweep's knee lies within a
// quarter of saturation (it lay at a third of it when devices started in step).
TEST_F(SgCli, KneeOfASweepLiesWithinAQuarterOfSaturation) {
  const double saturation = 4000.0 / 0.6;
  const auto out = dir_ / "knee";
  const CliRun r = iomtsim::testing::run_cli(
      "sweep " + q(kData + "capacity_knee.yaml") +
          " --devices 2000..16000 --steps 4 --refine 0.1 --max-refine-points 4 --jobs 2 --out " +
          q(out.string()),
      false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const SweepCheck c = read_sweep(out, true);
  ASSERT_TRUE(c.knee.has_value()) << r.out;
  const double knee = c.sweep["points"][*c.knee]["x"].get<double>();
  EXPECT_GE(knee, 0.75 * saturation) << r.out;
  EXPECT_LE(knee, saturation * 1.02) << r.out;
}

// Synchronised start (a power cut): the same fleet at 80 % of saturation overflows the
// queues in its bursts, which the default start does not; and an overloaded point fails
// its latency threshold even though the readings that were acknowledged were answered in
// about a second (the bounded queue caps their latency).
TEST_F(SgCli, SynchronisedStartBurstsAndOverloadFailsItsLatencyThreshold) {
  const json spread = simulate("capacity_knee.yaml", "--devices 5300", "spread");
  ASSERT_FALSE(spread.is_null());
  EXPECT_EQ(outcome(spread, "rejected"), 0u);
  EXPECT_TRUE(spread["thresholds"][0]["passed"].get<bool>());
  // Scoring starts after the minute of warm-up.
  EXPECT_NEAR(spread["run"]["start_ns"].get<double>(), 60e9, 1.0);

  const json sync =
      simulate("capacity_knee.yaml", "--devices 5300 --set capacity.start=synchronised", "sync");
  ASSERT_FALSE(sync.is_null());
  EXPECT_GT(outcome(sync, "rejected"), 0u);
  EXPECT_FALSE(sync["thresholds"][0]["passed"].get<bool>());

  const json over = simulate("capacity_knee.yaml", "--devices 10000", "over");
  ASSERT_FALSE(over.is_null());
  EXPECT_GT(outcome(over, "rejected"), outcome(over, "generated") / 10);
  EXPECT_LT(p(over, "p99_s"), 2.0);  // what the acknowledged readings saw
  const auto& t = over["thresholds"][0];
  EXPECT_FALSE(t["passed"].get<bool>());
  EXPECT_EQ(t["measured"], "unmet");
}

}  // namespace
