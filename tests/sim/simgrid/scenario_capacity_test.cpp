// The scenario's `capacity:` section mapped onto the CapacityModel, with command-line
// settings applied after it; and the sweep's axis and knee rules. No SimGrid run.
#include <gtest/gtest.h>

#include <limits>
#include <sstream>

#include "iomtsim/sim/simgrid/capacity_settings.hpp"
#include "iomtsim/sim/simgrid/scenario_capacity.hpp"
#include "iomtsim/sim/simgrid/sweep.hpp"

using namespace iomtsim;
using namespace iomtsim::sim::simgrid;
using namespace std::chrono_literals;

namespace {

scenarios::Scenario with_section() {
  scenarios::Scenario s;
  s.source_file = "plans/ward.yaml";
  scenarios::CapacitySpec c;
  c.servers = 3;
  c.workers_per_server = 2;
  c.service_time = 400us;
  c.queue_capacity = 50;
  c.aps_per_ward = 5;
  c.wan.bandwidth_bps = 2e8;
  c.wan.latency = 9ms;
  c.core.latency = 50us;
  c.fidelity = scenarios::CapacityFidelity::Aggregated;
  c.aggregate_interval = 5s;
  c.platform_file = "site.xml";
  scenarios::CapacityFailure f;
  f.kind = scenarios::CapacityFailure::Kind::Link;
  f.link = "wan";
  f.at = physiology::SimTime{2h};
  f.length = 5min;
  c.failures = {f};
  s.capacity = c;
  return s;
}

TEST(ScenarioCapacity, NoSectionKeepsTheDefaults) {
  const CapacityModel m = capacity_from(scenarios::Scenario{});
  const CapacityModel d;
  EXPECT_EQ(m.servers, d.servers);
  EXPECT_EQ(m.service_time, d.service_time);
  EXPECT_DOUBLE_EQ(m.wan_bandwidth_bps, d.wan_bandwidth_bps);
  EXPECT_EQ(m.fidelity, Fidelity::Auto);
  EXPECT_TRUE(m.failures.empty());
  EXPECT_TRUE(m.platform_file.empty());
}

TEST(ScenarioCapacity, SectionSetsWhatItNamesOnly) {
  const CapacityModel m = capacity_from(with_section());
  const CapacityModel d;
  EXPECT_EQ(m.servers, 3u);
  EXPECT_EQ(m.workers_per_server, 2u);
  EXPECT_EQ(m.service_time, 400us);
  EXPECT_EQ(m.queue_capacity, 50u);
  EXPECT_EQ(m.aps_per_ward, 5u);
  EXPECT_DOUBLE_EQ(m.wan_bandwidth_bps, 2e8);
  EXPECT_EQ(m.wan_latency, 9ms);
  EXPECT_EQ(m.core_latency, 50us);
  EXPECT_DOUBLE_EQ(m.core_bandwidth_bps, d.core_bandwidth_bps);  // not in the section
  EXPECT_EQ(m.ap_latency, d.ap_latency);
  EXPECT_EQ(m.fidelity, Fidelity::Aggregated);
  EXPECT_EQ(m.aggregate_interval, 5s);
  ASSERT_EQ(m.failures.size(), 1u);
  EXPECT_EQ(m.failures[0], parse_failure("link:wan@2h+5min"));
  EXPECT_EQ(m.platform_file, "plans/site.xml");  // next to the scenario file
  EXPECT_NO_THROW(m.validate());
}

TEST(ScenarioCapacity, CommandLineSettingsOverrideTheSection) {
  CapacityModel m = capacity_from(with_section());
  apply_capacity_setting(m, "servers", "8");
  apply_capacity_setting(m, "devices-per-ap", "25");  // replaces the file's per_ward
  apply_capacity_setting(m, "fail", "server:7@1h");   // adds to the file's failures
  EXPECT_EQ(m.servers, 8u);
  EXPECT_EQ(m.devices_per_ap, 25u);
  EXPECT_EQ(m.aps_per_ward, 0u);
  EXPECT_EQ(m.failures.size(), 2u);
  EXPECT_NO_THROW(m.validate());
}

TEST(ScenarioCapacity, AbsolutePlatformPathStaysAsWritten) {
  auto s = with_section();
  s.capacity->platform_file = "/etc/iomtsim/site.xml";
  EXPECT_EQ(capacity_from(s).platform_file, "/etc/iomtsim/site.xml");
}

SweepPoint point(bool meets) {
  SweepPoint p;
  p.ok = true;
  p.meets = meets;
  return p;
}

TEST(SweepKnee, LoadAxisIsTheLastPassingValueFromTheBottom) {
  EXPECT_TRUE(parse_sweep_axis("devices", "100..1000", 3).load_grows);
  EXPECT_EQ(capacity_knee({point(true), point(true), point(false)}, true), 1u);
  // A pass after a failure is not trusted.
  EXPECT_EQ(capacity_knee({point(true), point(false), point(true)}, true), 0u);
  EXPECT_FALSE(capacity_knee({point(false), point(true)}, true).has_value());
}

TEST(SweepKnee, ResourceAxisIsTheFewestThatPassFromTheTop) {
  for (const char* key : {"servers", "workers", "queue", "wan-bandwidth", "aps-per-ward"})
    EXPECT_FALSE(parse_sweep_axis(key, key == std::string("wan-bandwidth") ? "1Mbps,1Gbps" : "1,4",
                                  2)
                     .load_grows)
        << key;
  EXPECT_TRUE(parse_sweep_axis("service-time", "100us,1ms", 2).load_grows);
  // servers 1, 2, 4, 8: one fails, two or more pass -> 2.
  EXPECT_EQ(capacity_knee({point(false), point(true), point(true), point(true)}, false), 1u);
  // The most servers already fail: no knee.
  EXPECT_FALSE(capacity_knee({point(true), point(false)}, false).has_value());
}

}  // namespace

