// The `capacity:` section: values with units, defaults left unset, errors where they are,
// `explain` in words, the schema, and --set reaching into it.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "iomtsim/scenarios/explain.hpp"
#include "iomtsim/scenarios/loader.hpp"
#include "iomtsim/scenarios/schema.hpp"
#include "iomtsim/scenarios/units.hpp"

using namespace iomtsim::scenarios;
using namespace std::chrono_literals;

namespace {

const std::string kHead = R"(metadata: {name: cap, duration: 6h}
cohorts:
  - {name: ward, count: 10, archetype: post_operative_adult, ward: w1}
)";

const std::string kFull = kHead + R"(capacity:
  access_points: {devices_per_ap: 25, bandwidth: 54 Mbps, latency: 2 ms}
  core_switch: {bandwidth: 10 Gbps, latency: 100 us}
  wan: {bandwidth: 500 Mbps, latency: 8 ms}
  load_balancer: {failover_after: 3s}
  servers:
    count: 4
    workers: 8
    service_time: 400 us
    queue: 500
    link: {bandwidth: 25 Gbps, latency: 0.05 ms}
  alert_delivery: 50 ms
  fidelity: aggregated
  aggregate_above: 20000
  aggregate_interval: 5s
  drain: 1 min
  failures:
    - {server: 3, at: 3h, for: 10 min}
    - {link: wan, at: 2h}
)";

std::vector<std::string> messages(const LoadResult& r) {
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics)
    out.push_back(std::to_string(d.where.line) + ":" + std::to_string(d.where.column) + ": " +
                  d.message);
  return out;
}

TEST(Capacity, EverySettingIsReadInItsUnit) {
  const auto r = load_string(kFull, "cap.yaml");
  ASSERT_TRUE(r.ok()) << (r.diagnostics.empty() ? "" : format_diagnostic(r.diagnostics[0]));
  ASSERT_TRUE(r.scenario->capacity.has_value());
  const CapacitySpec& c = *r.scenario->capacity;
  EXPECT_EQ(c.devices_per_ap, 25u);
  EXPECT_FALSE(c.aps_per_ward);
  EXPECT_DOUBLE_EQ(*c.ap_link.bandwidth_bps, 54e6);
  EXPECT_EQ(*c.ap_link.latency, 2ms);
  EXPECT_DOUBLE_EQ(*c.core.bandwidth_bps, 10e9);
  EXPECT_EQ(*c.core.latency, 100us);
  EXPECT_DOUBLE_EQ(*c.wan.bandwidth_bps, 500e6);
  EXPECT_EQ(*c.wan.latency, 8ms);
  EXPECT_EQ(*c.lb_detection, 3s);
  EXPECT_EQ(c.servers, 4u);
  EXPECT_EQ(c.workers_per_server, 8u);
  EXPECT_EQ(*c.service_time, 400us);
  EXPECT_EQ(c.queue_capacity, 500u);
  EXPECT_DOUBLE_EQ(*c.server_link.bandwidth_bps, 25e9);
  EXPECT_EQ(*c.server_link.latency, 50us);
  EXPECT_EQ(*c.alert_delivery, 50ms);
  EXPECT_EQ(c.fidelity, CapacityFidelity::Aggregated);
  EXPECT_EQ(c.aggregate_above_devices, 20000u);
  EXPECT_EQ(*c.aggregate_interval, 5s);
  EXPECT_EQ(*c.drain, 60s);
  ASSERT_EQ(c.failures.size(), 2u);
  EXPECT_EQ(c.failures[0].kind, CapacityFailure::Kind::Server);
  EXPECT_EQ(c.failures[0].server, 3u);
  EXPECT_EQ(c.failures[0].at, SimTime{3h});
  EXPECT_EQ(c.failures[0].length, Duration{10min});
  EXPECT_EQ(c.failures[1].kind, CapacityFailure::Kind::Link);
  EXPECT_EQ(c.failures[1].link, "wan");
  EXPECT_EQ(c.failures[1].at, SimTime{2h});
  EXPECT_FALSE(c.failures[1].length);
}

TEST(Capacity, AbsentSectionAndUnsetFieldsStayUnset) {
  const auto none = load_string(kHead, "cap.yaml");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none.scenario->capacity.has_value());
  const auto some = load_string(kHead + "capacity: {servers: {count: 2}}\n", "cap.yaml");
  ASSERT_TRUE(some.ok());
  const CapacitySpec& c = *some.scenario->capacity;
  EXPECT_EQ(c.servers, 2u);
  EXPECT_FALSE(c.workers_per_server);
  EXPECT_FALSE(c.wan.bandwidth_bps);
  EXPECT_FALSE(c.fidelity);
  EXPECT_TRUE(c.failures.empty());
}

