#include "iomtsim/loadgen/alert_intake.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <thread>

#include "iomtsim/payloads/alert_json.hpp"

namespace iomtsim::loadgen {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

}  // namespace

struct AlertIntake::Impl {
  Impl(AlertIntake& o, Sink s, Now n, std::uint16_t p)
      : owner(o), sink(std::move(s)), now(std::move(n)), requested_port(p), acceptor(io) {}

  // One keep-alive connection: read a request, record its alerts, answer, repeat.
  struct Session : std::enable_shared_from_this<Session> {
    Session(Impl& i, tcp::socket s) : impl(i), stream(std::move(s)) {}
    Impl& impl;
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    http::request<http::string_body> req;
    http::response<http::string_body> res;

    void read() {
      req = {};
      stream.expires_after(std::chrono::seconds(60));
      http::async_read(stream, buffer, req, [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (ec) return;  // closed, timed out or unparseable: drop the connection
        self->handle();
      });
    }

    void handle() {
      unsigned status = 200;
      std::string body = "{}";
      if (req.method() != http::verb::post) {
        status = 405;
        body = R"({"error":"use POST"})";
      } else {
        auto decoded = payloads::decode_alerts_json(req.body());
        if (!decoded.ok()) {
          impl.owner.bad_.fetch_add(1, std::memory_order_relaxed);
          status = 400;
          body = R"({"error":"bad alert JSON"})";
        } else {
          const auto received = impl.now();
          for (auto& a : decoded.value) {
            a.received_time = received;
            impl.sink(a);
            impl.owner.received_.fetch_add(1, std::memory_order_relaxed);
          }
        }
      }
      res = http::response<http::string_body>(static_cast<http::status>(status), req.version());
      res.set(http::field::content_type, "application/json");
      res.keep_alive(req.keep_alive());
      res.body() = std::move(body);
      res.prepare_payload();
      http::async_write(stream, res, [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (ec || !self->res.keep_alive()) {
          beast::error_code ignored;
          self->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
          return;
        }
        self->read();
      });
    }
  };

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket s) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (!ec) std::make_shared<Session>(*this, std::move(s))->read();
      accept();
    });
  }

  AlertIntake& owner;
  Sink sink;
  Now now;
  std::uint16_t requested_port;
  asio::io_context io{1};
  tcp::acceptor acceptor;
  std::uint16_t port = 0;
  std::thread thread;
  bool running = false;
};

AlertIntake::AlertIntake(Sink sink, Now now, std::uint16_t port)
    : impl_(std::make_unique<Impl>(*this, std::move(sink), std::move(now), port)) {}

AlertIntake::~AlertIntake() { stop(); }

void AlertIntake::start() {
  if (impl_->running) return;
  const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), impl_->requested_port);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(ep);  // throws boost::system::system_error (a std::system_error kin)
  impl_->acceptor.listen();
  impl_->port = impl_->acceptor.local_endpoint().port();
  impl_->accept();
  impl_->running = true;
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

void AlertIntake::stop() {
  if (!impl_->running) return;
  impl_->running = false;
  asio::post(impl_->io, [this] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
    impl_->io.stop();  // open sessions are dropped with the io_context
  });
  impl_->thread.join();
}

std::uint16_t AlertIntake::port() const { return impl_->port; }
std::string AlertIntake::url() const { return "http://127.0.0.1:" + std::to_string(port()) + "/alerts"; }

}  // namespace iomtsim::loadgen
