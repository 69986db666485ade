// Waveform blocks in the protobuf ingest batch (ReadingBatch.waveforms).
#include "iomtsim/payloads/waveform.hpp"
#include "proto_convert.hpp"

namespace iomtsim::payloads {

std::string encode_waveform_batch(std::uint64_t batch_id,
                                  std::span<const physiology::WaveformBlock> blocks) {
  thread_local wire::ReadingBatch msg;
  msg.Clear();
  msg.set_batch_id(batch_id);
  for (const auto& b : blocks) {
    auto& w = *msg.add_waveforms();
    detail::to_wire(b, w);
    w.clear_true_time_ns();  // no ground truth on the ingest wire
  }
  std::string out;
  msg.SerializeToString(&out);
  return out;
}

Decoded<IngestBatch> decode_ingest_batch(std::string_view bytes) {
  Decoded<IngestBatch> res;
  thread_local wire::ReadingBatch msg;
  if (!msg.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    res.error = "not a valid ReadingBatch message";
    return res;
  }
  auto& v = res.value;
  v.batch_id = msg.batch_id();
  auto fail = [&](std::string why) {
    v.readings.clear();
    v.waveforms.clear();
    res.error = std::move(why);
    return res;
  };
  v.readings.resize(static_cast<std::size_t>(msg.readings_size()));
  for (int i = 0; i < msg.readings_size(); ++i)
    if (auto err = detail::from_wire(msg.readings(i), v.readings[static_cast<std::size_t>(i)]);
        !err.empty())
      return fail("reading " + std::to_string(i) + ": " + err);
  v.waveforms.resize(static_cast<std::size_t>(msg.waveforms_size()));
  for (int i = 0; i < msg.waveforms_size(); ++i) {
    auto& b = v.waveforms[static_cast<std::size_t>(i)];
    auto err = detail::from_wire(msg.waveforms(i), b);
    if (err.empty()) err = check_waveform(b);
    if (!err.empty()) return fail("waveform " + std::to_string(i) + ": " + err);
  }
  return res;
}

}  // namespace iomtsim::payloads
