// libFuzzer: length-delimited protobuf batches as the target's protobuf listener takes
// them (the stream split in two reads), each frame through the batch decoders, and the
// recording entry decoder `replay` reads files with.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "iomtsim/payloads/proto_codec.hpp"
#include "iomtsim/payloads/waveform.hpp"

namespace p = iomtsim::payloads;

namespace {

void decode_all(std::string_view m) {
  const auto batch = p::decode_ingest_batch(m);
  if (batch.ok())
    for (const auto& b : batch.value.waveforms) (void)p::check_waveform(b);
  (void)p::decode_batch(m);
  (void)p::decode_batch_ack(m);
  (void)p::decode_record_entry(m);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  decode_all(bytes);
  p::DelimitedReader reader(64 * 1024);
  std::vector<std::string> frames;
  const std::size_t split = size == 0 ? 0 : data[0] % (size + 1);
  if (reader.feed(bytes.substr(0, split), frames)) reader.feed(bytes.substr(split), frames);
  for (const auto& f : frames) {
    if (f.size() > 64 * 1024) __builtin_trap();
    decode_all(f);
  }
  return 0;
}
