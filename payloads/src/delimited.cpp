// Varint length prefixes as protobuf's writeDelimitedTo writes them. Hand-written: the
// codec is five lines, and the incremental reader must not depend on a stream object.
#include <istream>
#include <ostream>

#include "iomtsim/payloads/proto_codec.hpp"

namespace iomtsim::payloads {
namespace {

void append_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

enum class VarintStatus { Ok, NeedMore, Malformed };

// Reads a varint at data[pos..]; on Ok advances pos.
VarintStatus read_varint(std::string_view data, std::size_t& pos, std::uint64_t& value) {
  value = 0;
  for (std::size_t i = 0; i < 10; ++i) {
    if (pos + i >= data.size()) return VarintStatus::NeedMore;
    const auto byte = static_cast<std::uint8_t>(data[pos + i]);
    value |= static_cast<std::uint64_t>(byte & 0x7F) << (7 * i);
    if (!(byte & 0x80)) {
      pos += i + 1;
      return VarintStatus::Ok;
    }
  }
  return VarintStatus::Malformed;
}

}  // namespace

void append_delimited(std::string& out, std::string_view message) {
  append_varint(out, message.size());
  out.append(message);
}

DelimitedReader::DelimitedReader(std::size_t max_frame_bytes) : max_frame_bytes_(max_frame_bytes) {}

bool DelimitedReader::feed(std::string_view bytes, std::vector<std::string>& out) {
  if (failed()) return false;
  buffer_.append(bytes);
  std::size_t pos = 0;
  for (;;) {
    std::size_t p = pos;
    std::uint64_t len = 0;
    const auto st = read_varint(buffer_, p, len);
    if (st == VarintStatus::NeedMore) break;
    if (st == VarintStatus::Malformed) {
      error_ = "malformed length prefix (varint longer than 10 bytes)";
      break;
    }
    if (len > max_frame_bytes_) {
      error_ = "frame of " + std::to_string(len) + " bytes exceeds the maximum of " +
               std::to_string(max_frame_bytes_);
      break;
    }
    if (buffer_.size() - p < len) break;  // incomplete frame: wait for more bytes
    out.emplace_back(buffer_, p, static_cast<std::size_t>(len));
    pos = p + static_cast<std::size_t>(len);
    ++frames_;
  }
  if (failed()) {
    buffer_.clear();
    return false;
  }
  buffer_.erase(0, pos);
  // One reader per connection: after a large frame, give its memory back rather than keep
  // it for as long as the connection lives.
  if (buffer_.capacity() > (64u << 10) && buffer_.size() < (16u << 10)) buffer_.shrink_to_fit();
  return true;
}

RecordingWriter::RecordingWriter(std::ostream& os) : os_(os) {}

void RecordingWriter::write(const RecordEntry& entry) {
  buffer_.clear();
  append_delimited(buffer_, encode_record_entry(entry));
  os_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  ++entries_;
}

RecordingReader::RecordingReader(std::istream& is, std::size_t max_entry_bytes)
    : is_(is), max_entry_bytes_(max_entry_bytes) {}

std::optional<RecordEntry> RecordingReader::next() {
  if (!error_.empty()) return std::nullopt;
  std::uint64_t len = 0;
  for (int i = 0;; ++i) {
    const int c = is_.get();
    if (c == std::char_traits<char>::eof()) {
      if (i != 0) {
        error_ = "truncated length prefix of entry " + std::to_string(entries_);
        truncated_ = true;
      }
      return std::nullopt;  // i == 0: clean end of stream
    }
    if (i == 9 && (c & 0x80)) {
      error_ = "malformed length prefix of entry " + std::to_string(entries_);
      return std::nullopt;
    }
    len |= static_cast<std::uint64_t>(c & 0x7F) << (7 * i);
    if (!(c & 0x80)) break;
  }
  if (len > max_entry_bytes_) {
    error_ = "entry " + std::to_string(entries_) + " of " + std::to_string(len) +
             " bytes exceeds the maximum of " + std::to_string(max_entry_bytes_);
    return std::nullopt;
  }
  buffer_.resize(static_cast<std::size_t>(len));
  is_.read(buffer_.data(), static_cast<std::streamsize>(len));
  if (static_cast<std::uint64_t>(is_.gcount()) != len) {
    error_ = "truncated entry " + std::to_string(entries_) + ": " + std::to_string(is_.gcount()) +
             " of " + std::to_string(len) + " bytes";
    truncated_ = true;
    return std::nullopt;
  }
  auto decoded = decode_record_entry(buffer_);
  if (!decoded.ok()) {
    error_ = "entry " + std::to_string(entries_) + ": " + decoded.error;
    return std::nullopt;
  }
  ++entries_;
  return std::move(decoded.value);
}

}  // namespace iomtsim::payloads
