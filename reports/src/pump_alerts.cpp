#include "iomtsim/reports/pump_alerts.hpp"

#include <algorithm>

namespace iomtsim::reports {

void attach_pump_alerts(Report& report) {
  auto& alarms = report.ops.pump_alarms;
  std::sort(alarms.begin(), alarms.end(),
            [](const auto& a, const auto& b) { return a.event_id < b.event_id; });
  std::vector<AlertRecord> clinical;
  for (auto& a : report.alerts) {
    const auto wall = a.received_wall_ns;
    a.received_wall_ns.reset();  // transient: see AlertRecord
    if (a.alert.rule != "pump_alarm") {
      clinical.push_back(std::move(a));
      continue;
    }
    auto it = std::lower_bound(alarms.begin(), alarms.end(), a.alert.trigger_reading_id,
                               [](const auto& r, std::uint64_t id) { return r.event_id < id; });
    if (it == alarms.end() || it->event_id != a.alert.trigger_reading_id) continue;
    SimTime received = a.alert.received_time;
    if (wall && it->sent_wall_ns)
      received = it->sent + physiology::Duration{*wall - *it->sent_wall_ns};
    if (!it->alerted || received < it->alert_received) it->alert_received = received;
    it->alerted = true;
  }
  for (auto& alarm : alarms) {  // transient stamps: see PumpAlarmRecord
    alarm.sent = {};
    alarm.sent_wall_ns.reset();
  }
  report.alerts = std::move(clinical);
  report.rescore();
}

}  // namespace iomtsim::reports
