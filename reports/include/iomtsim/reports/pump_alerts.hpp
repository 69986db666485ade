#pragma once
// Pump alarms that a target raised as alerts. A target raises them like clinical alerts
// (rule "pump_alarm", Alert::trigger_reading_id = the pump event's id); they are not
// clinical alerts and must not count in the alert scoring.
#include "iomtsim/reports/report.hpp"

namespace iomtsim::reports {

// Moves the alerts with rule "pump_alarm" out of report.alerts onto the pump alarms they
// name (report.ops.pump_alarms), clears the alarms' transient send stamps, then rescores.
// An alert is stamped like a clinical one: the alarm message's scenario send time plus the
// wall time from that send to the alert's receipt (AlertRecord::received_wall_ns), so alarm
// latency does not grow with a real run's speed-up; without wall stamps (simulated time)
// alert.received_time is kept. Run once, after merging.
void attach_pump_alerts(Report& report);

}  // namespace iomtsim::reports
