#pragma once
// The MQTT device connections of one engine thread: a small MQTT client per connection
// (mqtt_codec.hpp), all on one io_context, with no thread and no lock.
//
// Memory: a connection costs one socket, one Client below (a few hundred bytes) and
// Asio's per-descriptor reactor state. Idle connections hold no buffers: plain sockets are
// read by waiting for readability and reading into one pool-wide scratch buffer (a partial
// packet is kept per client until the rest arrives); write buffers are freed once written.
// TLS connections keep OpenSSL's state and a read buffer (tens of KiB each).
//
// Timers: one for retries and the ramp (a heap of due connects), one for QoS>0 answer
// deadlines (a FIFO: every message has the same timeout), one periodic sweep (1 s) for
// keep-alive (PINGREQ after `keepalive` without sending; lost after another `keepalive`
// without PINGRESP) and for connections stuck before CONNACK. Not one timer per client.
//
// Every accepted message is completed exactly once through `done`, or handed back by
// abandon(). Handlers identify their connection by the Link they captured, so a handler of
// a closed connection finds a different (or no) link and does nothing.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "iomtsim/physiology/random.hpp"
#include "mqtt_transport.hpp"

namespace iomtsim::loadgen::detail {

class MqttDevicePool {
 public:
  enum class State : std::uint8_t { Idle, Connecting, AwaitConnack, Up, Down };

  // Resolves target.host (blocking, once). Throws std::runtime_error if it cannot.
  MqttDevicePool(boost::asio::io_context& io, const MqttTarget& target, CompletionFn done);
  ~MqttDevicePool();
  MqttDevicePool(const MqttDevicePool&) = delete;
  MqttDevicePool& operator=(const MqttDevicePool&) = delete;

  // A connection with client id mqtt_client_id(target.client_id, patient, device); its index.
  std::uint32_t add_client(physiology::PatientIndex patient, std::string device);
  void start();  // schedules the ramp (if any) and the sweep
  void send(std::uint32_t client, OutboundPtr m);
  std::vector<OutboundPtr> abandon();

  std::size_t in_flight() const { return in_flight_; }
  std::uint64_t reconnects() const { return reconnects_; }
  const TlsFailures& tls_failures() const { return tls_failures_; }
  std::size_t clients() const { return clients_.size(); }
  std::size_t connected() const { return connected_; }  // CONNACK received, not lost since

 private:
  struct Link;
  struct Waiting {  // QoS > 0: sent, not yet answered
    std::uint16_t packet_id = 0;
    bool released = false;  // QoS 2: PUBREC received, PUBREL sent
    OutboundPtr msg;
  };
  struct Client {
    physiology::PatientIndex patient = 0;
    std::string device;  // device index or gateway name (short: no heap)
    std::shared_ptr<Link> link;
    State state = State::Idle;
    bool scheduled = false;  // in connects_
    bool writing = false;
    bool ping_out = false;
    std::uint16_t next_id = 0;
    std::uint16_t receive_max = 65535;
    std::size_t qos0_writing = 0;  // unwritten.front() .. these many are in Link::writing
    Steady::time_point since{};    // last state change (Connecting/AwaitConnack) or ping sent
    Steady::time_point last_out{};
    std::chrono::milliseconds backoff{0};
    std::string in;                      // a partial packet
    std::string out_pending;             // packets waiting for the write in progress
    std::vector<OutboundPtr> queue;      // waiting for the connection or for receive_max
    std::vector<Waiting> waiting;        // QoS > 0, in send order
    std::vector<OutboundPtr> unwritten;  // QoS 0, until the socket took them
  };
  struct Due {
    Steady::time_point at;
    std::uint32_t client;
    bool operator>(const Due& o) const { return at > o.at; }
  };
  struct Deadline {
    Steady::time_point at;
    std::uint32_t client;
    std::uint64_t msg_id;
  };

  void spread_loopback_sources();
  void connect(std::uint32_t i);
  void on_connected(std::uint32_t i, const std::shared_ptr<Link>& link);
  void start_session(std::uint32_t i, const std::shared_ptr<Link>& link);
  void read(std::uint32_t i, const std::shared_ptr<Link>& link);
  bool on_bytes(std::uint32_t i, const char* data, std::size_t n);  // false: connection lost
  bool on_packet(std::uint32_t i, const MqttPacket& p);
  void on_connack(std::uint32_t i, const MqttConnack& a);
  void publish(std::uint32_t i, OutboundPtr m, bool dup = false, std::uint16_t resend_id = 0);
  void drain_queue(std::uint32_t i);
  void flush(std::uint32_t i);
  void lost(std::uint32_t i);
  void retry_later(std::uint32_t i);
  // `code`: static text (the report's outcome codes); a Failed message without a detail gets
  // the last connection error.
  // `retryable`: a device would try it again (connection lost, time-out, quota exceeded).
  void complete(OutboundPtr m, reports::Outcome o, std::string_view code = {},
                std::string detail = {}, bool retryable = false);
  void schedule(std::uint32_t i, Steady::time_point at);
  void arm_wake();
  void arm_deadline();
  void sweep();
  std::string topic_of(const Outbound& m) const;

  boost::asio::io_context& io_;
  MqttTarget target_;
  CompletionFn done_;
  std::uint16_t keepalive_s_ = 60;
  boost::asio::ip::tcp::endpoint broker_;
  std::vector<boost::asio::ip::address> sources_;
  std::optional<boost::asio::ssl::context> tls_;
  std::deque<Client> clients_;  // stable addresses; indices are client ids
  std::priority_queue<Due, std::vector<Due>, std::greater<>> connects_;
  std::deque<Deadline> deadlines_;
  boost::asio::steady_timer wake_, deadline_timer_, sweep_timer_;
  Steady::time_point wake_at_ = Steady::time_point::max();
  bool deadline_armed_ = false;
  bool started_ = false;
  bool ramped_ = false;
  bool closed_ = false;
  std::size_t in_flight_ = 0;
  std::size_t connected_ = 0;
  std::uint64_t reconnects_ = 0;
  TlsFailures tls_failures_;
  std::vector<char> scratch_;  // plain sockets read here
  std::string payload_;        // a readings payload being encoded, reused
  std::string last_error_;     // why a connection failed last (TLS, CONNACK refusal)
  // ± kReconnectJitter on each reconnect delay, so clients that lost the broker together
  // (a broker restart, an outage) do not come back in one wave. Fixed seed: wall-clock
  // behaviour, but no time-of-day randomness.
  physiology::Rng jitter_rng_{0x6d717474ull};
  static constexpr double kReconnectJitter = 0.2;
};

}  // namespace iomtsim::loadgen::detail