// A point without episodes has no sensitivity, one without alerts no alert latency: the
// tables say so instead of printing "nan"; a point that shed load says its p99 is unmet.
TEST(SweepTables, FiguresWithoutDataSayNotApplicable) {
  SweepResult r;
  r.axis = parse_sweep_axis("devices", "100..200", 2);
  SweepPoint p = point(true);
  p.value = "100";
  p.ingest_p50_s = 0.012;
  p.ingest_p99_s = 0.25;
  p.alert_p99_s = std::numeric_limits<double>::quiet_NaN();
  p.delivered_fraction = 1.0;
  p.alert_sensitivity = std::numeric_limits<double>::quiet_NaN();
  SweepPoint shed = p;  // refused more than 1 %: the p99 thresholds read is unmet
  shed.value = "200";
  shed.x = 200;
  shed.ingest_p99_unmet = true;
  r.points = {p, shed};
  std::ostringstream console;
  print_sweep(r, console);
  const std::string html = render_sweep_html(r);
  for (const std::string& text : {console.str(), html}) {
    EXPECT_EQ(text.find("nan"), std::string::npos) << text;
    EXPECT_NE(text.find("n/a"), std::string::npos) << text;
    EXPECT_NE(text.find("0.2500"), std::string::npos) << text;
    EXPECT_NE(text.find("unmet"), std::string::npos) << text;
  }
}

// `--stage NAME.FIELD=VALUE` addresses a stage by name: the first is the ingest tier.
TEST(ScenarioCapacity, StageSettingsAddressStagesByName) {
  scenarios::Scenario s;
  scenarios::CapacitySpec c;
  scenarios::CapacityStage api;
  api.name = "api";
  api.count = 2;
  api.workers = 4;
  api.service_time = 2ms;
  scenarios::CapacityStage db;
  db.name = "database";
  db.workers = 2;
  db.service_time = 5ms;
  db.link.latency = 1ms;
  c.stages = {api, db};
  c.servers = 2;
  s.capacity = c;
  auto m = capacity_from(s);
  EXPECT_EQ(m.front_stage, "api");
  EXPECT_EQ(m.servers, 2u);
  EXPECT_EQ(m.workers_per_server, 4u);
  EXPECT_EQ(m.service_time, 2ms);
  ASSERT_EQ(m.downstream.size(), 1u);
  EXPECT_EQ(m.downstream[0].name, "database");
  EXPECT_EQ(m.downstream[0].link_latency, 1ms);
  apply_capacity_setting(m, "stage", "database.workers=8");
  apply_capacity_setting(m, "stage", "database.service-time=3ms");
  apply_capacity_setting(m, "stage", "api.count=5");
  EXPECT_EQ(m.downstream[0].workers, 8u);
  EXPECT_EQ(m.downstream[0].service_time, 3ms);
  EXPECT_EQ(m.servers, 5u);
  // Where each figure came from (report.json's capacity.model).
  EXPECT_EQ(m.sources.at("api.workers"), "scenario");
  EXPECT_EQ(m.sources.at("database.latency"), "scenario");
  EXPECT_EQ(m.sources.at("database.workers"), "command line");
  EXPECT_EQ(m.sources.at("database.service_time"), "command line");
  EXPECT_EQ(m.sources.at("api.count"), "command line");
  EXPECT_FALSE(m.sources.count("database.queue"));  // the default
  EXPECT_NO_THROW(m.validate());
  try {
    apply_capacity_setting(m, "stage", "cache.workers=2");
    FAIL() << "an unknown stage was accepted";
  } catch (const CapacityError& e) {
    EXPECT_NE(std::string(e.what()).find("the stages are api, database"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(apply_capacity_setting(m, "stage", "database.speed=2"), CapacityError);
  EXPECT_THROW(apply_capacity_setting(m, "stage", "database=2"), CapacityError);
  m.downstream[0].workers = 0;
  EXPECT_THROW(m.validate(), CapacityError);
}
