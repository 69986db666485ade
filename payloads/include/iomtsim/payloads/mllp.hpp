#pragma once
// MLLP (Minimal Lower Layer Protocol) framing for HL7 v2 over TCP: each message is sent
// as 0x0B <message> 0x1C 0x0D.
//
// MllpDeframer takes the byte stream in whatever chunks the socket delivers and yields
// whole messages. Bytes outside a frame (before 0x0B) are garbage: skipped and counted.
// A frame longer than max_frame_bytes is dropped: the deframer discards until that
// frame's end (0x1C 0x0D) or the next 0x0B, counts it, and resumes; it never buffers more
// than max_frame_bytes, and keeps no large allocation between frames.
//
//   MllpDeframer d(1 << 20);
//   std::vector<std::string> messages;
//   d.feed(chunk, messages);   // appends 0..n complete messages
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace iomtsim::payloads {

inline constexpr char kMllpStart = '\x0B';
inline constexpr char kMllpEnd = '\x1C';
inline constexpr char kMllpCarriageReturn = '\x0D';

void append_mllp_frame(std::string& out, std::string_view message);
std::string mllp_frame(std::string_view message);

class MllpDeframer {
 public:
  explicit MllpDeframer(std::size_t max_frame_bytes = 1u << 20);

  // Appends each message completed by `bytes` to `out` (without framing bytes).
  void feed(std::string_view bytes, std::vector<std::string>& out);

  std::uint64_t frames() const noexcept { return frames_; }
  std::uint64_t oversized_frames() const noexcept { return oversized_; }
  std::uint64_t garbage_bytes() const noexcept { return garbage_bytes_; }
  // Frames that were cut by a new 0x0B before their end (the partial one is dropped).
  std::uint64_t truncated_frames() const noexcept { return truncated_; }
  // True while inside a frame (a partial message is buffered or being discarded).
  bool in_frame() const noexcept { return state_ != State::Idle; }
  // Bytes held for the frame in progress.
  std::size_t pending_bytes() const noexcept { return buffer_.size(); }

 private:
  enum class State : std::uint8_t { Idle, InFrame, SawEnd, Discarding, DiscardSawEnd };
  std::size_t max_frame_bytes_;
  State state_ = State::Idle;
  std::string buffer_;
  std::uint64_t frames_ = 0;
  std::uint64_t oversized_ = 0;
  std::uint64_t garbage_bytes_ = 0;
  std::uint64_t truncated_ = 0;
};

}  // namespace iomtsim::payloads
