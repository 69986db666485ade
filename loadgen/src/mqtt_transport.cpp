#include "mqtt_transport.hpp"

#include <mosquitto.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <mutex>
#include <unordered_map>

#include "iomtsim/payloads/mqtt_json.hpp"

namespace iomtsim::loadgen::detail {
namespace {

namespace asio = boost::asio;
using error_code = boost::system::error_code;
using reports::Outcome;

std::atomic<std::uint64_t> g_client_counter{0};

class MqttTransport final : public Transport {
 public:
  MqttTransport(asio::io_context& io, MqttTarget target, CompletionFn done)
      : target_(std::move(target)), done_(std::move(done)), sd_(io), misc_(io), retry_(io), deadline_(io) {
    static std::once_flag init;
    std::call_once(init, [] { mosquitto_lib_init(); });
    if (target_.client_id.empty())
      target_.client_id = "iomtsim-lg-" + std::to_string(::getpid()) + "-" + std::to_string(g_client_counter++);
    mosq_ = mosquitto_new(target_.client_id.c_str(), true, this);
    if (!mosq_) throw std::runtime_error("mosquitto_new failed");
    mosquitto_connect_callback_set(mosq_, [](mosquitto*, void* self, int rc) {
      static_cast<MqttTransport*>(self)->on_connect(rc);
    });
    mosquitto_publish_callback_set(mosq_, [](mosquitto*, void* self, int mid) {
      static_cast<MqttTransport*>(self)->on_publish(mid);
    });
  }

  ~MqttTransport() override {
    release();
    if (mosq_) mosquitto_destroy(mosq_);
  }

  void start() override { connect(false); }

  void send(OutboundPtr m) override {
    ++in_flight_;
    if (!connected_) {
      queue_.push_back(std::move(m));
      return;
    }
    publish(std::move(m));
  }

  std::size_t in_flight() const override { return in_flight_; }
  std::uint64_t reconnects() const override { return reconnects_; }

  std::vector<OutboundPtr> abandon() override {
    closed_ = true;
    misc_.cancel();
    retry_.cancel();
    deadline_.cancel();
    release();
    if (connected_) mosquitto_disconnect(mosq_);
    connected_ = false;
    std::vector<OutboundPtr> out;
    for (auto& [mid, m] : waiting_) out.push_back(std::move(m));
    for (auto& m : queue_) out.push_back(std::move(m));
    for (auto& m : unwritten_) out.push_back(std::move(m));
    unwritten_.clear();
    waiting_.clear();
    queue_.clear();
    in_flight_ = 0;
    return out;
  }

 private:
  void complete(OutboundPtr m, Outcome o) {
    --in_flight_;
    done_(std::move(m), Completion{o, 0, Steady::now()});
  }

  // The socket belongs to libmosquitto: stop watching it without closing it.
  void release() {
    if (!sd_.is_open()) return;
    error_code ec;
    sd_.cancel(ec);
    sd_.release();
  }

  void connect(bool again) {
    // A blocking TCP connect; the CONNECT packet goes out through loop_write.
    const int rc = again ? mosquitto_reconnect(mosq_)
                         : mosquitto_connect(mosq_, target_.host.c_str(), target_.port, 30);
    if (rc != MOSQ_ERR_SUCCESS) return retry_later();
    const int fd = mosquitto_socket(mosq_);
    if (fd < 0) return retry_later();
    sd_.assign(fd);
    ++generation_;
    wait_read();
    wait_write();
    tick();
  }

  void retry_later() {
    release();
    ++reconnects_;
    const auto now = Steady::now();
    while (!queue_.empty() && now - queue_.front()->due > target_.timeout) {
      auto m = std::move(queue_.front());
      queue_.pop_front();
      complete(std::move(m), Outcome::Failed);
    }
    retry_.expires_after(backoff_.next());
    retry_.async_wait([this](error_code ec) {
      if (!ec && !closed_) connect(ever_connected_);
    });
  }

  void connection_lost() {
    connected_ = false;
    release();
    for (auto& [mid, m] : waiting_) complete(std::move(m), Outcome::Failed);
    for (auto& m : unwritten_) complete(std::move(m), Outcome::Failed);
    waiting_.clear();
    unwritten_.clear();
    order_.clear();
    retry_later();
  }

  void wait_read() {
    const auto gen = generation_;
    sd_.async_wait(asio::posix::stream_descriptor::wait_read, [this, gen](error_code ec) {
      if (ec || closed_ || gen != generation_) return;
      if (mosquitto_loop_read(mosq_, 1) != MOSQ_ERR_SUCCESS) return connection_lost();
      wait_read();
      wait_write();
    });
  }

