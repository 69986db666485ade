#include "pipeline.hpp"

namespace iomtsim::sim::simgrid::detail {

namespace {
// A later stage as a pool: its own shape and service times, no scheduled failures
// (those name the front stage's servers and the links).
CapacityModel stage_model(const CapacityModel& m, const CapacityModel::Stage& s) {
  CapacityModel out;
  out.servers = s.count;
  out.workers_per_server = s.workers;
  out.service_time = s.service_time;
  out.service_distribution = s.service_distribution;
  out.queue_capacity = s.queue_capacity;
  out.lb_detection = m.lb_detection;
  return out;
}
}  // namespace

Pipeline::Pipeline(const CapacityModel& m, std::uint64_t seed) {
  pools_.reserve(1 + m.downstream.size());
  pools_.emplace_back(m, seed);
  names_.push_back(m.front_stage);
  links_.push_back(Duration{0});
  for (std::size_t k = 0; k < m.downstream.size(); ++k) {
    const auto& s = m.downstream[k];
    // Each stage draws its service times from its own stream.
    pools_.emplace_back(stage_model(m, s), physiology::splitmix64(seed + 0x9E37 * (k + 1)));
    names_.push_back(s.name);
    links_.push_back(s.link_latency);
  }
}

void Pipeline::measure(SimTime from, SimTime to) {
  for (auto& p : pools_) p.measure(from, to);
}

void Pipeline::forward(std::uint64_t token, SimTime done) {
  waiting_.push({done + links_[1], seq_++, 1, token});
}

std::vector<reports::ResourceUse> Pipeline::uses() const {
  std::vector<reports::ResourceUse> out;
  for (std::size_t k = 0; k < pools_.size(); ++k) out.push_back(pools_[k].stage_use(names_[k]));
  return out;
}

}  // namespace iomtsim::sim::simgrid::detail
