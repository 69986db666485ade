#include "iomtsim/sim/run_frame.hpp"

#include <algorithm>
#include <ostream>

#include "iomtsim/reports/pump_alerts.hpp"

namespace iomtsim::sim {

using physiology::SimTime;

RunFrame::RunFrame(const scenarios::Scenario& input, FrameOptions options)
    : options_(std::move(options)), scenario_(input) {
  if (options_.duration) scenario_.metadata.duration = *options_.duration;
  if (!options_.shard.valid()) throw FrameError("invalid shard");
  thresholds_ = scenario_.expectations;
  thresholds_.insert(thresholds_.end(), options_.extra_expectations.begin(),
                     options_.extra_expectations.end());
  if (auto bad = reports::unknown_metrics(thresholds_); !bad.empty())
    throw FrameError("unknown metric in expectations: " + bad.front());

  const auto total = scenario_.patient_count();
  reports::RecorderOptions ropts;
  ropts.matching.utility_rules = options_.utility_rules;
  if (options_.trigger_lookback > 0) ropts.trigger_lookback = options_.trigger_lookback;
  if (options_.shard.patients_in(total) > 0) ropts.timeline_patients = {options_.shard.index};
  recorder_ = std::make_unique<reports::Recorder>(ropts);
  info_.scenario = scenario_.metadata.name;
  info_.seed = scenario_.metadata.seed;
  info_.mode = options_.mode;
  if (options_.shard.count > 1)
    info_.shards = {std::to_string(options_.shard.index) + "/" +
                    std::to_string(options_.shard.count)};
  info_.end = end();
  info_.start = std::min(options_.score_from, info_.end);
  info_.patient_count = options_.patients.value_or(options_.shard.patients_in(total));
  recorder_->set_run_info(info_);
  for (const auto& [name, profile] : scenario_.network_profiles)
    for (const auto& o : profile.outages)
      recorder_->on_network_outage(name, o.start, o.start + o.length);
}

RunFrame::~RunFrame() = default;

bool RunFrame::check_stop(SimTime now) {
  if (interruption_) return true;
  if (!options_.stop.token.stop_requested()) return false;
  const int signal = options_.stop.signal ? options_.stop.signal->load() : 0;
  const SimTime at = std::clamp(now, SimTime{}, end());
  interruption_ = reports::Interruption{signal, at};
  // The report covers what ran: per-day figures use the span up to the stop.
  info_.end = std::min(info_.end, at);
  recorder_->set_run_info(info_);
  return true;
}

reports::Report RunFrame::finish(std::vector<device_side::Sections> sections) {
  reports::Report r = recorder_->merge();
  for (const auto& s : sections) {
    r.waveforms.merge(s.waveforms);
    r.ops.merge(s.ops);
    r.outcome_codes.merge(s.outcome_codes);
    r.chart.merge(s.chart);
    r.delivery_attempts += s.delivery;
  }
  reports::attach_pump_alerts(r);  // rescores
  r.thresholds = reports::evaluate_thresholds(r, thresholds_);
  r.interrupted = interruption_;
  // Bed labels of the patients this report covers (every shard lists them all; merge
  // keeps one of each), so that episodes and alerts can name the bed.
  for (const auto& c : scenario_.cohorts) {
    const auto& p = c.physiology;
    for (std::size_t k = 0; k < p.beds.size(); ++k)
      r.beds.push_back({static_cast<physiology::PatientIndex>(p.first_index + k), p.beds[k]});
  }
  return r;
}

void write_outputs(const reports::Report& report, const reports::Verdict& verdict,
                   const std::filesystem::path& out_dir, std::ostream* log) {
  if (!out_dir.empty()) reports::write_report_folder(report, out_dir);
  if (!log) return;
  *log << reports::summary_lines(report, verdict);
  if (!out_dir.empty()) *log << "report: " << out_dir.string() << '\n';
}

}  // namespace iomtsim::sim
