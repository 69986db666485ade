#pragma once
// Exact merge of shard reports: histograms merge bucket by bucket, counts add, episode
// and alert lists join, and accuracy is recomputed from the joined lists. The result
// equals the report of one run over the union of the shards' data (apart from
// run.shards, which lists the parts).
//
// Requirements, checked (MergeError): same schema version, time-bucket widths that
// divide the largest (the merged series uses the largest), same matching options, same histogram
// configurations. run.scenario and run.seed must agree unless `allow_mixed_runs`.
#include <span>
#include <stdexcept>

#include "iomtsim/reports/report.hpp"

namespace iomtsim::reports {

class MergeError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

Report merge_reports(std::span<const Report> shards, bool allow_mixed_runs = false);

}  // namespace iomtsim::reports
