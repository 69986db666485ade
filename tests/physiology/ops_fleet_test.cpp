// Operations devices: determinism, shard independence, and that outputs agree with the
// ground truth they come with (fixes are where the track says, alarms are the alarms).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "iomtsim/physiology/ops/ops_fleet.hpp"

namespace iomtsim::physiology::ops {
namespace {

using namespace std::chrono_literals;

std::vector<OpsCohort> ward_cohorts() {
  OpsSpec s;
  s.pumps.per_patient = 2;
  s.pumps.alarms_per_day = 12;
  s.assets.count = 12;
  s.assets.moves_per_day = 24;
  s.assets.dead_spots = {"corridor"};
  s.assets.weak_battery_fraction = 0.25;
  s.imaging.procedures_per_day = 4;
  OpsSpec home;
  home.imaging.procedures_per_day = 1;
  return number_cohorts({s, home}, {"ward_5a", "home"}, {10, 5});
}

std::vector<OpsOutput> drain(OpsFleet& f) {
  std::vector<OpsOutput> out;
  while (!f.done()) out.push_back(f.next());
  return out;
}

const LocationSegment* segment_at(const std::vector<LocationSegment>& track, std::uint32_t asset,
                                  SimTime t) {
  for (const auto& s : track)
    if (s.asset == asset && s.start <= t && t < s.end) return &s;
  return nullptr;
}

TEST(OpsFleet, SameSeedSameOutputsDifferentSeedDiffers) {
  OpsFleet a(ward_cohorts(), 7, 24h), b(ward_cohorts(), 7, 24h), c(ward_cohorts(), 8, 24h);
  const auto oa = drain(a), ob = drain(b), oc = drain(c);
  EXPECT_GT(oa.size(), 1000u);
  EXPECT_EQ(oa, ob);
  EXPECT_NE(oa, oc);
}

TEST(OpsFleet, OutputsAreInTimeOrderAndBeforeTheEnd) {
  OpsFleet f(ward_cohorts(), 3, 12h);
  SimTime last{};
  for (const auto& o : drain(f)) {
    EXPECT_LE(last, true_time_of(o));
    last = true_time_of(o);
    EXPECT_LT(last, SimTime{} + 12h);
  }
}

TEST(OpsFleet, ShardsTogetherGiveTheWholeStream) {
  OpsFleet whole(ward_cohorts(), 11, 6h);
  auto all = drain(whole);
  std::vector<OpsOutput> merged;
  for (std::uint32_t k = 0; k < 3; ++k) {
    OpsFleet part(ward_cohorts(), 11, 6h, k, 3);
    auto o = drain(part);
    merged.insert(merged.end(), o.begin(), o.end());
  }
  auto by_id = [](const OpsOutput& x, const OpsOutput& y) { return id_of(x) < id_of(y); };
  std::sort(all.begin(), all.end(), by_id);
  std::sort(merged.begin(), merged.end(), by_id);
  EXPECT_EQ(all, merged);
}

TEST(OpsFleet, FixesAreWhereTheTrackSaysAndNeverInDeadSpots) {
  OpsFleet f(ward_cohorts(), 5, 24h);
  const auto out = drain(f);
  const auto truth = f.finish();
  std::size_t fixes = 0;
  std::map<std::uint32_t, std::size_t> zones_per_asset;
  for (const auto& o : out) {
    const auto* fix = std::get_if<LocationFix>(&o);
    if (!fix) continue;
    ++fixes;
    const auto* s = segment_at(truth.asset_tracks, fix->asset, fix->true_time);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->zone, fix->zone);
    EXPECT_NE(fix->zone, "corridor");
  }
  EXPECT_GT(fixes, 12u * 60u);
  for (const auto& s : truth.asset_tracks) ++zones_per_asset[s.asset];
  EXPECT_EQ(zones_per_asset.size(), 12u);
  for (const auto& [asset, n] : zones_per_asset)
    EXPECT_GT(n, 4u) << "asset " << asset << " never moved";
  // Tracks tile the run without gaps.
  for (std::size_t i = 1; i < truth.asset_tracks.size(); ++i)
    if (truth.asset_tracks[i].asset == truth.asset_tracks[i - 1].asset) {
      EXPECT_EQ(truth.asset_tracks[i].start, truth.asset_tracks[i - 1].end);
    }
}

TEST(OpsFleet, PumpEventsAreConsistentAndAlarmsAreGroundTruth) {
  OpsFleet f(ward_cohorts(), 9, 24h);
  const auto out = drain(f);
  const auto truth = f.finish();
  std::size_t alarms = 0;
  std::map<PumpEventKind, std::size_t> kinds;
  for (const auto& o : out) {
    const auto* e = std::get_if<PumpEvent>(&o);
    if (!e) continue;
    ++kinds[e->kind];
    EXPECT_EQ(e->pump / kMaxPumpsPerPatient, e->patient);
    EXPECT_LE(e->volume_ml, e->vtbi_ml + 1e-9);
    if (e->kind != PumpEventKind::BatteryLow) {
      EXPECT_FALSE(e->drug.empty());
      EXPECT_GT(e->rate_ml_h, 0.0);
    }
    if (e->alarm()) ++alarms;
  }
  EXPECT_EQ(alarms, truth.pump_alarms.size());
  EXPECT_GT(kinds[PumpEventKind::Started], 20u);
  EXPECT_GT(kinds[PumpEventKind::Status], 1000u);
  EXPECT_GT(kinds[PumpEventKind::Occlusion] + kinds[PumpEventKind::AirInLine], 20u);
  EXPECT_GT(kinds[PumpEventKind::EndOfInfusion], 5u);
  // Every stop is cleared, except at most one per pump that is still stopped at the end.
  const std::size_t stops = kinds[PumpEventKind::Occlusion] + kinds[PumpEventKind::AirInLine];
  EXPECT_LE(kinds[PumpEventKind::Resumed], stops);
  EXPECT_LE(stops - kinds[PumpEventKind::Resumed], 20u);  // 10 patients x 2 pumps
}

TEST(OpsFleet, ImagingComesInBurstsOfRealisticSizes) {
  OpsFleet f(ward_cohorts(), 13, 48h);
  drain(f);
  const auto truth = f.finish();
  ASSERT_GT(truth.imaging.size(), 50u);
  std::uint64_t us_bytes = 0;
  std::size_t us = 0;
  for (const auto& r : truth.imaging) {
    EXPECT_GE(r.bytes, 8u * 1024);
    EXPECT_LE(r.bytes, 8u * 1024 * 1024);
    if (r.modality == Modality::Ultrasound) {
      us_bytes += r.bytes;
      ++us;
    }
  }
  ASSERT_GT(us, 20u);
  const double mean_kib = static_cast<double>(us_bytes) / static_cast<double>(us) / 1024.0;
  EXPECT_GT(mean_kib, 300.0);
  EXPECT_LT(mean_kib, 2048.0);
}

TEST(OpsFleet, RejectsWhatItCannotSimulate) {
  auto c = ward_cohorts();
  c[0].spec.pumps.per_patient = 5;
  EXPECT_THROW(OpsFleet(c, 1, 1h), std::invalid_argument);
  EXPECT_THROW(OpsFleet(ward_cohorts(), 1, 1h, 3, 3), std::invalid_argument);
}

}  // namespace
}  // namespace iomtsim::physiology::ops
