// The PCD-04 alert sink: each alert as an HL7 ORU^R40 (payloads/hl7_alert.hpp) over MLLP to
// a configured destination, one message in flight at a time, in alert order, waiting for
// its ACK; a connection error re-opens the connection and sends the message once more,
// then counts it as failed. Queued up to AlertConfig::max_pending (then dropped, counted).
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <chrono>
#include <deque>
#include <mutex>
#include <stdexcept>

#include "alert_sinks.hpp"
#include "iomtsim/payloads/hl7_alert.hpp"
#include "iomtsim/payloads/mllp.hpp"

namespace iomtsim::reference_target {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

struct Pcd04Sink::Impl : std::enable_shared_from_this<Pcd04Sink::Impl> {
  Impl(asio::io_context& ioc, const AlertConfig& c, Metrics& m, const Log& l)
      : cfg(c),
        metrics(m),
        log(l),
        strand(asio::make_strand(ioc)),
        resolver(strand),
        socket(strand),
        timer(strand) {
    const auto colon = cfg.pcd04_mllp.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == cfg.pcd04_mllp.size())
      throw std::invalid_argument("pcd04_mllp must be host:port, found '" + cfg.pcd04_mllp + "'");
    host = cfg.pcd04_mllp.substr(0, colon);
    port = cfg.pcd04_mllp.substr(colon + 1);
  }

  void emit(std::string message) {
    {
      std::lock_guard lock(mutex);
      if (closed) return;
      if (pending.size() >= cfg.max_pending) {
        metrics.alerts_dropped.fetch_add(1, std::memory_order_relaxed);
        return;
      }
      pending.push_back(std::move(message));
      if (running) return;
      running = true;
    }
    asio::post(strand, [self = shared_from_this()] { self->send_next(false); });
  }

  void send_next(bool retry) {
    {
      std::lock_guard lock(mutex);
      if (closed || pending.empty()) {
        running = false;
        return;
      }
      out = payloads::mllp_frame(pending.front());
    }
    if (connected) return write(retry);
    arm(cfg.webhook_timeout);
    resolver.async_resolve(
        host, port,
        [self = shared_from_this(), retry](error_code ec, tcp::resolver::results_type eps) {
          if (ec) return self->finish(false, retry, ec);
          asio::async_connect(self->socket, eps, [self, retry](error_code e, const tcp::endpoint&) {
            if (e) return self->finish(false, retry, e);
            self->connected = true;
            self->write(retry);
          });
        });
  }

  void arm(std::chrono::nanoseconds t) {
    timer.expires_after(t);
    timer.async_wait([self = shared_from_this()](error_code ec) {
      if (!ec) {  // no ACK in time: the connection is given up
        error_code ignored;
        self->socket.close(ignored);
      }
    });
  }

  void write(bool retry) {
    arm(cfg.webhook_timeout);
    asio::async_write(socket, asio::buffer(out),
                      [self = shared_from_this(), retry](error_code ec, std::size_t) {
                        if (ec) return self->finish(false, retry, ec);
                        self->read(retry);
                      });
  }

  void read(bool retry) {
    socket.async_read_some(
        asio::buffer(in), [self = shared_from_this(), retry](error_code ec, std::size_t n) {
          if (ec) return self->finish(false, retry, ec);
          self->frames.clear();
          self->deframer.feed(std::string_view(self->in.data(), n), self->frames);
          if (self->frames.empty()) return self->read(retry);
          const auto ack = payloads::decode_ack(self->frames.front());
          self->finish(ack.ok() && ack.value.code == payloads::AckCode::Accept, false, {});
        });
  }

  void finish(bool delivered, bool retried, error_code ec) {
    timer.cancel();
    if (ec) {
      disconnect();
      if (!retried) return send_next(true);  // once more on a fresh connection
    }
    if (delivered) {
      metrics.alerts_delivered.fetch_add(1, std::memory_order_relaxed);
    } else {
      metrics.alerts_failed.fetch_add(1, std::memory_order_relaxed);
      log.warn("alert_pcd04_failed",
               {{"to", cfg.pcd04_mllp}, {"error", ec ? ec.message() : "not acknowledged"}});
    }
    {
      std::lock_guard lock(mutex);
      if (!pending.empty()) pending.pop_front();
    }
    send_next(false);
  }

  void disconnect() {
    connected = false;
    deframer = payloads::MllpDeframer(1u << 20);
    error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }

  const AlertConfig& cfg;
  Metrics& metrics;
  const Log& log;
  asio::strand<asio::io_context::executor_type> strand;
  tcp::resolver resolver;
  tcp::socket socket;
  asio::steady_timer timer;
  std::string host, port, out;
  std::array<char, 4096> in{};
  payloads::MllpDeframer deframer{1u << 20};
  std::vector<std::string> frames;
  bool connected = false;

  std::mutex mutex;
  std::deque<std::string> pending;
  bool running = false;
  bool closed = false;
};

Pcd04Sink::Pcd04Sink(asio::io_context& ioc, const AlertConfig& cfg, Metrics& metrics,
                     const Log& log)
    : impl_(std::make_shared<Impl>(ioc, cfg, metrics, log)) {}

Pcd04Sink::~Pcd04Sink() { close(); }

void Pcd04Sink::emit(const physiology::Alert& alert) {
  const std::int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  impl_->emit(payloads::encode_alert_oru_r40(alert, "p" + std::to_string(alert.patient), now));
}

void Pcd04Sink::close() {
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->closed) return;
    impl_->closed = true;
  }
  asio::post(impl_->strand, [impl = impl_] {
    impl->timer.cancel();
    impl->disconnect();
  });
}

}  // namespace iomtsim::reference_target
