// libFuzzer: HL7 v2 over MLLP as the target's MLLP listener takes it. The bytes are a TCP
// stream: deframed in two chunks (split where the first byte says, so frames straddle
// reads), and every frame goes through the decoders the target routes to (vital-sign
// ORU^R01, pump ORU, waveform ORU) and the ACK decoder the load generator uses.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "iomtsim/payloads/hl7.hpp"
#include "iomtsim/payloads/mllp.hpp"
#include "iomtsim/payloads/ops_payloads.hpp"
#include "iomtsim/payloads/waveform.hpp"

namespace p = iomtsim::payloads;

namespace {

void decode_all(std::string_view m) {
  p::Hl7Options o;
  o.epoch_unix_ms = 1714550400000;
  (void)p::decode_oru_r01(m, o);
  if (p::is_pump_oru(m)) (void)p::decode_pump_oru(m, o.epoch_unix_ms);
  if (p::is_waveform_oru(m)) {
    std::string id;
    (void)p::decode_waveform_oru(m, o, &id);
  }
  (void)p::decode_ack(m);
  (void)p::hl7_unescape(m.substr(0, 256));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  decode_all(bytes);  // as one message, unframed
  p::MllpDeframer d(64 * 1024);
  std::vector<std::string> frames;
  const std::size_t split = size == 0 ? 0 : data[0] % (size + 1);
  d.feed(bytes.substr(0, split), frames);
  d.feed(bytes.substr(split), frames);
  for (const auto& f : frames) {
    if (f.size() > 64 * 1024) __builtin_trap();  // the deframer's own bound
    decode_all(f);
  }
  if (d.pending_bytes() > 64 * 1024) __builtin_trap();
  return 0;
}