  void wait_write() {
    if (writing_ || !mosquitto_want_write(mosq_)) return;
    writing_ = true;
    const auto gen = generation_;
    sd_.async_wait(asio::posix::stream_descriptor::wait_write, [this, gen](error_code ec) {
      writing_ = false;
      if (ec || closed_ || gen != generation_) return;
      if (mosquitto_loop_write(mosq_, 1) != MOSQ_ERR_SUCCESS) return connection_lost();
      if (!mosquitto_want_write(mosq_)) written();
      wait_write();
    });
  }

  void tick() {
    misc_.expires_after(std::chrono::seconds(1));
    misc_.async_wait([this](error_code ec) {
      if (ec || closed_) return;
      if (sd_.is_open()) {
        if (mosquitto_loop_misc(mosq_) != MOSQ_ERR_SUCCESS) return connection_lost();
        wait_write();  // a PINGREQ may be queued
      }
      tick();
    });
  }

  void on_connect(int rc) {
    if (rc != 0) return;  // refused by the broker: loop_read reports the error next
    connected_ = true;
    ever_connected_ = true;
    backoff_.reset();
    auto queued = std::move(queue_);
    queue_.clear();
    for (auto& m : queued) publish(std::move(m));
  }

  void publish(OutboundPtr m) {
    const std::string payload = m->readings.size() == 1 ? payloads::encode_mqtt_reading(m->readings.front())
                                                        : payloads::encode_mqtt_batch(m->readings);
    const auto& first = m->readings.front();
    const std::string topic = payloads::mqtt_topic(target_.topic, first.patient, first.device);
    int mid = 0;
    m->written = Steady::now();
    const int rc = mosquitto_publish(mosq_, &mid, topic.c_str(), static_cast<int>(payload.size()),
                                     payload.data(), target_.qos, false);
    if (rc != MOSQ_ERR_SUCCESS) return complete(std::move(m), Outcome::Failed);
    if (target_.qos == 0) {
      // libmosquitto writes at once when it can; what it could not write waits for the
      // socket, and counts as sent once the outgoing queue has drained.
      unwritten_.push_back(std::move(m));
      if (!mosquitto_want_write(mosq_)) return written();
      return wait_write();
    }
    order_.push_back({mid, m->written + target_.timeout});
    waiting_[mid] = std::move(m);
    arm_deadline();
    wait_write();
  }

  void written() {
    auto done = std::move(unwritten_);
    unwritten_.clear();
    for (auto& m : done) complete(std::move(m), Outcome::Acknowledged);
  }

  void on_publish(int mid) {
    if (target_.qos == 0) return;  // counted by written()
    auto it = waiting_.find(mid);
    if (it == waiting_.end()) return;
    auto m = std::move(it->second);
    waiting_.erase(it);
    complete(std::move(m), Outcome::Acknowledged);
  }

  void arm_deadline() {
    if (deadline_armed_ || order_.empty()) return;
    deadline_armed_ = true;
    deadline_.expires_at(order_.front().second);
    deadline_.async_wait([this](error_code ec) {
      deadline_armed_ = false;
      if (ec || closed_) return;
      const auto now = Steady::now();
      while (!order_.empty() && order_.front().second <= now) {
        auto it = waiting_.find(order_.front().first);
        order_.pop_front();
        if (it == waiting_.end()) continue;
        auto m = std::move(it->second);
        waiting_.erase(it);
        complete(std::move(m), Outcome::TimedOut);
      }
      arm_deadline();
    });
  }

  MqttTarget target_;
  CompletionFn done_;
  mosquitto* mosq_ = nullptr;
  asio::posix::stream_descriptor sd_;
  asio::steady_timer misc_, retry_, deadline_;
  bool deadline_armed_ = false;
  bool writing_ = false;
  bool connected_ = false;
  bool ever_connected_ = false;
  bool closed_ = false;
  std::uint64_t generation_ = 0;
  std::unordered_map<int, OutboundPtr> waiting_;  // QoS 1: until PUBACK
  std::vector<OutboundPtr> unwritten_;             // QoS 0: until the socket took it
  std::deque<std::pair<int, Steady::time_point>> order_;
  std::deque<OutboundPtr> queue_;
  SocketBackoff backoff_;
  std::size_t in_flight_ = 0;
  std::uint64_t reconnects_ = 0;
};

}  // namespace

std::unique_ptr<Transport> make_mqtt_transport(boost::asio::io_context& io, const MqttTarget& target,
                                               CompletionFn done) {
  return std::make_unique<MqttTransport>(io, target, std::move(done));
}

}  // namespace iomtsim::loadgen::detail
