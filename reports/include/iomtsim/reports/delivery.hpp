#pragma once
// Delivery accounting: every generated reading ends in exactly one outcome bucket
// (DESIGN.md, "nothing is lost silently"). The buckets' sum equals `generated` when the
// engine reported an outcome for every reading; the report shows that check.
//
// InFlight is an outcome like the others: at the end of a run the engine reports each
// reading still waiting for an answer as InFlight. Nothing here infers it, so a reading
// the engine forgot shows up as a failed check rather than being papered over.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace iomtsim::reports {

enum class Outcome : std::uint8_t {
  Acknowledged,   // the target accepted it (HTTP 2xx, MLLP AA, MQTT PUBACK, …)
  Rejected,       // the target answered with a refusal (4xx/5xx, AE/AR)
  LostNetwork,    // dropped by emulated network loss
  DroppedBuffer,  // dropped from a full device store-and-forward buffer
  TimedOut,       // no answer within the transport's timeout
  Failed,         // a transport error (connection refused, reset, TLS failure, …)
  InFlight,       // still unanswered when the run ended
};
inline constexpr std::size_t kOutcomeCount = 7;

// Stable lower_snake names used in report.json and threshold metrics.
constexpr std::string_view name(Outcome o) {
  constexpr std::array<std::string_view, kOutcomeCount> names = {
      "acknowledged", "rejected", "lost_network", "dropped_buffer",
      "timed_out",    "failed",   "in_flight"};
  return names[static_cast<std::size_t>(o)];
}
constexpr std::optional<Outcome> outcome_from_name(std::string_view s) {
  for (std::size_t i = 0; i < kOutcomeCount; ++i)
    if (name(static_cast<Outcome>(i)) == s) return static_cast<Outcome>(i);
  return std::nullopt;
}

struct DeliveryCounts {
  std::uint64_t generated = 0;
  std::array<std::uint64_t, kOutcomeCount> by_outcome{};

  std::uint64_t operator[](Outcome o) const { return by_outcome[static_cast<std::size_t>(o)]; }
  void add(Outcome o, std::uint64_t n = 1) { by_outcome[static_cast<std::size_t>(o)] += n; }
  std::uint64_t outcome_sum() const {
    std::uint64_t s = 0;
    for (auto n : by_outcome) s += n;
    return s;
  }
  // The check the report shows: every generated reading is in exactly one bucket.
  bool balanced() const { return outcome_sum() == generated; }
  // Errors for the over-time plots: everything but acknowledged and in flight.
  std::uint64_t errors() const {
    return outcome_sum() - (*this)[Outcome::Acknowledged] - (*this)[Outcome::InFlight];
  }
  // Fraction of generated readings in bucket o; 0 when nothing was generated.
  double fraction(Outcome o) const {
    return generated ? static_cast<double>((*this)[o]) / static_cast<double>(generated) : 0.0;
  }
  DeliveryCounts& operator+=(const DeliveryCounts& o) {
    generated += o.generated;
    for (std::size_t i = 0; i < kOutcomeCount; ++i) by_outcome[i] += o.by_outcome[i];
    return *this;
  }
  bool operator==(const DeliveryCounts&) const = default;
};

// Delivery attempts of messages (readings' messages, waveform blocks, operations messages):
// how often they went on the wire. A retry is an attempt after one the target may take later
// failed (HTTP 429/5xx, a reset, a time-out, HL7 AR); the message and its readings still end
// in exactly one bucket. report.json "delivery_attempts".
struct AttemptCounts {
  std::uint64_t attempts = 0;           // messages put on the wire, retries included
  std::uint64_t retries = 0;            // attempts after a retryable failure
  std::uint64_t retries_exhausted = 0;  // retryable failures left final (attempts used up)
  AttemptCounts& operator+=(const AttemptCounts& o) {
    attempts += o.attempts;
    retries += o.retries;
    retries_exhausted += o.retries_exhausted;
    return *this;
  }
  bool empty() const { return attempts == 0 && retries == 0 && retries_exhausted == 0; }
  bool operator==(const AttemptCounts&) const = default;
};

}  // namespace iomtsim::reports
