// The modelled target's side of what is not readings: waveform blocks and operations
// messages are one unit of work at an ingest server (one service time; no rules run on
// them), answered like readings; a pump alarm it acknowledges comes back as an alert; a
// location fix it served answers the asset queries that reach it later.
#include <algorithm>

#include "driver.hpp"

namespace iomtsim::sim::simgrid::detail {

using device_side::Result;
using reports::Outcome;
namespace ops = physiology::ops;

void Driver::admit_unit(MessagePtr m, std::uint32_t server, SimTime arrival, Duration back) {
  const auto a = pool_.admit(server, arrival);
  Result r;
  r.sent = m->left_device;
  switch (a.result) {
    case Admission::Result::Accepted:
      r.outcome = Outcome::Acknowledged;
      r.at = a.done + back;
      if (m->ops) {
        if (std::holds_alternative<ops::PumpEvent>(*m->ops))  // received as a clinical alert is
          side_.alarm_alerted(m->wire_id, r.at + cfg_.capacity->alert_delivery);
        else if (const auto* f = std::get_if<ops::LocationFix>(&*m->ops))
          fixes_[f->asset].push_back(Fix{a.done, f->device_time, f->zone});
      }
      break;
    case Admission::Result::Rejected:
      ++stats_.queue_rejections;
      r.outcome = Outcome::Rejected;
      r.status = 503;
      r.retryable = true;  // a full queue: the reference target answers 503
      r.at = a.done + back;
      break;
    case Admission::Result::Failed:
      ++stats_.server_failures;
      r.outcome = Outcome::Failed;
      r.retryable = true;
      r.at = a.done;
      break;
  }
  side_.finish(std::move(m), r);
}

// Each query is answered from what the target had served when it reached it (half the
// round trip after it was asked); the round trip is the route from its access point to
// the target and back plus one service time.
void Driver::answer_queries() {
  for (auto& [asset, fixes] : fixes_)
    std::sort(fixes.begin(), fixes.end(),
              [](const Fix& a, const Fix& b) { return a.served < b.served; });
  const auto service = cfg_.capacity->service_time;
  for (auto& q : queries_) {
    const auto asset = static_cast<std::uint32_t>(q->wire_id);
    const Duration rtt =
        2 * physiology::from_seconds(platform_.route(access_.of_asset(asset), 0).latency_s) +
        service;
    Result r;
    r.outcome = Outcome::Acknowledged;
    r.sent = q->intended;
    r.at = q->intended + rtt;
    const SimTime at_target = q->intended + rtt / 2;
    const auto& fixes = fixes_[asset];
    auto it = std::upper_bound(fixes.begin(), fixes.end(), at_target,
                               [](SimTime t, const Fix& f) { return t < f.served; });
    if (it != fixes.begin()) {
      --it;
      r.answer = device_side::AssetAnswer{it->zone, it->device_time};
    }
    side_.finish(std::move(q), r);
  }
  queries_.clear();
}

}  // namespace iomtsim::sim::simgrid::detail
