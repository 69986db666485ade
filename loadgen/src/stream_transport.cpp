#include "stream_transport.hpp"

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <optional>
#include <unordered_map>

#include "iomtsim/payloads/hl7.hpp"
#include "iomtsim/payloads/mllp.hpp"
#include "iomtsim/payloads/proto_codec.hpp"

namespace iomtsim::loadgen::detail {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using reports::Outcome;

class StreamTransport final : public Transport {
 public:
  StreamTransport(asio::io_context& io, StreamTarget target, CompletionFn done)
      : io_(io),
        target_(std::move(target)),
        done_(std::move(done)),
        socket_(io),
        retry_(io),
        deadline_(io) {
    hl7_.epoch_unix_ms = target_.epoch_unix_ms;
    protocol_ = target_.kind == StreamKind::Mllp ? "hl7v2" : "protobuf";
    if (target_.tls) {
      try {
        tls_ctx_.emplace(make_client_tls(target_.tls_settings,
                                         target_.kind == StreamKind::Mllp ? "MLLP" : "protobuf"));
      } catch (const TlsSetupError& e) {
        throw std::runtime_error(e.what());
      }
    }
  }

  void start() override {
    error_code ec;
    tcp::resolver resolver(io_);
    auto results = resolver.resolve(target_.host, std::to_string(target_.port), ec);
    if (!ec)
      for (const auto& r : results) endpoints_.push_back(r.endpoint());
    connect();
  }

  void send(OutboundPtr m) override {
    ++in_flight_;
    if (!connected_) {
      queue_.push_back(std::move(m));
      return;
    }
    write_one(std::move(m));
  }

  std::size_t in_flight() const override { return in_flight_; }
  std::uint64_t reconnects() const override { return reconnects_; }

  std::vector<OutboundPtr> abandon() override {
    closed_ = true;
    close();
    retry_.cancel();
    deadline_.cancel();
    std::vector<OutboundPtr> out;
    for (auto& [k, m] : waiting_) out.push_back(std::move(m));
    for (auto& m : queue_) out.push_back(std::move(m));
    waiting_.clear();
    queue_.clear();
    in_flight_ = 0;
    return out;
  }

 private:
  // Time-outs and connection failures are retryable; an answer is as answer() says.
  void complete(OutboundPtr m, Outcome o, std::string_view code = {}, std::string detail = {},
                std::optional<bool> retryable = {}) {
    --in_flight_;
    const bool again = retryable.value_or(o == Outcome::TimedOut || o == Outcome::Failed);
    done_(std::move(m),
          Completion{o, 0, Steady::now(), protocol_, code, std::move(detail), again, {}});
  }

  // The socket under TLS or not.
  tcp::socket& lowest() { return tls_ ? tls_->next_layer() : socket_; }
  template <class F>
  void with_stream(F&& f) {
    if (tls_)
      f(*tls_);
    else
      f(socket_);
  }

  std::string where() const { return target_.host + ":" + std::to_string(target_.port); }

  void connect() {
    const auto gen = ++generation_;
    if (tls_ctx_) {
      retired_tls_ = std::move(tls_);  // a handler of the old stream may still be running
      tls_ = std::make_unique<ssl::stream<tcp::socket>>(io_, *tls_ctx_);
      prepare_client_ssl(tls_->native_handle(), target_.host, target_.tls_settings.verify);
    }
    asio::async_connect(lowest(), endpoints_, [this, gen](error_code ec, const tcp::endpoint&) {
      if (closed_ || gen != generation_) return;
      if (ec) {
        last_error_ = "cannot connect to " + where() + ": " + ec.message();
        return connect_failed();
      }
      error_code ignored;
      lowest().set_option(tcp::no_delay(true), ignored);
      if (!tls_) return connected();
      tls_->async_handshake(ssl::stream_base::client, [this, gen](error_code e) {
        if (closed_ || gen != generation_) return;
        if (e) {
          last_error_ = "TLS handshake with " + where() +
                        " failed: " + handshake_failure(tls_->native_handle(), e.message());
          return connect_failed();
        }
        connected();
      });
    });
  }

  void connected() {
    {
      connected_ = true;
      backoff_.reset();
      mllp_ = payloads::MllpDeframer(1u << 20);
      proto_ = payloads::DelimitedReader(1u << 20);
      read();
      auto queued = std::move(queue_);
      queue_.clear();
      const auto now = Steady::now();
      for (auto& m : queued) {
        if (now - m->due > target_.timeout)
          complete(std::move(m), Outcome::TimedOut);
        else
          write_one(std::move(m));
      }
    }
  }

  void connect_failed() {
    close();
    ++reconnects_;
    const auto now = Steady::now();
    while (!queue_.empty() && now - queue_.front()->due > target_.timeout) {
      auto m = std::move(queue_.front());
      queue_.pop_front();
      complete(std::move(m), Outcome::Failed, {}, last_error_);
    }
    retry_.expires_after(backoff_.next());
    retry_.async_wait([this](error_code e) {
      if (!e && !closed_) connect();
    });
  }

  void close() {
    error_code ec;
    lowest().shutdown(tcp::socket::shutdown_both, ec);
    lowest().close(ec);
    connected_ = false;
    writing_ = false;
    next_.clear();
  }

  // Everything unanswered on a broken connection failed; then reconnect.
  void connection_lost() {
    ++generation_;
    close();
    for (auto& [k, m] : waiting_)
      complete(std::move(m), Outcome::Failed, {}, "connection to " + where() + " lost");
    waiting_.clear();
    order_.clear();
    ++reconnects_;
    connect();
  }

