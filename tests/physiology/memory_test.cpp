// Heap actually requested per patient, counted by replacing the global operator new in
// this test binary only (it is its own executable for that reason). Complements
// PatientGenerator::memory_bytes(), which adds up sizeof and capacities.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <variant>

#include "physiology_fixtures.hpp"

namespace {
std::atomic<long long> g_live_bytes{0};
}  // namespace

void* operator new(std::size_t n) {
  // A size header in front of each block, so delete knows what to subtract.
  auto* p = static_cast<std::size_t*>(std::malloc(n + sizeof(std::max_align_t)));
  if (!p) throw std::bad_alloc();
  *p = n;
  g_live_bytes += static_cast<long long>(n);
  return reinterpret_cast<char*>(p) + sizeof(std::max_align_t);
}
void operator delete(void* q) noexcept {
  if (!q) return;
  auto* p = reinterpret_cast<std::size_t*>(static_cast<char*>(q) - sizeof(std::max_align_t));
  g_live_bytes -= static_cast<long long>(*p);
  std::free(p);
}
void operator delete(void* q, std::size_t) noexcept { operator delete(q); }

using namespace iomtsim::physiology;
using namespace iomtsim::physiology::testing;

TEST(Memory, HeapPerPatientStaysUnderFourKibAndDoesNotGrowWithTime) {
  DeviceModelSpec ox;
  ox.name = "ox";
  ox.type = DeviceType::PulseOximeter;
  ox.measures = {{Vital::SpO2, 1s}, {Vital::PulseRate, 1s}};
  CohortSpec c = cohort(Archetype::PostOperativeAdult, {monitor(60s, true, std::nullopt), ecg_patch(500.0), ox});
  c.conditions = {condition(ConditionKind::Sepsis, 600.0, 0.6, Course::Progressive)};
  {  // build the shared beat templates (≈700 KB, once per process) before counting
    PatientGenerator warm(c, 0, 1, 1h);
    while (!std::holds_alternative<WaveformBlock>(warm.next())) {
    }
  }

  constexpr int kPatients = 50;
  const long long before = g_live_bytes.load();
  std::vector<PatientGenerator> fleet;
  fleet.reserve(kPatients);
  for (PatientIndex p = 0; p < kPatients; ++p) fleet.emplace_back(c, p, 1, 24h);
  const long long after_build = g_live_bytes.load();
  // Run each for 10 simulated minutes; outputs are dropped as a streaming consumer would.
  for (auto& g : fleet)
    while (!g.done() && g.next_time() < SimTime{10min}) (void)g.next();
  const long long after_run = g_live_bytes.load();

  // The vector of generators itself is sizeof(PatientGenerator) per patient.
  const double per_patient = static_cast<double>(after_run - before) / kPatients;
  // Budget: 4 KiB, plus the one pending output the generator holds (an output buffer:
  // up to a 1 s block of 500 Hz ECG, 1000 bytes).
  EXPECT_LT(per_patient, 4096.0 + 1000.0);
  // Only the one pending output (an ECG block of 500 samples at most) may differ.
  EXPECT_LT(static_cast<double>(after_run - after_build) / kPatients, 1100.0);
  RecordProperty("heap_bytes_per_patient", static_cast<int>(per_patient));
  std::printf("heap per patient: %.0f bytes after build %.0f, memory_bytes() %zu, sizeof %zu\n", per_patient,
              static_cast<double>(after_build - before) / kPatients, fleet[0].memory_bytes(), sizeof(PatientGenerator));
}
