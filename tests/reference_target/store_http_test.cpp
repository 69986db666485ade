// The record through the real HTTP server: readings POSTed (single, transaction, MLLP)
// are searched back by identifier with paging and compared; reads, _lastUpdated polling,
// /metadata, Patient and Device conditional creates (header and batch), batch-response,
// a refused collection, the store queue's back-pressure, and the post-acknowledgement
// faults counted in /metrics and visible in the record.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <set>

#include "iomtsim/payloads/codes.hpp"
#include "iomtsim/payloads/fhir.hpp"
#include "iomtsim/payloads/hl7.hpp"
#include "iomtsim/payloads/mllp.hpp"
#include "support/net.hpp"
#include "support/readings.hpp"
#include "support/target_fixture.hpp"

namespace iomtsim::reference_target {
namespace {

using namespace iomtsim::testing;
using nlohmann::json;
using physiology::Vital;

constexpr std::int64_t kEpochMs = 1'714'550'400'000;  // 2024-05-01T08:00:00Z

auto with_store(std::function<void(TargetConfig&)> more = {}) {
  return start_target([more](TargetConfig& c) {
    c.epoch_unix_ms = kEpochMs;
    c.store.processing_delay = std::chrono::milliseconds(5);
    if (more) more(c);
  });
}

// Every Observation a search finds, following `next` links: (id, resource).
std::vector<json> search_all(HttpClient& client, std::string path) {
  std::vector<json> out;
  for (int pages = 0; pages < 1000; ++pages) {
    auto res = client.request("GET", path);
    EXPECT_TRUE(res);
    if (!res) return out;
    EXPECT_EQ(res->status, 200) << res->body;
    const auto b = json::parse(res->body);
    EXPECT_EQ(b["type"], "searchset");
    for (const auto& e : b["entry"]) out.push_back(e["resource"]);
    std::optional<std::string> next;
    for (const auto& l : b["link"])
      if (l["relation"] == "next") next = l["url"].get<std::string>();
    if (!next) return out;
    path = *next;
  }
  ADD_FAILURE() << "more than 1000 pages";
  return out;
}

TEST(StoreHttp, PostedReadingsAreSearchedBackByIdentifierWithPaging) {
  auto server = with_store();
  HttpClient client(server->ports().http);
  std::vector<physiology::Reading> sent;
  for (std::uint32_t i = 0; i < 30; ++i) {
    sent.push_back(make_reading(i % 3, Vital::HeartRate, 60 + i, 60 + i, i + 1));
    auto res = client.post("/fhir/Observation",
                           payloads::encode_observation(sent.back(), {.epoch_unix_ms = kEpochMs}));
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 201);
  }
  std::vector<physiology::Reading> bundle;
  for (std::uint32_t i = 0; i < 25; ++i)
    bundle.push_back(make_reading(5, Vital::SpO2, 90 + i % 8, 200 + i, 100 + i));
  auto res = client.post("/fhir",
                         payloads::encode_transaction_bundle(bundle, {.epoch_unix_ms = kEpochMs}));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  sent.insert(sent.end(), bundle.begin(), bundle.end());

