#pragma once
// Protobuf wire and recording formats (payloads/proto/iomtsim.proto, package
// iomtsim.wire) behind functions on iomtsim value types: the generated classes stay
// inside payloads/src and never appear in a public header.
//
// Binary ingest: a ReadingBatch message per request, answered by a BatchAck. On a stream
// (TCP) each message is length-delimited: a base-128 varint byte count, then the bytes
// (the same framing as protobuf's writeDelimitedTo / parseDelimitedFrom).
//
// Recording: a length-delimited stream of RecordEntry messages, the first a header
// (scenario name, seed, epoch), then readings, waveform blocks, episodes and alerts in
// the order written. This is the `iomtsim generate` output and the replay input.
//
//   std::ofstream f("run.iomtrec", std::ios::binary);
//   RecordingWriter w(f);
//   w.write(RecordingHeader{"ward_sepsis", 42, 1714550400000});
//   w.write(reading);
//   ...
//   RecordingReader r(in);
//   while (auto e = r.next()) { std::visit(handler, *e); }
//   if (!r.error().empty()) { /* truncated or corrupt */ }
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "iomtsim/payloads/decode_result.hpp"
#include "iomtsim/physiology/alert.hpp"
#include "iomtsim/physiology/episode.hpp"
#include "iomtsim/physiology/ops/ops_types.hpp"
#include "iomtsim/physiology/reading.hpp"

namespace iomtsim::payloads {

// ---- ingest batches -------------------------------------------------------------------

struct ReadingBatch {
  std::uint64_t batch_id = 0;
  std::vector<physiology::Reading> readings;
  bool operator==(const ReadingBatch&) const = default;
};

struct BatchAck {
  std::uint64_t batch_id = 0;
  std::uint32_t accepted = 0;  // readings taken in
  std::uint32_t rejected = 0;  // readings refused (accepted + rejected = batch size)
  std::string reason;          // why, when rejected > 0
  bool operator==(const BatchAck&) const = default;
};

// Readings go with every field, including ground truth (true_value, true_time, flags):
// the binary format doubles as the recording format, where ground truth is wanted. A
// target must not use ground truth; ingest readers clear it (clear_ground_truth).
std::string encode_batch(std::uint64_t batch_id, std::span<const physiology::Reading> readings);
Decoded<ReadingBatch> decode_batch(std::string_view bytes);
// Clears true_value, true_time and non-wire flags (see codes.hpp kWireFlags).
void clear_ground_truth(physiology::Reading& r);

std::string encode_batch_ack(const BatchAck& ack);
Decoded<BatchAck> decode_batch_ack(std::string_view bytes);

// ---- length-delimited framing ---------------------------------------------------------

// Appends varint(len(message)) then message.
void append_delimited(std::string& out, std::string_view message);

// Incremental reader for a length-delimited stream fed in arbitrary chunks. A length
// above max_frame_bytes or a varint longer than 10 bytes puts it in a sticky error state
// (the stream cannot be resynchronised: close the connection). Buffers at most one
// partial frame.
class DelimitedReader {
 public:
  explicit DelimitedReader(std::size_t max_frame_bytes = 16u << 20);

  // Appends each completed frame's payload to `out`; returns false once in error.
  bool feed(std::string_view bytes, std::vector<std::string>& out);

  bool failed() const noexcept { return !error_.empty(); }
  const std::string& error() const noexcept { return error_; }
  std::uint64_t frames() const noexcept { return frames_; }
  // Bytes held for an incomplete frame (non-zero at end of stream means truncation).
  std::size_t pending_bytes() const noexcept { return buffer_.size(); }

 private:
  std::size_t max_frame_bytes_;
  std::string buffer_;
  std::string error_;
  std::uint64_t frames_ = 0;
};

// ---- recording stream -----------------------------------------------------------------

struct RecordingHeader {
  std::string scenario_name;
  std::uint64_t seed = 0;
  std::int64_t epoch_unix_ms = 0;  // wall time of scenario time zero
  std::string generator;           // e.g. "iomtsim 0.1.0"
  bool operator==(const RecordingHeader&) const = default;
};

// Operations outputs (pump events, location fixes, imaging results) sit in time order
// among the readings; LocationSegment is ground truth and comes at the end with episodes.
using RecordEntry =
    std::variant<RecordingHeader, physiology::Reading, physiology::WaveformBlock,
                 physiology::Episode, physiology::Alert, physiology::ops::PumpEvent,
                 physiology::ops::LocationFix, physiology::ops::ImagingResult,
                 physiology::ops::LocationSegment>;

// Writes length-delimited RecordEntry messages to a binary ostream. Stream errors are the
// caller's to check (os.fail()); the writer never throws for them.
class RecordingWriter {
 public:
  explicit RecordingWriter(std::ostream& os);
  void write(const RecordEntry& entry);
  std::uint64_t entries_written() const noexcept { return entries_; }

 private:
  std::ostream& os_;
  std::string buffer_;  // reused between entries
  std::uint64_t entries_ = 0;
};

// Reads what RecordingWriter wrote. next() returns nullopt at a clean end of stream or on
// error; error() is empty in the first case and says what went wrong (truncated entry,
// oversized entry, unparseable entry, empty oneof) in the second.
//
// A writer killed mid-write (kill -9, a full disk) leaves a stream whose last entry is cut
// short: truncated() tells that case apart from corruption. Every entry before the cut
// was read in full, so a caller may keep them and warn (error() says how many bytes of
// the last entry were missing).
class RecordingReader {
 public:
  explicit RecordingReader(std::istream& is, std::size_t max_entry_bytes = 64u << 20);
  std::optional<RecordEntry> next();
  const std::string& error() const noexcept { return error_; }
  // The stream ended inside an entry (its length prefix or its bytes): error() is set.
  bool truncated() const noexcept { return truncated_; }
  std::uint64_t entries_read() const noexcept { return entries_; }

 private:
  std::istream& is_;
  std::size_t max_entry_bytes_;
  std::string buffer_;
  std::string error_;
  bool truncated_ = false;
  std::uint64_t entries_ = 0;
};

// Single-entry helpers (used by the stream classes; handy for other containers).
std::string encode_record_entry(const RecordEntry& entry);
Decoded<RecordEntry> decode_record_entry(std::string_view bytes);

}  // namespace iomtsim::payloads
