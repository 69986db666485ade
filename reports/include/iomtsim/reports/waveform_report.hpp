#pragma once
// Delivery of waveform blocks (ECG/PPG sample blocks), separate from the readings'
// accounting: a block is one message of one device, so it has its own DeliveryCounts
// (every generated block in exactly one reports::Outcome bucket) and its own latency
// histogram (intended send -> acknowledged, ns, the readings' coordinated-omission
// convention). Serialised as report.json's "waveforms" when a run generated any.
//
// Blocks whose device's protocol carries no waveforms (MQTT: the per-device publisher sends
// readings only) are not generated traffic: they are counted in `not_sent` and are in no
// bucket, so `delivery.generated` is what was offered to the network.
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
  std::uint64_t not_sent = 0;       // blocks of devices whose protocol carries no waveforms

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
