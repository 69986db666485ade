#include "http_client.hpp"

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>

namespace iomtsim::loadgen::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

std::string Url::origin() const {
  return std::string(tls ? "https://" : "http://") + host + ":" + std::to_string(port);
}

std::optional<Url> parse_url(const std::string& text) {
  Url u;
  std::string_view s = text;
  if (s.starts_with("https://")) {
    u.tls = true;
    s.remove_prefix(8);
  } else if (s.starts_with("http://")) {
    s.remove_prefix(7);
  } else {
    return std::nullopt;
  }
  const auto slash = s.find('/');
  std::string_view authority = s.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : s.substr(slash);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  u.path = std::string(path);
  u.port = u.tls ? 443 : 80;
  if (authority.starts_with('[')) {  // [v6]:port
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    u.host = std::string(authority.substr(1, close - 1));
    authority.remove_prefix(close + 1);
    if (!authority.empty() && authority.front() != ':') return std::nullopt;
  } else {
    const auto colon = authority.rfind(':');
    u.host = std::string(authority.substr(0, colon));
    authority = colon == std::string_view::npos ? std::string_view() : authority.substr(colon);
  }
  if (!authority.empty()) {
    authority.remove_prefix(1);
    unsigned p = 0;
    auto [ptr, ec] = std::from_chars(authority.data(), authority.data() + authority.size(), p);
    if (ec != std::errc() || ptr != authority.data() + authority.size() || p == 0 || p > 65535)
      return std::nullopt;
    u.port = static_cast<std::uint16_t>(p);
  }
  if (u.host.empty()) return std::nullopt;
  return u;
}

struct HttpClient::Impl {
  Impl(const Url& u, const TlsClientSettings& s, std::string w, std::chrono::milliseconds t)
      : url(u), settings(s), what(std::move(w)), timeout(t) {
    if (url.tls) tls.emplace(make_client_tls(settings, what));
  }

  Url url;
  TlsClientSettings settings;
  std::string what;
  std::chrono::milliseconds timeout;
  asio::io_context io{1};
  std::optional<ssl::context> tls;
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;
  bool connected = false;

  beast::tcp_stream& lowest() { return secure ? secure->next_layer() : *plain; }

  void close() {
    if (!plain && !secure) return;
    beast::error_code ec;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
    lowest().close();
    connected = false;
    buffer.clear();
  }

  // Runs the io_context until `done` or the deadline; on the deadline, closes the socket and
  // lets the aborted handlers run. Returns whether it finished in time.
  bool run_until(const bool& done, std::chrono::steady_clock::time_point deadline) {
    io.restart();
    while (!done) {
      const auto left = deadline - std::chrono::steady_clock::now();
      if (left <= std::chrono::steady_clock::duration::zero()) break;
      if (io.run_one_for(left) == 0 && io.stopped()) io.restart();
    }
    if (done) return true;
    close();
    io.restart();
    io.run();
    return false;
  }