  ASSERT_TRUE(eventually([&] { return server->snapshot().store_written == sent.size(); }));
  std::string ids;
  for (const auto& r : sent) ids += (ids.empty() ? "" : ",") + std::to_string(r.id);
  const auto found =
      search_all(client, "/fhir/Observation?identifier=urn:iomtsim:reading%7C" + ids + "&_count=7");
  ASSERT_EQ(found.size(), sent.size());
  std::map<std::string, json> by_id;
  for (const auto& o : found) by_id[o["identifier"][0]["value"].get<std::string>()] = o;
  ASSERT_EQ(by_id.size(), sent.size());  // each once
  for (const auto& r : sent) {
    const auto& o = by_id.at(std::to_string(r.id));
    EXPECT_EQ(o["subject"]["reference"], "Patient/p" + std::to_string(r.patient));
    EXPECT_EQ(o["code"]["coding"][0]["code"], std::string(payloads::codes(r.vital).loinc));
    EXPECT_DOUBLE_EQ(o["valueQuantity"]["value"].get<double>(), r.value);
    EXPECT_EQ(o["effectiveDateTime"], payloads::format_fhir_instant(r.device_time, kEpochMs));
    // The id the 201 named reads it back.
    auto read = client.request("GET", "/fhir/Observation/" + o["id"].get<std::string>());
    ASSERT_TRUE(read);
    EXPECT_EQ(read->status, 200);
  }
  // Polling by _lastUpdated from the last seen finds nothing more, and then what comes.
  std::string last;
  for (const auto& o : found) last = std::max(last, o["meta"]["lastUpdated"].get<std::string>());
  EXPECT_TRUE(search_all(client, "/fhir/Observation?_lastUpdated=gt" + last).empty());
  const auto later = make_reading(9, Vital::RespRate, 18, 500, 1);
  ASSERT_EQ(client
                .post("/fhir/Observation",
                      payloads::encode_observation(later, {.epoch_unix_ms = kEpochMs}))
                ->status,
            201);
  ASSERT_TRUE(eventually([&] { return server->snapshot().store_written == sent.size() + 1; }));
  const auto polled = search_all(client, "/fhir/Observation?_lastUpdated=gt" + last);
  ASSERT_EQ(polled.size(), 1u);
  EXPECT_EQ(polled[0]["id"], std::to_string(later.id));
}

TEST(StoreHttp, HL7ReadingsReachTheRecordToo) {
  auto server = with_store();
  std::vector<physiology::Reading> rs = {make_reading(4, Vital::HeartRate, 77, 30, 1),
                                         make_reading(4, Vital::RespRate, 15, 30, 2)};
  payloads::Hl7Options o;
  o.epoch_unix_ms = kEpochMs;
  TcpClient mllp(server->ports().mllp);
  ASSERT_TRUE(mllp.send_all(payloads::mllp_frame(payloads::encode_oru_r01(rs, o))));
  ASSERT_TRUE(eventually([&] { return server->snapshot().store_written == 2; }));
  HttpClient client(server->ports().http);
  const auto found = search_all(client, "/fhir/Observation?subject=Patient/p4");
  ASSERT_EQ(found.size(), 2u);
}

TEST(StoreHttp, MetadataListsWhatIsServed) {
  auto server = with_store();
  HttpClient client(server->ports().http);
  auto res = client.request("GET", "/fhir/metadata");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  const auto cap = json::parse(res->body);
  EXPECT_EQ(cap["resourceType"], "CapabilityStatement");
  EXPECT_EQ(cap["fhirVersion"], "4.0.1");
  std::set<std::string> types, obs_params;
  for (const auto& r : cap["rest"][0]["resource"]) {
    types.insert(r["type"].get<std::string>());
    if (r["type"] == "Observation")
      for (const auto& p : r["searchParam"]) obs_params.insert(p["name"].get<std::string>());
  }
  for (const char* t : {"Observation", "Patient", "Device", "Flag"})
    EXPECT_TRUE(types.count(t)) << t;
  for (const char* p : {"identifier", "code", "subject", "date", "_lastUpdated", "_count"})
    EXPECT_TRUE(obs_params.count(p)) << p;
}

TEST(StoreHttp, ConditionalCreateOfAPatientTwiceGivesOnePatient) {
  auto server = with_store();
  HttpClient client(server->ports().http);
  const std::string patient =
      R"({"resourceType":"Patient","identifier":[{"system":"urn:test:mrn","value":"77"}]})";
  const std::string cond =
      "If-None-Exist: identifier=urn:test:mrn|77\r\nContent-Type: application/fhir+json\r\n";
  auto first = client.request("POST", "/fhir/Patient", patient, cond);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 201) << first->body;
  auto second = client.request("POST", "/fhir/Patient", patient, cond);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(second->header("location"), first->header("location"));
  auto found = client.request("GET", "/fhir/Patient?identifier=urn:test:mrn%7C77");
  ASSERT_TRUE(found);
  EXPECT_EQ(json::parse(found->body)["entry"].size(), 1u);

