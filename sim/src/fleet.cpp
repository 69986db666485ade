#include "iomtsim/sim/fleet.hpp"

#include <algorithm>
#include <variant>

namespace iomtsim::sim {
namespace {

// Reading ids pack 24 bits of patient and 8 of device (physiology/reading.hpp).
constexpr std::uint64_t kMaxPatients = std::uint64_t{1} << 24;
constexpr std::size_t kMaxDevicesPerPatient = 256;

}  // namespace

Fleet::Fleet(const scenarios::Scenario& scenario, ShardSpec shard)
    : scenario_(std::make_unique<scenarios::Scenario>(scenario)), shard_(shard) {
  if (!shard_.valid()) {
    throw FleetError("shard " + std::to_string(shard_.index) + "/" + std::to_string(shard_.count) +
                     ": the index must be below the count");
  }
  total_patients_ = scenario_->patient_count();
  if (total_patients_ > kMaxPatients) {
    throw FleetError("scenario has " + std::to_string(total_patients_) +
                     " patients; reading ids address at most 16777216");
  }
  // Resolve every device's network profile once, up front, so a typo in a scenario fails
  // here with its name instead of in the middle of a run.
  const auto& cohorts = scenario_->cohorts;
  for (std::size_t c = 0; c < cohorts.size(); ++c) {
    const auto& cohort = cohorts[c];
    if (cohort.devices.size() != cohort.physiology.devices.size()) {
      throw FleetError("cohort '" + cohort.physiology.name + "' lists " +
                       std::to_string(cohort.devices.size()) + " devices but its physiology " +
                       std::to_string(cohort.physiology.devices.size()));
    }
    if (cohort.devices.size() > kMaxDevicesPerPatient) {
      throw FleetError("cohort '" + cohort.physiology.name + "' has more than 256 devices");
    }
    for (const auto& d : cohort.devices) {
      if (!scenario_->network_profiles.contains(d.network_profile)) {
        throw FleetError("cohort '" + cohort.physiology.name + "', device '" + d.model.name +
                         "': no network profile named '" + d.network_profile + "'");
      }
    }
  }

  const std::size_t n_local = shard_.patients_in(total_patients_);
  patients_.reserve(n_local);
  cohort_of_.reserve(n_local);
  first_device_.reserve(n_local);
  queue_.reserve(n_local);
  const auto seed = scenario_->metadata.seed;
  const auto duration = scenario_->metadata.duration;
  std::uint64_t cohort_start = 0;  // global index of the cohort's first patient
  for (std::size_t c = 0; c < cohorts.size(); ++c) {
    const auto& cohort = cohorts[c];
    const std::uint64_t cohort_end = cohort_start + cohort.physiology.count;
    // First owned index >= cohort_start, then every count-th.
    std::uint64_t p =
        cohort_start + (shard_.index + shard_.count - cohort_start % shard_.count) % shard_.count;
    for (; p < cohort_end; p += shard_.count) {
      const auto global = static_cast<PatientIndex>(p);
      const auto local = static_cast<std::uint32_t>(patients_.size());
      patients_.emplace_back(cohort.physiology, global, seed, duration);
      cohort_of_.push_back(static_cast<std::uint32_t>(c));
      first_device_.push_back(static_cast<std::uint32_t>(devices_.size()));
      for (std::size_t d = 0; d < cohort.devices.size(); ++d) {
        FleetDevice fd;
        fd.patient = global;
        fd.device = static_cast<DeviceIndex>(d);
        fd.cohort = static_cast<std::uint32_t>(c);
        fd.cohort_spec = &cohort;
        fd.spec = &cohort.devices[d];
        fd.network = &scenario_->network_profiles.at(cohort.devices[d].network_profile);
        devices_.push_back(fd);
      }
      const SimTime t = patients_.back().next_time();
      if (t != SimTime::max()) queue_.push({t, global, local});
    }
    cohort_start = cohort_end;
  }
}

Fleet::~Fleet() = default;
Fleet::Fleet(Fleet&&) noexcept = default;
Fleet& Fleet::operator=(Fleet&&) noexcept = default;

SimTime Fleet::next_time() const { return done() ? SimTime::max() : queue_.top().time; }

DeviceOutput Fleet::next() {
  if (done()) throw std::logic_error("Fleet::next() called after the last output");
  const MergeQueue::Entry top = queue_.top();
  auto& gen = patients_[top.slot];
  DeviceOutput out = gen.next();
  const SimTime t = gen.done() ? SimTime::max() : gen.next_time();
  if (t == SimTime::max()) {
    queue_.pop();
  } else {
    queue_.replace_top({t, top.patient, top.slot});
  }
  return out;
}

const physiology::PatientInfo& Fleet::patient_info(std::size_t local) const {
  return patients_.at(local).info();
}

std::size_t Fleet::device_slot(PatientIndex p, DeviceIndex d) const {
  if (!holds(p)) {
    throw std::out_of_range("patient " + std::to_string(p) + " is not in this shard");
  }
  const auto local = static_cast<std::size_t>(shard_.local_of(p));
  const std::size_t begin = first_device_[local];
  const std::size_t end =
      local + 1 < first_device_.size() ? first_device_[local + 1] : devices_.size();
  if (begin + d >= end) {
    throw std::out_of_range("patient " + std::to_string(p) + " has no device " + std::to_string(d));
  }
  return begin + d;
}

const FleetDevice& Fleet::device(PatientIndex p, DeviceIndex d) const {
  return devices_[device_slot(p, d)];
}

const FleetDevice& Fleet::device_of(const DeviceOutput& out) const {
  return std::visit(
      [this](const auto& o) -> const FleetDevice& { return device(o.patient, o.device); }, out);
}

std::vector<physiology::Episode> Fleet::episodes() const {
  std::vector<physiology::Episode> all;
  for (const auto& g : patients_) {
    const auto& e = g.episodes();
    all.insert(all.end(), e.begin(), e.end());
  }
  // Patients are already in increasing global order; keep that explicit and stable.
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return a.patient != b.patient ? a.patient < b.patient : a.id < b.id;
  });
  return all;
}

std::vector<physiology::Episode> Fleet::finish() {
  for (auto& g : patients_) g.finish();
  return episodes();
}

std::size_t Fleet::memory_bytes() const {
  std::size_t bytes = sizeof(*this) + sizeof(scenarios::Scenario);
  for (const auto& g : patients_) bytes += g.memory_bytes();
  bytes += cohort_of_.capacity() * sizeof(std::uint32_t);
  bytes += first_device_.capacity() * sizeof(std::uint32_t);
  bytes += devices_.capacity() * sizeof(FleetDevice);
  bytes += queue_.size() * sizeof(MergeQueue::Entry);
  return bytes;
}

}  // namespace iomtsim::sim