  std::string key_of(const Outbound& m) const {
    if (!m.msg->ack_key.empty()) return m.msg->ack_key;
    return target_.kind == StreamKind::Mllp ? payloads::hl7_control_id(m.id())
                                            : std::to_string(m.id());
  }

  void write_one(OutboundPtr m) {
    if (target_.kind == StreamKind::Mllp && m->pre_encoded())  // pump events, waveform blocks
      payloads::append_mllp_frame(next_, m->msg->body);
    else if (target_.kind == StreamKind::Mllp)
      payloads::append_mllp_frame(next_, payloads::encode_oru_r01(m->readings(), hl7_));
    else if (m->pre_encoded())  // a ReadingBatch holding a waveform block
      payloads::append_delimited(next_, m->msg->body);
    else
      payloads::append_delimited(next_, payloads::encode_batch(m->id(), m->readings()));
    m->written = Steady::now();
    auto key = key_of(*m);
    order_.push_back({key, m->written + target_.timeout});
    waiting_[std::move(key)] = std::move(m);
    arm_deadline();
    if (!writing_) flush();
  }

  void flush() {
    out_.swap(next_);
    next_.clear();
    writing_ = true;
    const auto gen = generation_;
    with_stream([&](auto& s) {
      asio::async_write(s, asio::buffer(out_), [this, gen](error_code ec, std::size_t) {
        if (closed_ || gen != generation_) return;
        writing_ = false;
        if (ec) return connection_lost();
        if (!next_.empty()) flush();
      });
    });
  }

  void read() {
    const auto gen = generation_;
    with_stream([&](auto& s) {
      s.async_read_some(asio::buffer(in_), [this, gen](error_code ec, std::size_t n) {
        if (closed_ || gen != generation_) return;
        if (ec) return connection_lost();
        frames_.clear();
        const std::string_view bytes(in_.data(), n);
        if (target_.kind == StreamKind::Mllp) {
          mllp_.feed(bytes, frames_);
        } else if (!proto_.feed(bytes, frames_)) {
          return connection_lost();  // a length-delimited stream cannot resynchronise
        }
        for (const auto& f : frames_) answer(f);
        read();
      });
    });
  }

  void answer(const std::string& frame) {
    std::string key;
    Outcome o = Outcome::Acknowledged;
    std::string_view code;
    std::string reason;
    bool again = false;
    if (target_.kind == StreamKind::Mllp) {
      auto ack = payloads::decode_ack(frame);
      if (!ack.ok()) return;  // garbage: the message it was for will time out
      key = ack.value.control_id;
      o = ack.value.code == payloads::AckCode::Accept ? Outcome::Acknowledged : Outcome::Rejected;
      code = payloads::ack_code_text(ack.value.code, ack.value.enhanced);
      // AR/CR: the receiver could not take it now, a sender tries again; AE/CE: the message
      // itself is wrong, sending it again as it is would fail again.
      again = payloads::ack_retryable(ack.value.code);
      if (o != Outcome::Acknowledged)
        reason = ack.value.reason.empty() ? "no reason given" : ack.value.reason;
    } else {
      auto ack = payloads::decode_batch_ack(frame);
      if (!ack.ok()) return;
      key = std::to_string(ack.value.batch_id);
      o = ack.value.rejected == 0 ? Outcome::Acknowledged : Outcome::Rejected;
      code = o == Outcome::Acknowledged ? "ok" : "nack";
      if (o != Outcome::Acknowledged)
        reason = ack.value.reason.empty()
                     ? std::to_string(ack.value.rejected) + " readings rejected"
                     : ack.value.reason;
    }
    auto it = waiting_.find(key);
    if (it == waiting_.end()) return;  // already timed out
    auto m = std::move(it->second);
    waiting_.erase(it);
    complete(std::move(m), o, code, std::move(reason), again);
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
        if (it == waiting_.end()) continue;  // answered
        auto m = std::move(it->second);
        waiting_.erase(it);
        complete(std::move(m), Outcome::TimedOut);
      }
      // Answered entries at the front would only delay the next wake-up harmlessly.
      arm_deadline();
    });
  }

  asio::io_context& io_;
  StreamTarget target_;
  CompletionFn done_;
  payloads::Hl7Options hl7_;
  const char* protocol_ = "hl7v2";
  tcp::socket socket_;
  std::optional<ssl::context> tls_ctx_;
  std::unique_ptr<ssl::stream<tcp::socket>> tls_, retired_tls_;
  std::string last_error_;
  asio::steady_timer retry_;
  asio::steady_timer deadline_;
  bool deadline_armed_ = false;
  std::vector<tcp::endpoint> endpoints_;
  std::uint64_t generation_ = 0;
  bool connected_ = false;
  bool writing_ = false;
  bool closed_ = false;
  std::string out_, next_;
  std::array<char, 16384> in_{};
  std::vector<std::string> frames_;
  payloads::MllpDeframer mllp_{1u << 20};
  payloads::DelimitedReader proto_{1u << 20};
  std::unordered_map<std::string, OutboundPtr> waiting_;
  std::deque<std::pair<std::string, Steady::time_point>> order_;
  std::deque<OutboundPtr> queue_;
  SocketBackoff backoff_;
  std::size_t in_flight_ = 0;
  std::uint64_t reconnects_ = 0;
};

}  // namespace

std::unique_ptr<Transport> make_stream_transport(boost::asio::io_context& io,
                                                 const StreamTarget& target, CompletionFn done) {
  return std::make_unique<StreamTransport>(io, target, std::move(done));
}

}  // namespace iomtsim::loadgen::detail