TEST(Capacity, OverridesReachIntoTheSection) {
  const auto r = load_string(
      kFull, "cap.yaml",
      {"capacity.servers.count=6", "capacity.failures=[]", "capacity.wan.bandwidth=2 Gbps"});
  ASSERT_TRUE(r.ok()) << (r.diagnostics.empty() ? "" : format_diagnostic(r.diagnostics[0]));
  EXPECT_EQ(r.scenario->capacity->servers, 6u);
  EXPECT_TRUE(r.scenario->capacity->failures.empty());
  EXPECT_DOUBLE_EQ(*r.scenario->capacity->wan.bandwidth_bps, 2e9);
}

TEST(Capacity, ErrorsPointAtTheirValue) {
  const auto r = load_string(kHead + R"(capacity:
  servers: {count: 2, service_time: 250}
  wan: {bandwidth: 1 Gbit, latency: 5 ms}
  access_points: {devices_per_ap: 40, per_ward: 3}
  fidelity: per-reading
  failures:
    - {server: 2, at: 1h}
    - {link: wam, at: 1h}
    - {at: 1h}
    - {server: 0, at: 7h}
)",
                             "cap.yaml");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(
      messages(r),
      (std::vector<std::string>{
          "5:37: servers.service_time: missing unit: expected a duration such as '90s', "
          "'15 min' or '2h'",
          "6:22: wan.bandwidth: wrong unit 'Gbit': expected a bandwidth in bps, kbps, Mbps, Gbps",
          "7:49: give either 'devices_per_ap' or 'per_ward', not both",
          "8:13: unknown fidelity 'per-reading' (did you mean 'per_reading'? expected one of: "
          "auto, "
          "per_reading, aggregated)",
          "10:16: server 2 does not exist: there are 2 servers, numbered from 0",
          "11:14: unknown link 'wam': the built platform has wan, core, ap<k> and server<j> "
          "(an XML 'platform' may name others)",
          "12:7: a failure names either a 'server' or a 'link'",
          "13:23: the failure starts after the run ends (metadata.duration)",
      }));
}

TEST(Capacity, XmlPlatformAllowsItsOwnLinkNames) {
  const auto r = load_string(
      kHead + "capacity: {platform: net.xml, failures: [{link: uplink_3, at: 1h, for: 5 min}]}\n",
      "cap.yaml");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.scenario->capacity->platform_file, "net.xml");
  EXPECT_EQ(r.scenario->capacity->failures.at(0).link, "uplink_3");
}

TEST(Capacity, MicrosecondsAreADuration) {
  EXPECT_DOUBLE_EQ(*parse_quantity("250us", QuantityKind::TimeSpan).value, 250e-6);
  EXPECT_DOUBLE_EQ(*parse_quantity("250 \xC2\xB5s", QuantityKind::TimeSpan).value, 250e-6);
}

TEST(Capacity, ExplainSaysItInWords) {
  const auto r = load_string(kFull, "cap.yaml");
  ASSERT_TRUE(r.ok());
  const std::string text = explain(*r.scenario);
  for (const char* want : {
           "Capacity model (simulated-time runs",
           "access points: one per 25 devices of a ward, each on a link of 54 Mbit/s, 2 ms one way",
           "core switch: 10 Gbit/s, 100 us one way",
           "WAN link: 500 Mbit/s, 8 ms one way",
           "ingest servers: 4 behind a load balancer, 8 workers each, 400 us of work per reading, "
           "rejecting readings when 500 are already waiting; each on a link of 25 Gbit/s, 50 us "
           "one way",
           "a failed server still gets traffic for 3 s",
           "fidelity: aggregated, one communication per access point every 5 s",
           "failure: server 3 goes down at 3 h for 10 min",
           "failure: link wan goes down at 2 h until the end of the run",
       })
    EXPECT_NE(text.find(want), std::string::npos) << want << "\n--- in ---\n" << text;
  // A scenario without the section says nothing about it.
  const auto plain = load_string(kHead, "cap.yaml");
  EXPECT_EQ(explain(*plain.scenario).find("Capacity model"), std::string::npos);
}

TEST(Capacity, SchemaDescribesTheSection) {
  const auto j = nlohmann::json::parse(json_schema());
  ASSERT_TRUE(j["properties"].contains("capacity"));
  const auto& defs = j["$defs"];
  ASSERT_TRUE(defs.contains("capacity"));
  for (const char* k : {"access_points", "core_switch", "wan", "load_balancer", "servers",
                        "fidelity", "failures", "platform"})
    EXPECT_TRUE(defs["capacity"]["properties"].contains(k)) << k;
  EXPECT_EQ(defs["capacity"]["properties"]["fidelity"]["enum"],
            nlohmann::json::array({"auto", "per_reading", "aggregated"}));
  EXPECT_EQ(defs["capacity_failure"]["required"], nlohmann::json::array({"at"}));
  EXPECT_TRUE(defs["servers"]["properties"].contains("service_time"));
}

}  // namespace

