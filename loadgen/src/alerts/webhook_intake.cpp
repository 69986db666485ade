#include "webhook_intake.hpp"

#include <openssl/crypto.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <thread>

#include "mapped_json.hpp"

namespace iomtsim::loadgen::detail {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr std::size_t kMaxConnections = 64;
constexpr std::size_t kBodyLimit = 1u << 20;

bool secret_matches(std::string_view header, const std::string& secret) {
  if (secret.empty()) return false;
  constexpr std::string_view kScheme = "Bearer ";
  if (header.size() != kScheme.size() + secret.size()) return false;
  for (std::size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(header[i])) !=
        std::tolower(static_cast<unsigned char>(kScheme[i])))
      return false;
  return CRYPTO_memcmp(header.data() + kScheme.size(), secret.data(), secret.size()) == 0;
}

}  // namespace

struct WebhookIntake::Impl {
  Impl(WebhookIntake& o, WebhookOptions opts, Sink s)
      : owner(o), options(std::move(opts)), sink(std::move(s)), acceptor(io) {}

  struct Session : std::enable_shared_from_this<Session> {
    Session(Impl& i, tcp::socket s) : impl(i), stream(std::move(s)) { ++impl.open; }
    ~Session() { --impl.open; }
    Impl& impl;
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    std::optional<http::request_parser<http::string_body>> parser;
    http::response<http::string_body> res;

    void read() {
      parser.emplace();
      parser->body_limit(kBodyLimit);
      stream.expires_after(std::chrono::seconds(30));
      http::async_read(
          stream, buffer, *parser, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) return;  // closed, timed out, too large or unparseable: drop the connection
            self->handle();
          });
    }

    void handle() {
      const auto& req = parser->get();
      unsigned status = 200;
      std::string body = "{}";
      if (!secret_matches(req[http::field::authorization], impl.options.secret)) {
        impl.owner.refused_.fetch_add(1, std::memory_order_relaxed);
        status = 401;
        body = R"({"error":"the shared secret is missing or wrong"})";
      } else if (req.method() != http::verb::post && req.method() != http::verb::put) {
        status = 405;
        body = R"({"error":"use POST"})";
      } else if (!req.body().empty()) {  // an empty POST is a Subscription handshake/heartbeat
        std::vector<HeardAlert> alerts;
        const auto err = read_alert_json(req.body(), impl.options.fields, "webhook", alerts);
        for (auto& a : alerts)
          if (req.body().find("\"resourceType\"") != std::string::npos) a.source = "subscription";
        if (!alerts.empty()) {
          impl.owner.received_.fetch_add(alerts.size(), std::memory_order_relaxed);
          impl.sink(std::move(alerts));
        }
        if (!err.empty()) {
          impl.owner.bad_.fetch_add(1, std::memory_order_relaxed);
          status = 400;
          body = R"({"error":"unreadable alert"})";
        }
      }
      res = http::response<http::string_body>(static_cast<http::status>(status), req.version());
      res.set(http::field::content_type, "application/json");
      res.keep_alive(req.keep_alive());
      res.body() = std::move(body);
      res.prepare_payload();
      http::async_write(stream, res,
                        [self = shared_from_this()](beast::error_code ec, std::size_t) {
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
      if (!ec && open < kMaxConnections) std::make_shared<Session>(*this, std::move(s))->read();
      accept();  // over the limit the socket is closed as it goes out of scope
    });
  }

  WebhookIntake& owner;
  WebhookOptions options;
  Sink sink;
  asio::io_context io{1};
  tcp::acceptor acceptor;
  std::uint16_t port = 0;
  std::size_t open = 0;  // sessions (io thread only)
  std::thread thread;
  bool running = false;
};

WebhookIntake::WebhookIntake(WebhookOptions options, Sink sink)
    : impl_(std::make_unique<Impl>(*this, std::move(options), std::move(sink))) {}

WebhookIntake::~WebhookIntake() { stop(); }

void WebhookIntake::start() {
  if (impl_->running) return;
  const tcp::endpoint ep(asio::ip::make_address(impl_->options.bind), impl_->options.port);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(ep);  // throws boost::system::system_error (a std::system_error kin)
  impl_->acceptor.listen();
  impl_->port = impl_->acceptor.local_endpoint().port();
  impl_->accept();
  impl_->running = true;
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

void WebhookIntake::stop() {
  if (!impl_->running) return;
  impl_->running = false;
  asio::post(impl_->io, [this] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
    impl_->io.stop();
  });
  impl_->thread.join();
}

std::uint16_t WebhookIntake::port() const { return impl_->port; }

std::string WebhookIntake::url() const {
  const std::string host = impl_->options.bind == "0.0.0.0" || impl_->options.bind == "::"
                               ? "127.0.0.1"
                               : impl_->options.bind;
  return "http://" + host + ":" + std::to_string(port()) + "/alerts";
}

}  // namespace iomtsim::loadgen::detail