  // The same through a batch, as provisioning sends it: still one, and a Device with it.
  const json batch = {
      {"resourceType", "Bundle"},
      {"type", "batch"},
      {"entry",
       json::array(
           {{{"resource", json::parse(patient)},
             {"request",
              {{"method", "POST"},
               {"url", "Patient"},
               {"ifNoneExist", "identifier=urn:test:mrn|77"}}}},
            {{"resource",
              {{"resourceType", "Device"},
               {"identifier", json::array({{{"system", "urn:test:dev"}, {"value", "d1"}}})}}},
             {"request",
              {{"method", "POST"},
               {"url", "Device"},
               {"ifNoneExist", "identifier=urn:test:dev|d1"}}}},
            {{"request", {{"method", "GET"}, {"url", "Patient?identifier=urn:test:mrn|77"}}}},
            {{"request", {{"method", "DELETE"}, {"url", "Patient/x"}}}}})}};
  auto res = client.post("/fhir", batch.dump());
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const auto b = json::parse(res->body);
  EXPECT_EQ(b["type"], "batch-response");
  ASSERT_EQ(b["entry"].size(), 4u);
  EXPECT_EQ(b["entry"][0]["response"]["status"], "200 OK");
  EXPECT_EQ(b["entry"][1]["response"]["status"], "201 Created");
  EXPECT_EQ(b["entry"][2]["response"]["status"], "200 OK");
  EXPECT_EQ(b["entry"][2]["resource"]["entry"].size(), 1u);
  EXPECT_EQ(b["entry"][3]["response"]["status"], "405 Method Not Allowed");
  found = client.request("GET", "/fhir/Patient?identifier=urn:test:mrn%7C77");
  EXPECT_EQ(json::parse(found->body)["entry"].size(), 1u);
}

TEST(StoreHttp, BatchOfObservationsIsAnsweredEntryByEntry) {
  auto server = with_store();
  HttpClient client(server->ports().http);
  const auto good = make_reading(2, Vital::HeartRate, 70, 10, 1);
  json batch = {{"resourceType", "Bundle"}, {"type", "batch"}, {"entry", json::array()}};
  batch["entry"].push_back(
      {{"resource", json::parse(payloads::encode_observation(good, {.epoch_unix_ms = kEpochMs}))},
       {"request", {{"method", "POST"}, {"url", "Observation"}}}});
  batch["entry"].push_back({{"resource", {{"resourceType", "Observation"}}},
                            {"request", {{"method", "POST"}, {"url", "Observation"}}}});
  auto res = client.post("/fhir", batch.dump());
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  const auto b = json::parse(res->body);
  EXPECT_EQ(b["type"], "batch-response");
  EXPECT_EQ(b["entry"][0]["response"]["status"], "201 Created");
  EXPECT_EQ(b["entry"][0]["response"]["location"],
            "Observation/" + std::to_string(good.id) + "/_history/1");
  EXPECT_EQ(b["entry"][1]["response"]["status"], "400 Bad Request");
  EXPECT_EQ(b["entry"][1]["response"]["outcome"]["resourceType"], "OperationOutcome");
  EXPECT_TRUE(eventually([&] { return server->snapshot().store_written == 1; }));

  // A transaction stays a transaction; a collection is refused.
  auto tx = client.post(
      "/fhir", payloads::encode_transaction_bundle(std::vector{good}, {.epoch_unix_ms = kEpochMs}));
  EXPECT_EQ(json::parse(tx->body)["type"], "transaction-response");
  json collection = json::parse(
      payloads::encode_transaction_bundle(std::vector{good}, {.epoch_unix_ms = kEpochMs}));
  collection["type"] = "collection";
  auto refused = client.post("/fhir", collection.dump());
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400);
  EXPECT_EQ(json::parse(refused->body)["resourceType"], "OperationOutcome");
}

TEST(StoreHttp, AFullStoreQueueIsRefusedWithRetryAfter) {
  auto server = with_store([](TargetConfig& c) {
    c.store.queue_bound = 3;
    c.store.processing_delay = std::chrono::seconds(30);  // nothing leaves the queue
    c.http.queue_full_status = 503;
  });
  HttpClient client(server->ports().http);
  for (std::uint32_t i = 0; i < 3; ++i)
    ASSERT_EQ(client
                  .post("/fhir/Observation", payloads::encode_observation(
                                                 make_reading(1, Vital::HeartRate, 70, i, i + 1)))
                  ->status,
              201);
  auto res = client.post("/fhir/Observation",
                         payloads::encode_observation(make_reading(1, Vital::HeartRate, 70, 9, 9)));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_FALSE(res->header("retry-after").empty());
  EXPECT_EQ(server->snapshot().store_queue_depth, 3u);
  EXPECT_EQ(server->snapshot().count(Protocol::Http, Outcome::QueueFull), 1u);
}

