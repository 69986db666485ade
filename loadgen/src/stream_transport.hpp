#pragma once
// Framed request/answer streams over TCP: HL7 v2 ORU^R01 over MLLP (answered by an ACK:
// AA/CA -> Acknowledged, AE/CE/AR/CR -> Rejected, only AR/CR retryable: AE says the message
// itself is wrong) and length-delimited protobuf ReadingBatches (answered by a BatchAck: all
// accepted -> Acknowledged, otherwise Rejected, final: a BatchAck does not say whether the
// target was busy). Time-outs and connection failures are retryable.
//
// One connection per engine thread, pipelined: messages are written back to back and
// answers matched by their control id / batch id, so a slow answer does not hold the
// writes behind it (open loop). Each message must be answered within `timeout` (wall)
// or it is TimedOut; a connection error fails everything unanswered on it (Failed) and
// the connection comes back with back-off. Answers to messages already timed out are
// ignored.
//
// TLS (`tls`, MLLP over TLS as interface engines offer it, and protobuf alike): after
// connecting, a handshake verifying the server (connect/tls_client.hpp); a failed one
// counts like a refused connect and its reason goes with the messages it fails.
// Completions carry the ACK code (AA/AE/AR, ok/nack) and a refusal's reason (ERR text).
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "connect/tls_client.hpp"
#include "transport.hpp"

namespace boost::asio {
class io_context;
}

namespace iomtsim::loadgen::detail {

enum class StreamKind : std::uint8_t { Mllp, Proto };

struct StreamTarget {
  StreamKind kind = StreamKind::Mllp;
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::chrono::nanoseconds timeout = std::chrono::seconds(10);  // wall
  std::int64_t epoch_unix_ms = 0;
  bool tls = false;
  TlsClientSettings tls_settings{};
};

std::unique_ptr<Transport> make_stream_transport(boost::asio::io_context& io,
                                                 const StreamTarget& target, CompletionFn done);

}  // namespace iomtsim::loadgen::detail
