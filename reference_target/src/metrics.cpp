#include "iomtsim/reference_target/metrics.hpp"

#include <sstream>

namespace iomtsim::reference_target {

MetricsSnapshot Metrics::snapshot() const {
  MetricsSnapshot s;
  for (std::size_t p = 0; p < kProtocolCount; ++p) {
    for (std::size_t o = 0; o < kOutcomeCount; ++o)
      s.messages[p][o] = messages_[p][o].load(std::memory_order_relaxed);
    s.readings_accepted[p] = readings_accepted_[p].load(std::memory_order_relaxed);
    s.connections_accepted[p] = connections_accepted_[p].load(std::memory_order_relaxed);
    for (std::size_t r = 0; r < kRefusalCount; ++r)
      s.refusals[p][r] = refusals_[p][r].load(std::memory_order_relaxed);
  }
  s.body_bytes_in_flight = body_bytes_in_flight.load(std::memory_order_relaxed);
  s.patients_held = patients_held.load(std::memory_order_relaxed);
  s.patients_evicted = patients_evicted.load(std::memory_order_relaxed);
  s.assets_evicted = assets_evicted.load(std::memory_order_relaxed);
  s.connections_open = connections_open_.load(std::memory_order_relaxed);
  s.timeouts = timeouts.load(std::memory_order_relaxed);
  s.oversized = oversized.load(std::memory_order_relaxed);
  s.protocol_errors = protocol_errors.load(std::memory_order_relaxed);
  s.readings_processed = readings_processed.load(std::memory_order_relaxed);
  s.queue_depth = queue_depth.load(std::memory_order_relaxed);
  s.queue_bound = queue_bound.load(std::memory_order_relaxed);
  s.alerts_raised = alerts_raised.load(std::memory_order_relaxed);
  s.alerts_delivered = alerts_delivered.load(std::memory_order_relaxed);
  s.alerts_failed = alerts_failed.load(std::memory_order_relaxed);
  s.alerts_dropped = alerts_dropped.load(std::memory_order_relaxed);
  s.stall_holds = stall_holds.load(std::memory_order_relaxed);
  s.ops_pump_events = ops_pump_events.load(std::memory_order_relaxed);
  s.ops_pump_alarms = ops_pump_alarms.load(std::memory_order_relaxed);
  s.ops_location_fixes = ops_location_fixes.load(std::memory_order_relaxed);
  s.ops_imaging_results = ops_imaging_results.load(std::memory_order_relaxed);
  s.ops_imaging_bytes = ops_imaging_bytes.load(std::memory_order_relaxed);
  s.waveform_blocks = waveform_blocks.load(std::memory_order_relaxed);
  s.waveform_samples = waveform_samples.load(std::memory_order_relaxed);
  s.waveform_invalid = waveform_invalid.load(std::memory_order_relaxed);
  s.store_written = store_written.load(std::memory_order_relaxed);
  s.store_evicted = store_evicted.load(std::memory_order_relaxed);
  s.store_queue_depth = store_queue_depth.load(std::memory_order_relaxed);
  s.store_queue_bound = store_queue_bound.load(std::memory_order_relaxed);
  s.store_write_batches = store_write_batches.load(std::memory_order_relaxed);
  for (std::size_t i = 0; i < kStoreFaultCount; ++i)
    s.store_faults[i] = store_faults[i].load(std::memory_order_relaxed);
  return s;
}

std::string Metrics::render_prometheus() const {
  const auto s = snapshot();
  std::ostringstream out;
  auto family = [&](std::string_view metric, std::string_view type, std::string_view help) {
    out << "# HELP " << metric << ' ' << help << "\n# TYPE " << metric << ' ' << type << '\n';
  };
  family("iomtsim_target_messages_total", "counter", "Messages received, by protocol and outcome.");
  for (std::size_t p = 0; p < kProtocolCount; ++p)
    for (std::size_t o = 0; o < kOutcomeCount; ++o)
      out << "iomtsim_target_messages_total{protocol=\"" << name(static_cast<Protocol>(p))
          << "\",outcome=\"" << name(static_cast<Outcome>(o)) << "\"} " << s.messages[p][o] << '\n';
  family("iomtsim_target_readings_accepted_total", "counter",
         "Readings queued for processing, by protocol.");
  for (std::size_t p = 0; p < kProtocolCount; ++p)
    out << "iomtsim_target_readings_accepted_total{protocol=\"" << name(static_cast<Protocol>(p))
        << "\"} " << s.readings_accepted[p] << '\n';
  family("iomtsim_target_connections_accepted_total", "counter",
         "Connections accepted, by protocol.");
  for (std::size_t p = 0; p < kProtocolCount; ++p)
    out << "iomtsim_target_connections_accepted_total{protocol=\"" << name(static_cast<Protocol>(p))
        << "\"} " << s.connections_accepted[p] << '\n';
  family("iomtsim_target_refusals_total", "counter",
         "Input refused to stay within the target's limits, by protocol and reason.");
  for (std::size_t p = 0; p < kProtocolCount; ++p)
    for (std::size_t r = 0; r < kRefusalCount; ++r)
      out << "iomtsim_target_refusals_total{protocol=\"" << name(static_cast<Protocol>(p))
          << "\",reason=\"" << name(static_cast<Refusal>(r)) << "\"} " << s.refusals[p][r] << '\n';
  auto single = [&](std::string_view metric, std::string_view type, std::string_view help,
                    std::uint64_t v) {
    family(metric, type, help);
    out << metric << ' ' << v << '\n';
  };
  single("iomtsim_target_connections_open", "gauge", "Connections open now.", s.connections_open);
  single("iomtsim_target_body_bytes_in_flight", "gauge",
         "Request bodies and partial frames held now (against body_memory_budget_bytes).",
         s.body_bytes_in_flight);
  single("iomtsim_target_patients", "gauge", "Patients whose rule state is held.", s.patients_held);
  single("iomtsim_target_patients_evicted_total", "counter",
         "Patients forgotten (least recently heard) to stay within limits.max_patients.",
         s.patients_evicted);
  single("iomtsim_target_assets_evicted_total", "counter",
         "Asset locations forgotten to stay within limits.max_assets.", s.assets_evicted);
  single("iomtsim_target_timeouts_total", "counter",
         "Connections closed by an idle or header timeout.", s.timeouts);
  single("iomtsim_target_oversized_total", "counter", "Bodies or frames over the size limit.",
         s.oversized);
  single("iomtsim_target_protocol_errors_total", "counter", "Unparseable requests or frames.",
         s.protocol_errors);
  single("iomtsim_target_readings_processed_total", "counter", "Readings evaluated by the rules.",
         s.readings_processed);
  single("iomtsim_target_queue_depth", "gauge", "Readings waiting for a worker.", s.queue_depth);
  single("iomtsim_target_queue_bound", "gauge", "Most readings the queue holds.", s.queue_bound);
  single("iomtsim_target_alerts_raised_total", "counter", "Alerts raised by the rules.",
         s.alerts_raised);
  single("iomtsim_target_alerts_delivered_total", "counter", "Alerts delivered to a sink.",
         s.alerts_delivered);
  single("iomtsim_target_alerts_failed_total", "counter", "Alert deliveries that failed.",
         s.alerts_failed);
  single("iomtsim_target_alerts_dropped_total", "counter", "Alerts dropped over the pending bound.",
         s.alerts_dropped);
  single("iomtsim_target_stall_holds_total", "counter", "Answers held by an injected stall.",
         s.stall_holds);
  single("iomtsim_target_ops_pump_events_total", "counter", "Infusion-pump events received.",
         s.ops_pump_events);
  single("iomtsim_target_ops_pump_alarms_total", "counter", "Pump alarms raised as alerts.",
         s.ops_pump_alarms);
  single("iomtsim_target_ops_location_fixes_total", "counter", "RTLS location fixes received.",
         s.ops_location_fixes);
  single("iomtsim_target_ops_imaging_results_total", "counter",
         "Point-of-care imaging results received.", s.ops_imaging_results);
  single("iomtsim_target_ops_imaging_bytes_total", "counter", "Media bytes of imaging results.",
         s.ops_imaging_bytes);
  single("iomtsim_target_waveform_blocks_total", "counter",
         "ECG/PPG waveform blocks accepted (validated, counted, not evaluated).",
         s.waveform_blocks);
  single("iomtsim_target_waveform_samples_total", "counter",
         "Samples of the accepted waveform blocks.", s.waveform_samples);
  single("iomtsim_target_waveform_invalid_total", "counter",
         "Waveform messages refused as invalid.", s.waveform_invalid);
  single("iomtsim_target_store_written_total", "counter",
         "Observations written to the store (both copies of a duplicate).", s.store_written);
  single("iomtsim_target_store_evicted_total", "counter",
         "Observations deleted by store.max_observations or store.retention.", s.store_evicted);
  single("iomtsim_target_store_queue_depth", "gauge",
         "Readings acknowledged and not yet written (the processing stage and delayed ones).",
         s.store_queue_depth);
  single("iomtsim_target_store_queue_bound", "gauge", "Most readings the store queue holds.",
         s.store_queue_bound);
  single("iomtsim_target_store_write_batches_total", "counter", "Write transactions committed.",
         s.store_write_batches);
  family("iomtsim_target_store_faults_total", "counter",
         "Acknowledged readings the store dropped, delayed, duplicated or altered "
         "(faults.after_ack), by fault.");
  for (std::size_t i = 0; i < kStoreFaultCount; ++i)
    out << "iomtsim_target_store_faults_total{fault=\"" << store_fault_name(i) << "\"} "
        << s.store_faults[i] << '\n';
  return out.str();
}

}  // namespace iomtsim::reference_target