TEST(StoreHttp, PostAckFaultsAreCountedAndShowInTheRecord) {
  auto server = with_store([](TargetConfig& c) {
    c.faults.after_ack.drop_fraction = 0.1;
    c.faults.after_ack.delay_fraction = 0.1;
    c.faults.after_ack.delay = std::chrono::milliseconds(300);
    c.faults.after_ack.duplicate_fraction = 0.1;
    c.faults.after_ack.alter_fraction = 0.2;
    c.faults.after_ack.seed = 3;
  });
  HttpClient client(server->ports().http);
  std::vector<physiology::Reading> sent;
  for (std::uint32_t b = 0; b < 10; ++b) {
    std::vector<physiology::Reading> batch;
    for (std::uint32_t i = 0; i < 40; ++i)
      batch.push_back(
          make_reading(2 * (i % 5), Vital::HeartRate, 70 + i % 9, b * 40 + i, b * 40 + i + 1));
    ASSERT_EQ(
        client
            .post("/fhir", payloads::encode_transaction_bundle(batch, {.epoch_unix_ms = kEpochMs}))
            ->status,
        200);
    sent.insert(sent.end(), batch.begin(), batch.end());
  }
  const auto counted = [&](const char* f) { return server->snapshot().store_fault(f); };
  const std::uint64_t dropped = counted("drop"), duplicated = counted("duplicate");
  ASSERT_TRUE(eventually(
      [&] { return server->snapshot().store_written == sent.size() - dropped + duplicated; }));
  // /metrics says the same as the snapshot.
  auto metrics = client.request("GET", "/metrics");
  ASSERT_TRUE(metrics);
  for (const char* f : {"drop", "delay", "duplicate", "alter_value", "alter_unit", "alter_code",
                        "alter_subject", "alter_effective"})
    EXPECT_EQ(
        prometheus_value(metrics->body,
                         std::string("iomtsim_target_store_faults_total{fault=\"") + f + "\"}"),
        static_cast<double>(counted(f)))
        << f;
  EXPECT_GT(dropped, 10u);
  EXPECT_GT(duplicated, 10u);
  EXPECT_GT(counted("delay"), 10u);

  const auto found = search_all(client, "/fhir/Observation?_count=100");
  std::map<std::string, int> copies;
  std::uint64_t changed_value = 0, changed_unit = 0, changed_code = 0, changed_subject = 0,
                changed_time = 0;
  std::map<std::string, physiology::Reading> by_id;
  for (const auto& r : sent) by_id[std::to_string(r.id)] = r;
  for (const auto& o : found) {
    const auto id = o["identifier"][0]["value"].get<std::string>();
    ++copies[id];
    const auto& r = by_id.at(id);
    if (o["valueQuantity"]["value"].get<double>() != r.value) ++changed_value;
    if (o["valueQuantity"]["code"] != std::string(payloads::codes(r.vital).ucum)) ++changed_unit;
    if (o["code"]["coding"][0]["code"] != std::string(payloads::codes(r.vital).loinc))
      ++changed_code;
    if (o["subject"]["reference"] != "Patient/p" + std::to_string(r.patient)) ++changed_subject;
    if (o["effectiveDateTime"] != payloads::format_fhir_instant(r.device_time, kEpochMs))
      ++changed_time;
  }
  std::uint64_t missing = 0, twice = 0;
  for (const auto& r : sent) {
    const auto n = copies[std::to_string(r.id)];
    missing += n == 0;
    twice += n == 2;
  }
  EXPECT_EQ(missing, dropped);
  EXPECT_EQ(twice, duplicated);
  EXPECT_EQ(changed_value, counted("alter_value"));
  EXPECT_EQ(changed_unit, counted("alter_unit"));
  EXPECT_EQ(changed_code, counted("alter_code"));
  EXPECT_EQ(changed_subject, counted("alter_subject"));
  EXPECT_EQ(changed_time, counted("alter_effective"));
}