  std::string connect(std::chrono::steady_clock::time_point deadline) {
    close();
    plain.reset();
    secure.reset();
    beast::error_code ec;
    tcp::resolver resolver(io);
    const auto endpoints = resolver.resolve(url.host, std::to_string(url.port), ec);
    if (ec) return what + ": cannot resolve " + url.host + ": " + ec.message();
    if (tls) {
      secure = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(io, *tls);
      prepare_client_ssl(secure->native_handle(), url.host, settings.verify);
    } else {
      plain = std::make_unique<beast::tcp_stream>(io);
    }
    bool done = false;
    std::string error;
    lowest().async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) {
      if (e) {
        error = what + ": cannot connect to " + url.host + ":" + std::to_string(url.port) + ": " +
                e.message();
        done = true;
        return;
      }
      if (!secure) {
        done = true;
        return;
      }
      secure->async_handshake(ssl::stream_base::client, [&](beast::error_code h) {
        if (h)
          error = what + ": TLS handshake with " + url.host + ":" + std::to_string(url.port) +
                  " failed: " + handshake_failure(secure->native_handle(), h.message());
        done = true;
      });
    });
    if (!run_until(done, deadline))
      return what + ": connecting to " + url.host + ":" + std::to_string(url.port) + " timed out";
    if (error.empty()) connected = true;
    return error;
  }

  // One exchange on the open connection; `answered` tells whether any answer byte came.
  HttpReply exchange(http::request<http::string_body>& req,
                     std::chrono::steady_clock::time_point deadline, bool& answered) {
    HttpReply reply;
    bool done = false;
    http::response_parser<http::string_body> parser;
    parser.body_limit(16u << 20);
    beast::error_code result;
    auto on_read = [&](beast::error_code e, std::size_t) {
      result = e;
      done = true;
    };
    auto on_write = [&](beast::error_code e, std::size_t) {
      if (e) {
        result = e;
        done = true;
        return;
      }
      if (secure)
        http::async_read(*secure, buffer, parser, on_read);
      else
        http::async_read(*plain, buffer, parser, on_read);
    };
    if (secure)
      http::async_write(*secure, req, on_write);
    else
      http::async_write(*plain, req, on_write);
    if (!run_until(done, deadline)) {
      answered = parser.got_some();
      reply.error = what + ": no answer within " + std::to_string(timeout.count()) + " ms";
      return reply;
    }
    answered = parser.got_some();
    if (result) {
      close();
      reply.error = what + ": " + result.message();
      return reply;
    }
    const auto& res = parser.get();
    reply.status = res.result_int();
    for (const auto& f : res) {
      std::string name(f.name_string());
      for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      reply.headers[name] = std::string(f.value());
    }
    reply.body = res.body();
    if (!res.keep_alive()) close();
    return reply;
  }
};

HttpClient::HttpClient(Url base, const TlsClientSettings& tls, std::string what,
                       std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>(base, tls, std::move(what), timeout)), base_(std::move(base)) {}

HttpClient::~HttpClient() {
  if (impl_) impl_->close();
}

HttpReply HttpClient::request(const std::string& method, const std::string& target,
                              const std::string& body, const HeaderList& headers) {
  ++requests_;
  std::string path;
  if (target.starts_with("http://") || target.starts_with("https://")) {
    auto u = parse_url(target);
    const auto scheme_end = target.find("://") + 3;
    const auto slash = target.find('/', scheme_end);
    path = slash == std::string::npos ? "/" : target.substr(slash);
    if (!u || u->host != base_.host || u->port != base_.port) {
      HttpReply r;
      r.error = impl_->what + ": will not follow a link to another server: " + target;
      return r;
    }
  } else if (!target.empty() && target.front() == '/') {
    path = target;
  } else {
    path = base_.path + "/" + target;
    if (target.empty()) path = base_.path.empty() ? "/" : base_.path;
  }
  http::request<http::string_body> req{http::string_to_verb(method), path, 11};
  req.set(http::field::host, base_.host + ":" + std::to_string(base_.port));
  req.set(http::field::user_agent, "iomtsim");
  for (const auto& [name, value] : headers) req.set(name, value);
  if (!body.empty() || method == "POST" || method == "PUT") {
    req.body() = body;
    req.prepare_payload();
  }
  req.keep_alive(true);
  const auto deadline = std::chrono::steady_clock::now() + impl_->timeout;
  // A reused connection the server closed meanwhile fails before any answer: once more on a
  // fresh one.
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = impl_->connected;
    if (!impl_->connected) {
      auto err = impl_->connect(deadline);
      if (!err.empty()) {
        HttpReply r;
        r.error = err;
        return r;
      }
    }
    bool answered = false;
    auto reply = impl_->exchange(req, deadline, answered);
    if (reply.status != 0 || answered || !reused) return reply;
    impl_->close();
  }
  HttpReply r;
  r.error = impl_->what + ": the connection closed before an answer";
  return r;
}

}  // namespace iomtsim::loadgen::detail
