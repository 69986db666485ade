// The webhook alert sink: a Beast HTTP client on the server's io_context. One request in
// flight at a time, in alert order, over a keep-alive connection; a request that fails on
// a reused connection is retried once on a fresh one (the receiver may have closed an
// idle keep-alive connection), then counted as failed.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <deque>
#include <mutex>
#include <stdexcept>

#include "alert_sinks.hpp"
#include "iomtsim/payloads/alert_json.hpp"

namespace iomtsim::reference_target {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct WebhookSink::Impl : std::enable_shared_from_this<WebhookSink::Impl> {
  Impl(asio::io_context& ioc, const AlertConfig& c, Metrics& m, const Log& l)
      : cfg(c),
        metrics(m),
        log(l),
        strand(asio::make_strand(ioc)),
        resolver(strand),
        stream(strand) {
    // http://host[:port][/path]
    std::string_view url = cfg.webhook_url;
    if (!url.starts_with("http://"))
      throw std::invalid_argument("webhook_url must start with http://");
    url.remove_prefix(7);
    const auto slash = url.find('/');
    std::string_view authority = url.substr(0, slash);
    path = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
    const auto colon = authority.rfind(':');
    host = std::string(authority.substr(0, colon));
    port = colon == std::string_view::npos ? "80" : std::string(authority.substr(colon + 1));
    if (host.empty() || port.empty())
      throw std::invalid_argument("webhook_url has no host: " + cfg.webhook_url);
    host_header = std::string(authority);
  }

  void emit(std::string body) {
    {
      std::lock_guard lock(mutex);
      if (closed) return;
      if (pending.size() >= cfg.max_pending) {
        metrics.alerts_dropped.fetch_add(1, std::memory_order_relaxed);
        return;
      }
      pending.push_back(std::move(body));
      if (running) return;
      running = true;
    }
    asio::post(strand, [self = shared_from_this()] { self->send_next(); });
  }

  void send_next() {
    {
      std::lock_guard lock(mutex);
      if (closed || pending.empty()) {
        running = false;
        return;
      }
      req = {http::verb::post, path, 11};
      req.set(http::field::host, host_header);
      req.set(http::field::content_type, "application/json");
      req.set(http::field::user_agent, "iomtsim-target");
      if (!cfg.webhook_secret.empty()) req.set(http::field::authorization, "Bearer " + cfg.webhook_secret);
      req.keep_alive(true);
      req.body() = pending.front();
    }
    req.prepare_payload();
    if (connected) return write(/*reused=*/true);
    stream.expires_after(cfg.webhook_timeout);
    resolver.async_resolve(
        host, port,
        [self = shared_from_this()](beast::error_code ec, tcp::resolver::results_type eps) {
          if (ec) return self->finish(false, false, ec);
          self->stream.expires_after(self->cfg.webhook_timeout);
          self->stream.async_connect(eps, [self](beast::error_code e, const tcp::endpoint&) {
            if (e) return self->finish(false, false, e);
            self->connected = true;
            self->write(false);
          });
        });
  }

  void write(bool reused) {
    stream.expires_after(cfg.webhook_timeout);
    http::async_write(
        stream, req, [self = shared_from_this(), reused](beast::error_code ec, std::size_t) {
          if (ec) return self->finish(false, reused, ec);
          self->res = {};
          http::async_read(self->stream, self->buffer, self->res,
                           [self, reused](beast::error_code e, std::size_t) {
                             if (e) return self->finish(false, reused, e);
                             self->finish(self->res.result_int() / 100 == 2, false, {});
                             if (!self->res.keep_alive()) self->disconnect();
                           });
        });
  }

  void finish(bool delivered, bool retry, beast::error_code ec) {
    if (ec) disconnect();
    if (retry && ec) return send_next();  // same alert, fresh connection
    if (delivered) {
      metrics.alerts_delivered.fetch_add(1, std::memory_order_relaxed);
    } else {
      metrics.alerts_failed.fetch_add(1, std::memory_order_relaxed);
      log.warn("alert_webhook_failed",
               {{"url", cfg.webhook_url},
                {"error", ec ? ec.message() : std::to_string(res.result_int())}});
    }
    {
      std::lock_guard lock(mutex);
      if (!pending.empty()) pending.pop_front();
    }
    send_next();
  }

  void disconnect() {
    connected = false;
    buffer.clear();
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.close();
  }

  const AlertConfig& cfg;
  Metrics& metrics;
  const Log& log;
  asio::strand<asio::io_context::executor_type> strand;
  tcp::resolver resolver;
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  http::request<http::string_body> req;
  http::response<http::string_body> res;
  std::string host, port, path, host_header;
  bool connected = false;

  std::mutex mutex;
  std::deque<std::string> pending;
  bool running = false;
  bool closed = false;
};

WebhookSink::WebhookSink(asio::io_context& ioc, const AlertConfig& cfg, Metrics& metrics,
                         const Log& log)
    : impl_(std::make_shared<Impl>(ioc, cfg, metrics, log)) {}

WebhookSink::~WebhookSink() { close(); }

void WebhookSink::emit(const physiology::Alert& alert) {
  impl_->emit(payloads::encode_alert_json(alert));
}

void WebhookSink::close() {
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->closed) return;
    impl_->closed = true;
  }
  asio::post(impl_->strand, [impl = impl_] { impl->disconnect(); });
}

}  // namespace iomtsim::reference_target