namespace {

// Issue 22: the start of the devices, the warm-up and a service-time distribution.
TEST(Capacity, StartWarmUpAndServiceDistribution) {
  const auto r = load_string(kHead + R"(capacity:
  servers: {count: 2, workers: 4, service_time: {exponential: 8 ms}}
  start: synchronised
  warm_up: 5 min
)",
                             "cap.yaml");
  ASSERT_TRUE(r.ok()) << (r.diagnostics.empty() ? "" : format_diagnostic(r.diagnostics[0]));
  const auto& c = *r.scenario->capacity;
  EXPECT_TRUE(c.synchronised_start);
  EXPECT_EQ(c.warm_up, std::chrono::minutes(5));
  ASSERT_TRUE(c.service_distribution.has_value());
  EXPECT_EQ(c.service_distribution->kind, iomtsim::physiology::Distribution::Kind::Exponential);
  EXPECT_DOUBLE_EQ(c.service_distribution->a, 0.008);
  EXPECT_EQ(c.service_time, std::chrono::milliseconds(8));
  const std::string text = explain(*r.scenario);
  EXPECT_NE(text.find("devices start together"), std::string::npos) << text;
  EXPECT_NE(text.find("warm-up"), std::string::npos) << text;

  const auto plain = load_string(kHead + "capacity: {servers: {service_time: 2 ms}}\n", "cap.yaml");
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain.scenario->capacity->synchronised_start);
  EXPECT_FALSE(plain.scenario->capacity->service_distribution.has_value());
  EXPECT_FALSE(plain.scenario->capacity->warm_up.has_value());

  const auto bad = load_string(kHead + "capacity: {start: together, warm_up: 7h}\n", "cap.yaml");
  EXPECT_FALSE(bad.ok());
  const auto m = messages(bad);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_NE(m[0].find("together"), std::string::npos) << m[0];
  EXPECT_NE(m[1].find("warm_up covers the whole run"), std::string::npos) << m[1];
}

}  // namespace

namespace {

// Issue 22: the pipeline as stages.
TEST(Capacity, StagesDescribeThePipelineInOrder) {
  const auto r = load_string(kHead + R"(capacity:
  stages:
    - {name: api, count: 2, workers: 4, service_time: 2 ms, queue: 500}
    - {name: broker, service_time: 100 us, link: {latency: 1 ms}}
    - {name: processor, count: 2, workers: 2, service_time: {exponential: 1 ms}}
    - {name: database, workers: 8, service_time: 5 ms}
  failures:
    - {server: 1, at: 1h, for: 5 min}
)",
                             "cap.yaml");
  ASSERT_TRUE(r.ok()) << (r.diagnostics.empty() ? "" : format_diagnostic(r.diagnostics[0]));
  const auto& c = *r.scenario->capacity;
  ASSERT_EQ(c.stages.size(), 4u);
  EXPECT_EQ(c.stages[0].name, "api");
  EXPECT_EQ(c.stages[0].count, 2u);
  EXPECT_EQ(c.stages[0].queue_capacity, 500u);
  EXPECT_EQ(c.stages[1].count, 1u);  // defaults: one instance of one worker
  EXPECT_EQ(c.stages[1].workers, 1u);
  EXPECT_EQ(c.stages[1].link.latency, 1ms);
  ASSERT_TRUE(c.stages[2].service_distribution.has_value());
  EXPECT_EQ(c.stages[2].service_time, 1ms);
  EXPECT_EQ(c.stages[3].service_time, 5ms);
  EXPECT_EQ(c.servers, 2u);  // the first stage's instances, which failures name
  const std::string text = explain(*r.scenario);
  EXPECT_NE(text.find("4 stages"), std::string::npos) << text;
  EXPECT_NE(text.find("4. database: 1 instance of 8 workers"), std::string::npos) << text;
}

TEST(Capacity, StageMistakesAreNamedWhereTheyAre) {
  const auto both = load_string(kHead + R"(capacity:
  servers: {count: 2}
  stages:
    - {name: api, service_time: 2 ms}
)",
                                "cap.yaml");
  ASSERT_FALSE(both.ok());
  EXPECT_NE(messages(both)[0].find("either 'servers'"), std::string::npos) << messages(both)[0];
  EXPECT_EQ(both.diagnostics[0].where.line, 7);  // at the stages

  const auto bad = load_string(kHead + R"(capacity:
  stages:
    - {name: api, service_time: 2 ms}
    - {name: api, service_time: 1 ms}
    - {name: "data base", service_time: 1 ms}
    - {name: db, workers: 0, service_time: 1 ms}
    - {name: cache}
    - {name: queue, service_time: 1 ms, link: {bandwidth: 1 Gbps}}
)",
                               "cap.yaml");
  ASSERT_FALSE(bad.ok());
  const auto m = messages(bad);
  const auto has = [&](const std::string& what) {
    return std::any_of(m.begin(), m.end(),
                       [&](const std::string& x) { return x.find(what) != std::string::npos; });
  };
  EXPECT_TRUE(has("stage 'api' is named twice"));
  EXPECT_TRUE(has("stage name 'data base'"));
  EXPECT_TRUE(has("workers"));
  EXPECT_TRUE(has("service_time"));  // required
  EXPECT_TRUE(has("only the first stage's link has a bandwidth"));
  EXPECT_EQ(m.size(), 5u) << ::testing::PrintToString(m);
}

}  // namespace
