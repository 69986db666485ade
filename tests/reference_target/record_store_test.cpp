// The record on its own (no sockets): search parameters as parsed, the SQLite store's
// search (identifier tokens, code, subject, date and _lastUpdated prefixes, paging in a
// stable order), reads, conditional create, retention, and the post-acknowledgement
// fault decisions.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

#include "fhir_search.hpp"
#include "iomtsim/payloads/fhir_alerts.hpp"
#include "record_store.hpp"
#include "store_writer.hpp"

namespace iomtsim::reference_target {
namespace {

using nlohmann::json;
using physiology::Vital;

constexpr std::int64_t kEpochMs = 1'714'550'400'000;  // 2024-05-01T08:00:00Z

physiology::Reading reading(std::uint32_t patient, Vital v, double value, int seconds,
                            std::uint32_t seq) {
  physiology::Reading r;
  r.id = physiology::make_reading_id(patient, 0, seq);
  r.patient = patient;
  r.vital = v;
  r.value = value;
  r.device_time = physiology::at_seconds(seconds);
  return r;
}

StoredReading stored(const physiology::Reading& r) { return StoredReading{r, 0, false, false}; }

json search(const RecordStore& store, const std::string& q) {
  const auto a = store.search_observations(q);
  EXPECT_EQ(a.status, 200u) << q << ": " << a.body;
  return json::parse(a.body);
}

std::vector<std::string> ids_of(const json& bundle) {
  std::vector<std::string> out;
  for (const auto& e : bundle["entry"]) out.push_back(e["resource"]["id"].get<std::string>());
  return out;
}

std::optional<std::string> next_link(const json& bundle) {
  for (const auto& l : bundle["link"])
    if (l["relation"] == "next") return l["url"].get<std::string>();
  return std::nullopt;
}

struct StoreFixture : ::testing::Test {
  StoreConfig cfg;
  std::unique_ptr<RecordStore> store;
  void SetUp() override { store = std::make_unique<RecordStore>(cfg, "/fhir", kEpochMs, nullptr); }
  void put(const std::vector<physiology::Reading>& rs) {
    std::vector<StoredReading> batch;
    for (const auto& r : rs) batch.push_back(stored(r));
    std::uint64_t evicted = 0;
    ASSERT_EQ(store->write(batch, evicted), rs.size());
  }
};

TEST(FhirSearch, DateRangesFollowThePrecisionGiven) {
  const auto day = parse_fhir_date_range("2024-05-01");
  ASSERT_TRUE(day);
  EXPECT_EQ(day->start_ns, kEpochMs * 1'000'000 - 8 * 3600 * 1'000'000'000LL);
  EXPECT_EQ(day->end_ns - day->start_ns, 86'400'000'000'000LL);
  const auto instant = parse_fhir_date_range("2024-05-01T08:00:00.123456Z");
  ASSERT_TRUE(instant);
  EXPECT_EQ(instant->start_ns, kEpochMs * 1'000'000 + 123'456'000);
  EXPECT_EQ(instant->end_ns - instant->start_ns, 1000);
  const auto offset = parse_fhir_date_range("2024-05-01T10:00:00+02:00");
  ASSERT_TRUE(offset);
  EXPECT_EQ(offset->start_ns, kEpochMs * 1'000'000);
  EXPECT_EQ(parse_fhir_date_range("2024-05")->end_ns - parse_fhir_date_range("2024-05")->start_ns,
            31 * 86'400'000'000'000LL);
  EXPECT_FALSE(parse_fhir_date_range("2024-13-01"));
  EXPECT_FALSE(parse_fhir_date_range("yesterday"));
  EXPECT_FALSE(parse_fhir_date_range("2024-05-01T08:00:00Q"));
}

TEST(FhirSearch, ParsesTokensPrefixesAndRefusesWhatItCannotServe) {
  const auto p = parse_search(
      "identifier=urn%3Aiomtsim%3Areading%7C17,18&code=8867-4&date=ge2024-05-01&date=lt2024-05-02"
      "&_lastUpdated=gt2024-05-01T08:00:00.000001Z&_count=5",
      {"identifier", "code", "subject", "date"});
  ASSERT_EQ(p.error, "");
  ASSERT_EQ(p.query.identifiers.size(), 2u);
  EXPECT_EQ(p.query.identifiers[0], (Token{"urn:iomtsim:reading", "17"}));
  EXPECT_EQ(p.query.identifiers[1], (Token{std::nullopt, "18"}));
  EXPECT_EQ(p.query.codes[0], (Token{std::nullopt, "8867-4"}));
  ASSERT_EQ(p.query.dates.size(), 2u);
  EXPECT_EQ(p.query.dates[0].prefix, TimeConstraint::Prefix::Ge);
  EXPECT_EQ(p.query.dates[1].prefix, TimeConstraint::Prefix::Lt);
  EXPECT_EQ(p.query.last_updated[0].prefix, TimeConstraint::Prefix::Gt);
  EXPECT_EQ(p.query.count, 5u);
  EXPECT_EQ(parse_token("|x"), (Token{"", "x"}));
  EXPECT_EQ(parse_token("sys|"), (Token{"sys", ""}));

  EXPECT_NE(parse_search("colour=red", {"identifier"}).error, "");
  EXPECT_NE(parse_search("_count=many", {}).error, "");
  EXPECT_NE(parse_search("_lastUpdated=gtnever", {}).error, "");
  EXPECT_NE(parse_search("identifier:missing=true", {"identifier"}).error, "");
  EXPECT_NE(parse_search("_sort=-date", {}).error, "");
}

TEST(FhirSearch, PrefixesMatchTheFhirRanges) {
  TimeConstraint c{TimeConstraint::Prefix::Gt, 100, 200};
  EXPECT_FALSE(c.matches(150));
  EXPECT_TRUE(c.matches(200));
  c.prefix = TimeConstraint::Prefix::Ge;
  EXPECT_TRUE(c.matches(100));
  EXPECT_FALSE(c.matches(99));
  c.prefix = TimeConstraint::Prefix::Lt;
  EXPECT_TRUE(c.matches(99));
  EXPECT_FALSE(c.matches(100));
  c.prefix = TimeConstraint::Prefix::Le;
  EXPECT_TRUE(c.matches(199));
  EXPECT_FALSE(c.matches(200));
  c.prefix = TimeConstraint::Prefix::Eq;
  EXPECT_TRUE(c.matches(150));
  EXPECT_FALSE(c.matches(200));
}

TEST_F(StoreFixture, IdentifierTokensFindTheirReadings) {
  const auto a = reading(1, Vital::HeartRate, 72, 10, 1);
  const auto b = reading(2, Vital::SpO2, 97, 11, 2);
  put({a, b});
  const std::string ida = std::to_string(a.id), idb = std::to_string(b.id);
  EXPECT_EQ(ids_of(search(*store, "identifier=urn:iomtsim:reading|" + ida)),
            std::vector<std::string>{ida});
  EXPECT_EQ(ids_of(search(*store, "identifier=" + idb)), std::vector<std::string>{idb});
  EXPECT_EQ(ids_of(search(*store, "identifier=" + ida + "," + idb)).size(), 2u);
  EXPECT_TRUE(ids_of(search(*store, "identifier=urn:other|" + ida)).empty());
  EXPECT_TRUE(ids_of(search(*store, "identifier=|" + ida)).empty());  // ours have a system
  EXPECT_EQ(ids_of(search(*store, "identifier=urn:iomtsim:reading|")).size(), 2u);

  const auto obs = search(*store, "identifier=" + ida)["entry"][0]["resource"];
  EXPECT_EQ(obs["identifier"][0]["system"], "urn:iomtsim:reading");
  EXPECT_EQ(obs["identifier"][0]["value"], ida);
  EXPECT_EQ(obs["subject"]["reference"], "Patient/p1");
  EXPECT_EQ(obs["code"]["coding"][0]["code"], "8867-4");
  EXPECT_DOUBLE_EQ(obs["valueQuantity"]["value"].get<double>(), 72.0);
  EXPECT_EQ(obs["effectiveDateTime"], "2024-05-01T08:00:10.000Z");
  EXPECT_TRUE(payloads::parse_fhir_time(obs["meta"]["lastUpdated"].get<std::string>()));

  const auto read = store->read_observation(ida);
  ASSERT_EQ(read.status, 200u);
  EXPECT_EQ(json::parse(read.body)["id"], ida);
  EXPECT_EQ(store->read_observation("999").status, 404u);
}

TEST_F(StoreFixture, PagesAreStableAndCoverEveryMatchOnce) {
  std::vector<physiology::Reading> rs;
  for (std::uint32_t i = 0; i < 57; ++i)
    rs.push_back(reading(i % 4, Vital::HeartRate, 60 + i, i, i + 1));
  put(rs);
  std::vector<std::string> seen;
  std::string q = "_count=10&code=http://loinc.org|8867-4";
  int pages = 0;
  while (true) {
    const auto b = search(*store, q);
    for (const auto& id : ids_of(b)) seen.push_back(id);
    ++pages;
    const auto next = next_link(b);
    if (!next) break;
    ASSERT_TRUE(next->starts_with("/fhir/Observation?"));
    q = next->substr(next->find('?') + 1);
    ASSERT_LT(pages, 20);
  }
  EXPECT_EQ(pages, 6);
  ASSERT_EQ(seen.size(), rs.size());
  for (std::size_t i = 0; i < rs.size(); ++i) EXPECT_EQ(seen[i], std::to_string(rs[i].id));
  EXPECT_EQ(search(*store, "_summary=count")["total"], 57);
  EXPECT_EQ(search(*store, "_count=0")["total"], 57);  // the total only, no endless paging
}

TEST_F(StoreFixture, LastUpdatedPrefixesSplitTheRecordExactly) {
  std::vector<physiology::Reading> first, second;
  for (std::uint32_t i = 0; i < 5; ++i) first.push_back(reading(1, Vital::RespRate, 16, i, i + 1));
  for (std::uint32_t i = 0; i < 7; ++i)
    second.push_back(reading(1, Vital::RespRate, 16, i, 100 + i));
  put(first);
  const auto all_first = search(*store, "");
  const std::string last =
      all_first["entry"][4]["resource"]["meta"]["lastUpdated"].get<std::string>();
  put(second);
  EXPECT_EQ(ids_of(search(*store, "_lastUpdated=gt" + last)).size(), 7u);
  EXPECT_EQ(ids_of(search(*store, "_lastUpdated=ge" + last)).size(), 8u);
  EXPECT_EQ(ids_of(search(*store, "_lastUpdated=le" + last)).size(), 5u);
  EXPECT_EQ(ids_of(search(*store, "_lastUpdated=lt" + last)).size(), 4u);
  EXPECT_EQ(ids_of(search(*store, "_lastUpdated=ge2000-01-01&_lastUpdated=lt2000-01-02")).size(),
            0u);
}

TEST_F(StoreFixture, SubjectCodeAndDateNarrowTheSearch) {
  put({reading(3, Vital::HeartRate, 70, 0, 1), reading(3, Vital::SpO2, 95, 60, 2),
       reading(4, Vital::HeartRate, 80, 120, 3), reading(3, Vital::HeartRate, 71, 3600 * 30, 4)});
  EXPECT_EQ(ids_of(search(*store, "subject=Patient/p3")).size(), 3u);
  EXPECT_EQ(ids_of(search(*store, "patient=p4")).size(), 1u);
  EXPECT_EQ(ids_of(search(*store, "subject=Patient/p3&code=8867-4")).size(), 2u);
  EXPECT_EQ(ids_of(search(*store, "code=59408-5,2708-6")).size(), 1u);
  EXPECT_EQ(ids_of(search(*store, "date=2024-05-01")).size(), 3u);
  EXPECT_EQ(ids_of(search(*store, "date=2024-05-02")).size(), 1u);
  EXPECT_EQ(
      ids_of(search(*store, "date=ge2024-05-01T08:01:00Z&date=lt2024-05-01T08:02:00Z")).size(), 1u);
  EXPECT_EQ(ids_of(search(*store, "date=gt2024-05-01T08:01Z")).size(), 2u);  // minute precision
  EXPECT_EQ(store->search_observations("date=tomorrow").status, 400u);
}

TEST_F(StoreFixture, DuplicatesAndServerNumberedReadingsHaveTheirOwnIds) {
  const auto a = reading(1, Vital::HeartRate, 72, 10, 1);
  physiology::Reading anonymous = reading(2, Vital::HeartRate, 90, 11, 0);
  anonymous.id = 0;
  std::vector<StoredReading> batch = {stored(a), StoredReading{a, 0, true, false},
                                      StoredReading{anonymous, 41, false, false}};
  std::uint64_t evicted = 0;
  ASSERT_EQ(store->write(batch, evicted), 3u);
  const std::string ida = std::to_string(a.id);
  EXPECT_EQ(ids_of(search(*store, "identifier=" + ida)),
            (std::vector<std::string>{ida, ida + "-2"}));
  EXPECT_EQ(store->read_observation(ida + "-2").status, 200u);
  const auto s41 = store->read_observation("s41");
  ASSERT_EQ(s41.status, 200u);
  EXPECT_FALSE(json::parse(s41.body).contains("identifier"));
}

TEST(RecordStore, KeepsAtMostMaxObservationsDroppingTheOldest) {
  StoreConfig cfg;
  cfg.max_observations = 10;
  RecordStore store(cfg, "/fhir", kEpochMs, nullptr);
  std::uint64_t evicted_total = 0;
  for (std::uint32_t b = 0; b < 5; ++b) {
    std::vector<StoredReading> batch;
    for (std::uint32_t i = 0; i < 4; ++i)
      batch.push_back(stored(reading(1, Vital::HeartRate, 70, b * 4 + i, b * 4 + i + 1)));
    std::uint64_t evicted = 0;
    store.write(batch, evicted);
    evicted_total += evicted;
  }
  EXPECT_EQ(store.observation_count(), 10u);
  EXPECT_EQ(evicted_total, 10u);
  const auto b = json::parse(store.search_observations("_count=100").body);
  ASSERT_EQ(b["entry"].size(), 10u);
  EXPECT_EQ(b["entry"][0]["resource"]["id"], std::to_string(physiology::make_reading_id(1, 0, 11)));
}

TEST(RecordStore, FileStoreKeepsTheRecordAcrossReopening) {
  const auto path = ::testing::TempDir() + "iomtsim_record_store_test.sqlite";
  std::remove(path.c_str());
  StoreConfig cfg;
  cfg.path = path;
  {
    RecordStore store(cfg, "/fhir", kEpochMs, nullptr);
    std::uint64_t evicted = 0;
    store.write({stored(reading(5, Vital::HeartRate, 66, 1, 1))}, evicted);
  }
  RecordStore again(cfg, "/fhir", kEpochMs, nullptr);
  EXPECT_EQ(again.observation_count(), 1u);
  EXPECT_EQ(again.read_observation(std::to_string(physiology::make_reading_id(5, 0, 1))).status,
            200u);
  std::remove(path.c_str());
  std::remove((path + "-wal").c_str());
  std::remove((path + "-shm").c_str());
}

TEST(RecordStore, ConditionalCreateTwiceGivesOnePatient) {
  RecordStore store(StoreConfig{}, "/fhir", kEpochMs, nullptr);
  const std::string patient =
      R"({"resourceType":"Patient","identifier":[{"system":"urn:test","value":"a-1"}]})";
  const auto first = store.create("Patient", patient, "identifier=urn:test|a-1");
  ASSERT_EQ(first.status, 201u) << first.body;
  const auto second = store.create("Patient", patient, "identifier=urn:test|a-1");
  EXPECT_EQ(second.status, 200u);
  EXPECT_EQ(second.location, first.location);
  const auto found = json::parse(store.search_resources("Patient", "identifier=urn:test|a-1").body);
  ASSERT_EQ(found["entry"].size(), 1u);
  EXPECT_EQ("Patient/" + found["entry"][0]["resource"]["id"].get<std::string>() + "/_history/1",
            first.location);
  EXPECT_EQ(
      store.read_resource("Patient", found["entry"][0]["resource"]["id"].get<std::string>()).status,
      200u);
  // Without the condition a second one is made; then the condition matches two: 412.
  EXPECT_EQ(store.create("Patient", patient, "").status, 201u);
  EXPECT_EQ(store.create("Patient", patient, "identifier=urn:test|a-1").status, 412u);
  EXPECT_EQ(store.create("Patient", R"({"resourceType":"Device"})", "").status, 400u);
}

TEST(AfterAckFaults, AreAPureFunctionOfSeedAndIdAtTheConfiguredFractions) {
  AfterAckFaultConfig cfg;
  cfg.drop_fraction = 0.1;
  cfg.delay_fraction = 0.1;
  cfg.duplicate_fraction = 0.1;
  cfg.alter_fraction = 0.2;
  cfg.seed = 7;
  std::array<int, 9> counts{};
  for (std::uint64_t id = 1; id <= 20000; ++id) {
    const auto f = after_ack_fault(cfg, id);
    EXPECT_EQ(f, after_ack_fault(cfg, id));
    ++counts[static_cast<std::size_t>(f)];
  }
  EXPECT_NEAR(counts[static_cast<int>(AfterAckFault::Drop)], 2000, 200);
  EXPECT_NEAR(counts[static_cast<int>(AfterAckFault::Delay)], 2000, 200);
  EXPECT_NEAR(counts[static_cast<int>(AfterAckFault::Duplicate)], 2000, 200);
  int altered = 0;
  for (auto f : {AfterAckFault::AlterValue, AfterAckFault::AlterUnit, AfterAckFault::AlterCode,
                 AfterAckFault::AlterSubject, AfterAckFault::AlterEffective}) {
    EXPECT_GT(counts[static_cast<int>(f)], 500);
    altered += counts[static_cast<int>(f)];
  }
  EXPECT_NEAR(altered, 4000, 300);
  AfterAckFaultConfig other = cfg;
  other.seed = 8;
  int differ = 0;
  for (std::uint64_t id = 1; id <= 1000; ++id)
    differ += after_ack_fault(cfg, id) != after_ack_fault(other, id);
  EXPECT_GT(differ, 100);
  EXPECT_EQ(after_ack_fault(AfterAckFaultConfig{}, 5), AfterAckFault::None);
}

}  // namespace
}  // namespace iomtsim::reference_target
