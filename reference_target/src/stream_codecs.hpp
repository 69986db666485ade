#pragma once
// The two framed TCP protocols, as policies for the shared StreamSession
// (stream_server.cpp): how bytes become frames, what a frame is, and how each outcome is
// answered.
//   MLLP: HL7 v2 ORU^R01 in 0x0B … 0x1C 0x0D frames; answered by an ACK (AA, AE, AR).
//   Proto: varint-length-delimited ReadingBatch messages (readings and/or waveform blocks);
//   answered by a BatchAck.
#include <algorithm>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "ingest.hpp"
#include "iomtsim/payloads/hl7.hpp"
#include "iomtsim/payloads/mllp.hpp"
#include "iomtsim/payloads/proto_codec.hpp"

namespace iomtsim::reference_target {

// What became of one frame, for its answer.
struct FrameVerdict {
  Outcome outcome = Outcome::Accepted;  // Accepted, Invalid, QueueFull or FaultReject
  std::string reason;
  const IngestResult* result = nullptr;  // when ingest ran
};

// MSH-10 (message control id) of an HL7 message, or "" if it has none.
std::string hl7_control_id_of(std::string_view message);

class MllpCodec {
 public:
  static constexpr Protocol kProtocol = Protocol::Mllp;
  static constexpr PayloadKind kKind = PayloadKind::Hl7OruR01;
  explicit MllpCodec(std::size_t max_frame_bytes) : deframer_(max_frame_bytes) {}
  std::size_t pending_bytes() const { return deframer_.pending_bytes(); }

  // Appends complete messages; false when the connection must close (an oversized frame:
  // its sender cannot be answered in step any more).
  bool feed(std::string_view bytes, std::vector<std::string>& frames, Metrics& m) {
    const auto oversized = deframer_.oversized_frames();
    const auto truncated = deframer_.truncated_frames();
    const auto garbage = deframer_.garbage_bytes();
    deframer_.feed(bytes, frames);
    if (deframer_.truncated_frames() != truncated || deframer_.garbage_bytes() != garbage)
      m.protocol_errors.fetch_add(1, std::memory_order_relaxed);
    if (deframer_.oversized_frames() != oversized) {
      m.oversized.fetch_add(1, std::memory_order_relaxed);
      m.message(kProtocol, Outcome::Invalid);
      return false;
    }
    return true;
  }

  void answer(std::string& out, std::string_view frame, const FrameVerdict& v) const {
    payloads::Hl7Ack ack;
    // Answer as a receiving system does: its own time in MSH-7, the sender's and our
    // names swapped, ACK^<the message's trigger>.
    payloads::set_ack_reply_header(frame, ack);
    ack.time_unix_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
    ack.control_id =
        v.result && !v.result->message_id.empty() ? v.result->message_id : hl7_control_id_of(frame);
    switch (v.outcome) {
      case Outcome::Accepted:
        ack.code = payloads::AckCode::Accept;
        break;
      case Outcome::Invalid:
        // AR when the message is not one we take at all (no or bad MSH header, not
        // ORU^R01); AE when it is one but its content is wrong.
        ack.code = (!frame.starts_with("MSH") || v.reason.find("MSH") != std::string::npos)
                       ? payloads::AckCode::Reject
                       : payloads::AckCode::Error;
        ack.reason = v.reason;
        break;
      default:
        ack.code = payloads::AckCode::Reject;
        ack.reason = v.reason;
        break;
    }
    payloads::append_mllp_frame(out, payloads::encode_ack(ack));
  }

 private:
  payloads::MllpDeframer deframer_;
};

class ProtoCodec {
 public:
  static constexpr Protocol kProtocol = Protocol::Proto;
  static constexpr PayloadKind kKind = PayloadKind::ProtoBatch;
  explicit ProtoCodec(std::size_t max_frame_bytes) : reader_(max_frame_bytes) {}
  std::size_t pending_bytes() const { return reader_.pending_bytes(); }

  bool feed(std::string_view bytes, std::vector<std::string>& frames, Metrics& m) {
    if (reader_.feed(bytes, frames)) return true;
    // A bad length cannot be resynchronised: count it and close.
    m.oversized.fetch_add(1, std::memory_order_relaxed);
    m.message(kProtocol, Outcome::Invalid);
    return false;
  }

  void answer(std::string& out, std::string_view frame, const FrameVerdict& v) const {
    payloads::BatchAck ack;
    if (v.result) {
      // Entries = readings + waveform blocks. A refused batch says at least one entry was
      // rejected, even when it did not decode far enough to count them: rejected == 0
      // means accepted to a sender.
      const auto entries =
          static_cast<std::uint32_t>(v.result->reading_count + v.result->waveform_blocks);
      ack.batch_id = v.result->batch_id;
      ack.accepted = v.outcome == Outcome::Accepted ? entries : 0;
      ack.rejected = v.outcome == Outcome::Accepted ? 0 : std::max<std::uint32_t>(1, entries);
    } else if (auto batch = payloads::decode_batch(frame); batch.ok()) {
      // Rejected before ingest (an injected fault): still say which batch and how many.
      ack.batch_id = batch.value.batch_id;
      ack.rejected = static_cast<std::uint32_t>(batch.value.readings.size());
    }
    if (v.outcome != Outcome::Accepted) ack.reason = v.reason;
    payloads::append_delimited(out, payloads::encode_batch_ack(ack));
  }

 private:
  payloads::DelimitedReader reader_;
};

}  // namespace iomtsim::reference_target
