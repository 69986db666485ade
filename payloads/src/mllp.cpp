#include "iomtsim/payloads/mllp.hpp"

namespace iomtsim::payloads {

void append_mllp_frame(std::string& out, std::string_view message) {
  out.reserve(out.size() + message.size() + 3);
  out.push_back(kMllpStart);
  out.append(message);
  out.push_back(kMllpEnd);
  out.push_back(kMllpCarriageReturn);
}

std::string mllp_frame(std::string_view message) {
  std::string out;
  append_mllp_frame(out, message);
  return out;
}

MllpDeframer::MllpDeframer(std::size_t max_frame_bytes) : max_frame_bytes_(max_frame_bytes) {}

namespace {
// A receiver holds one deframer per connection: after a large frame, give its memory back
// rather than keep it for as long as the connection lives.
void reset_buffer(std::string& buffer) {
  buffer.clear();
  if (buffer.capacity() > (64u << 10)) buffer.shrink_to_fit();
}
}  // namespace

void MllpDeframer::feed(std::string_view bytes, std::vector<std::string>& out) {
  std::size_t i = 0;
  const std::size_t n = bytes.size();
  while (i < n) {
    switch (state_) {
      case State::Idle: {
        // Skip to the next start byte; everything before it is garbage.
        const auto start = bytes.find(kMllpStart, i);
        if (start == std::string_view::npos) {
          garbage_bytes_ += n - i;
          return;
        }
        garbage_bytes_ += start - i;
        i = start + 1;
        reset_buffer(buffer_);
        state_ = State::InFrame;
        break;
      }
      case State::InFrame: {
        // Copy the run up to the next control byte in one go (the common case is one
        // chunk holding a whole frame).
        std::size_t j = i;
        while (j < n && bytes[j] != kMllpEnd && bytes[j] != kMllpStart) ++j;
        const std::size_t run = j - i;
        if (buffer_.size() + run > max_frame_bytes_) {
          ++oversized_;
          reset_buffer(buffer_);
          state_ = State::Discarding;
          i = j;
          break;
        }
        buffer_.append(bytes.data() + i, run);
        i = j;
        if (i == n) return;
        if (bytes[i] == kMllpStart) {
          // A new frame began before this one ended: the sender restarted. Drop the part.
          ++truncated_;
          reset_buffer(buffer_);
          ++i;
          break;
        }
        ++i;  // 0x1C
        state_ = State::SawEnd;
        break;
      }
      case State::SawEnd: {
        if (bytes[i] == kMllpCarriageReturn) {
          ++i;
          ++frames_;
          out.push_back(std::move(buffer_));
          reset_buffer(buffer_);
          state_ = State::Idle;
        } else {
          // 0x1C not followed by 0x0D: it was part of the message after all.
          if (buffer_.size() + 1 > max_frame_bytes_) {
            ++oversized_;
            reset_buffer(buffer_);
            state_ = State::Discarding;
          } else {
            buffer_.push_back(kMllpEnd);
            state_ = State::InFrame;
          }
        }
        break;
      }
      case State::Discarding: {
        std::size_t j = i;
        while (j < n && bytes[j] != kMllpEnd && bytes[j] != kMllpStart) ++j;
        i = j;
        if (i == n) return;
        if (bytes[i] == kMllpStart) {
          ++i;
          reset_buffer(buffer_);
          state_ = State::InFrame;
        } else {
          ++i;
          state_ = State::DiscardSawEnd;
        }
        break;
      }
      case State::DiscardSawEnd: {
        state_ = bytes[i] == kMllpCarriageReturn ? State::Idle : State::Discarding;
        if (state_ == State::Idle) ++i;
        break;
      }
    }
  }
}

}  // namespace iomtsim::payloads
