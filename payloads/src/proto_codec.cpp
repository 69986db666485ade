// Batches, acks and single record entries. Messages are thread_local and reused: Clear()
// keeps repeated sub-message storage, so steady-state encoding does not allocate per
// reading.
#include "iomtsim/payloads/codes.hpp"
#include "proto_convert.hpp"

namespace iomtsim::payloads {

std::string encode_batch(std::uint64_t batch_id, std::span<const physiology::Reading> readings) {
  thread_local wire::ReadingBatch msg;
  msg.Clear();
  msg.set_batch_id(batch_id);
  msg.mutable_readings()->Reserve(static_cast<int>(readings.size()));
  for (const auto& r : readings) detail::to_wire(r, *msg.add_readings());
  std::string out;
  msg.SerializeToString(&out);
  return out;
}

Decoded<ReadingBatch> decode_batch(std::string_view bytes) {
  Decoded<ReadingBatch> res;
  thread_local wire::ReadingBatch msg;
  if (!msg.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    res.error = "not a valid ReadingBatch message";
    return res;
  }
  res.value.batch_id = msg.batch_id();
  res.value.readings.resize(static_cast<std::size_t>(msg.readings_size()));
  for (int i = 0; i < msg.readings_size(); ++i) {
    if (auto err = detail::from_wire(msg.readings(i), res.value.readings[static_cast<std::size_t>(i)]);
        !err.empty()) {
      res.value.readings.clear();
      res.error = "reading " + std::to_string(i) + ": " + err;
      return res;
    }
  }
  return res;
}

void clear_ground_truth(physiology::Reading& r) {
  r.true_value = 0.0;
  r.true_time = {};
  r.flags &= kWireFlags;
}

std::string encode_batch_ack(const BatchAck& ack) {
  wire::BatchAck msg;
  msg.set_batch_id(ack.batch_id);
  msg.set_accepted(ack.accepted);
  msg.set_rejected(ack.rejected);
  msg.set_reason(ack.reason);
  return msg.SerializeAsString();
}

Decoded<BatchAck> decode_batch_ack(std::string_view bytes) {
  Decoded<BatchAck> res;
  wire::BatchAck msg;
  if (!msg.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    res.error = "not a valid BatchAck message";
    return res;
  }
  res.value = BatchAck{msg.batch_id(), msg.accepted(), msg.rejected(), msg.reason()};
  return res;
}

std::string encode_record_entry(const RecordEntry& entry) {
  wire::RecordEntry msg;
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, RecordingHeader>) detail::to_wire(v, *msg.mutable_header());
        else if constexpr (std::is_same_v<T, physiology::Reading>) detail::to_wire(v, *msg.mutable_reading());
        else if constexpr (std::is_same_v<T, physiology::WaveformBlock>) detail::to_wire(v, *msg.mutable_waveform());
        else if constexpr (std::is_same_v<T, physiology::Episode>) detail::to_wire(v, *msg.mutable_episode());
        else if constexpr (std::is_same_v<T, physiology::Alert>) detail::to_wire(v, *msg.mutable_alert());
        else if constexpr (std::is_same_v<T, physiology::ops::PumpEvent>) detail::to_wire(v, *msg.mutable_pump_event());
        else if constexpr (std::is_same_v<T, physiology::ops::LocationFix>) detail::to_wire(v, *msg.mutable_location_fix());
        else if constexpr (std::is_same_v<T, physiology::ops::ImagingResult>) detail::to_wire(v, *msg.mutable_imaging_result());
        else detail::to_wire(v, *msg.mutable_location_segment());
      },
      entry);
  return msg.SerializeAsString();
}

Decoded<RecordEntry> decode_record_entry(std::string_view bytes) {
  Decoded<RecordEntry> res;
  wire::RecordEntry msg;
  if (!msg.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    res.error = "not a valid RecordEntry message";
    return res;
  }
  switch (msg.entry_case()) {
    case wire::RecordEntry::kHeader: {
      RecordingHeader h;
      detail::from_wire(msg.header(), h);
      res.value = std::move(h);
      break;
    }
    case wire::RecordEntry::kReading: {
      physiology::Reading r;
      res.error = detail::from_wire(msg.reading(), r);
      res.value = r;
      break;
    }
    case wire::RecordEntry::kWaveform: {
      physiology::WaveformBlock b;
      res.error = detail::from_wire(msg.waveform(), b);
      res.value = std::move(b);
      break;
    }
    case wire::RecordEntry::kEpisode: {
      physiology::Episode e;
      res.error = detail::from_wire(msg.episode(), e);
      res.value = e;
      break;
    }
    case wire::RecordEntry::kAlert: {
      physiology::Alert a;
      res.error = detail::from_wire(msg.alert(), a);
      res.value = std::move(a);
      break;
    }
    case wire::RecordEntry::kPumpEvent: {
      physiology::ops::PumpEvent e;
      res.error = detail::from_wire(msg.pump_event(), e);
      res.value = std::move(e);
      break;
    }
    case wire::RecordEntry::kLocationFix: {
      physiology::ops::LocationFix f;
      res.error = detail::from_wire(msg.location_fix(), f);
      res.value = std::move(f);
      break;
    }
    case wire::RecordEntry::kImagingResult: {
      physiology::ops::ImagingResult r;
      res.error = detail::from_wire(msg.imaging_result(), r);
      res.value = std::move(r);
      break;
    }
    case wire::RecordEntry::kLocationSegment: {
      physiology::ops::LocationSegment s;
      detail::from_wire(msg.location_segment(), s);
      res.value = std::move(s);
      break;
    }
    case wire::RecordEntry::ENTRY_NOT_SET:
      res.error = "record entry holds nothing (empty oneof)";
      break;
  }
  return res;
}

}  // namespace iomtsim::payloads
