#pragma once
// Delivery of waveform blocks (ECG/PPG sample blocks), separate from the readings'
// accounting: a block is one message of one device, so it has its own DeliveryCounts
// (every generated block in exactly one reports::Outcome bucket) and its own latency
// histogram (intended send -> acknowledged, ns, the readings' coordinated-omission
// convention). Serialised as report.json's "waveforms" when a run generated any.
//
// Blocks that no transport could carry would be counted in `not_sent`, in no bucket, so
// that `delivery.generated` is what was offered to the network. Every protocol carries
// waveforms now (FHIR, HL7, protobuf, MQTT JSON), so it stays 0; kept for older reports.
#include <cstdint>

#include "iomtsim/reports/delivery.hpp"
#include "iomtsim/reports/histogram.hpp"

namespace iomtsim::reports {

struct WaveformReport {
  DeliveryCounts delivery;                 // blocks
  Histogram latency;                       // acknowledged blocks: intended send -> ack, ns
  std::uint64_t samples_generated = 0;     // samples of the blocks in `delivery.generated`
  std::uint64_t samples_acknowledged = 0;  // samples of the acknowledged blocks
  std::uint64_t bytes_offered = 0;  // encoded bytes of the generated blocks (body, no framing)
  std::uint64_t not_sent = 0;       // blocks no transport could carry (0: see above)

  bool empty() const { return delivery.generated == 0 && not_sent == 0; }
  bool balanced() const { return delivery.balanced(); }
  // Throws HistogramError when the latency configurations differ (never in one run).
  void merge(const WaveformReport& o) {
    delivery += o.delivery;
    latency.merge(o.latency);
    samples_generated += o.samples_generated;
    samples_acknowledged += o.samples_acknowledged;
    bytes_offered += o.bytes_offered;
    not_sent += o.not_sent;
  }
  bool operator==(const WaveformReport&) const = default;
};

}  // namespace iomtsim::reports