TEST(StoreHttp, AcceptsWhatDevicesAndGatewaysSend) {
  auto server = with_store();
  HttpClient client(server->ports().http);
  const std::string hr = R"({"system":"http://loinc.org","code":"8867-4"})";
  auto obs = [&](const std::string& subject, const std::string& extra, const std::string& id) {
    return R"({"resourceType":"Observation","status":"final","identifier":[{"system":"urn:iomtsim:reading","value":")" +
           id + R"("}],"code":{"coding":[)" + hr + R"(]},"subject":)" + subject + extra +
           R"(,"valueQuantity":{"value":80,"unit":"/min","system":"http://unitsofmeasure.org","code":"/min"}})";
  };
  // Any Patient id, a device by server id, an offset time.
  auto res = client.post(
      "/fhir/Observation",
      obs(R"({"reference":"Patient/abc-123"})",
          R"(,"device":{"reference":"Device/dev-9"},"effectiveDateTime":"2024-05-01T10:00:00+02:00")",
          "101"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 201) << res->body;
  // A date-only time.
  res = client.post("/fhir/Observation", obs(R"({"reference":"Patient/abc-123"})",
                                             R"(,"effectiveDateTime":"2024-05-01")", "102"));
  EXPECT_EQ(res->status, 201) << res->body;
  // A subject by identifier: the Patient created with it.
  auto created = client.request(
      "POST", "/fhir/Patient",
      R"({"resourceType":"Patient","identifier":[{"system":"urn:mrn","value":"M7"}]})",
      "Content-Type: application/fhir+json\r\n");
  ASSERT_EQ(created->status, 201);
  const auto patient_id = json::parse(created->body)["id"].get<std::string>();
  res = client.post("/fhir/Observation",
                    obs(R"({"identifier":{"system":"urn:mrn","value":"M7"}})",
                        R"(,"effectiveDateTime":"2024-05-01T08:00:00Z")", "103"));
  EXPECT_EQ(res->status, 201) << res->body;
  res = client.post("/fhir/Observation",
                    obs(R"({"identifier":{"system":"urn:mrn","value":"nobody"}})",
                        R"(,"effectiveDateTime":"2024-05-01T08:00:00Z")", "104"));
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("matches no Patient"), std::string::npos);
  // The blood-pressure panel with its components.
  const std::string panel =
      R"({"resourceType":"Observation","status":"final","identifier":[{"system":"urn:iomtsim:reading","value":"105"}],)"
      R"("code":{"coding":[{"system":"http://loinc.org","code":"85354-9"}]},"subject":{"reference":"Patient/p8"},)"
      R"("effectiveDateTime":"2024-05-01T08:00:05Z","component":[)"
      R"({"code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},"valueQuantity":{"value":121,"unit":"mmHg","system":"http://unitsofmeasure.org","code":"mm[Hg]"}},)"
      R"({"code":{"coding":[{"system":"http://loinc.org","code":"8462-4"}]},"valueQuantity":{"value":79,"unit":"mmHg","system":"http://unitsofmeasure.org","code":"mm[Hg]"}}]})";
  res = client.post("/fhir/Observation", panel);
  EXPECT_EQ(res->status, 201) << res->body;
  ASSERT_TRUE(eventually([&] { return server->snapshot().store_written == 5; }));

  const auto by_name = search_all(client, "/fhir/Observation?subject=Patient/abc-123");
  ASSERT_EQ(by_name.size(), 2u);
  EXPECT_EQ(by_name[0]["subject"]["reference"], "Patient/abc-123");
  EXPECT_EQ(by_name[0]["effectiveDateTime"], "2024-05-01T08:00:00.000Z");
  EXPECT_EQ(by_name[1]["effectiveDateTime"], "2024-05-01T00:00:00.000Z");
  const auto by_identifier = search_all(client, "/fhir/Observation?identifier=103");
  ASSERT_EQ(by_identifier.size(), 1u);
  EXPECT_EQ(by_identifier[0]["subject"]["reference"], "Patient/" + patient_id);
  const auto bp = search_all(client, "/fhir/Observation?identifier=105");
  ASSERT_EQ(bp.size(), 2u);
  std::set<std::string> codes;
  for (const auto& o : bp) codes.insert(o["code"]["coding"][0]["code"].get<std::string>());
  EXPECT_EQ(codes, (std::set<std::string>{"8480-6", "8462-4"}));
}

TEST(StoreHttp, WithoutAStoreTheReadEndpointsSaySo) {
  auto server = start_target([](TargetConfig& c) { c.store.enabled = false; });
  HttpClient client(server->ports().http);
  auto res = client.request("GET", "/fhir/Observation?identifier=1");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  ASSERT_EQ(client
                .post("/fhir/Observation",
                      payloads::encode_observation(make_reading(1, Vital::HeartRate, 70, 1, 1)))
                ->status,
            201);
}

}  // namespace
}  // namespace iomtsim::reference_target
