#include "http_transport.hpp"

#include <openssl/ssl.h>

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <deque>
#include <optional>

#include "connect/secrets.hpp"
#include "iomtsim/payloads/dicom_stow.hpp"
#include "iomtsim/payloads/fhir.hpp"
#include "iomtsim/payloads/fhir_alerts.hpp"
#include "retry_after.hpp"

namespace iomtsim::loadgen::detail {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using reports::Outcome;

struct Conn {
  explicit Conn(asio::io_context& io) : stream(io), timer(io) {}
  enum class State : std::uint8_t { Closed, Connecting, Idle, Busy, Waiting };
  // Plain HTTP uses `stream`; HTTPS a fresh `tls` stream per connection (an SSL session
  // cannot be reused after close), whose own tcp_stream carries the timeouts.
  beast::tcp_stream stream;
  std::unique_ptr<TlsStream> tls;
  // The previous TLS stream, kept until the next connect: a reconnect may start inside a
  // completion handler of that stream, which must not be destroyed under it.
  std::unique_ptr<TlsStream> retired_tls;
  asio::steady_timer timer;  // ramp-up delay and reconnect back-off
  beast::flat_buffer buffer;
  // The request head as bytes, rebuilt in place for each message, written with its body
  // in one gather write: no Beast field list or serializer per request (a few
  // microseconds of a loopback round trip), and no copy of a multi-MiB body.
  std::string raw;
  std::string body;                  // a readings body being encoded, reused
  const std::string* out = nullptr;  // the body being written: `body` or the message's
  std::optional<http::response_parser<http::string_body>> parser;
  OutboundPtr current;
  State state = State::Closed;
  bool reused = false;  // answered at least once since it connected
  SocketBackoff backoff;
};

class HttpTransport final : public Transport {
 public:
  HttpTransport(asio::io_context& io, HttpTarget target, CompletionFn done)
      : io_(io), target_(std::move(target)), done_(std::move(done)) {
    fhir_.epoch_unix_ms = target_.epoch_unix_ms;
    fhir_.device_time_scale = target_.device_time_scale;
    fhir_.refs = target_.refs.get();
    fhir_.write = target_.write;
    fhir_.delivery_run = target_.delivery_run;
    host_header_ = target_.host + ":" + std::to_string(target_.port);
    if (target_.credentials) static_headers_ = target_.credentials->header_lines();
    const unsigned n = std::max(1u, target_.connections);
    for (unsigned i = 0; i < n; ++i) conns_.push_back(std::make_unique<Conn>(io_));
    if (target_.tls) {
      try {
        tls_.emplace(make_client_tls(target_.tls_settings, "FHIR"));
      } catch (const TlsSetupError& e) {
        throw TransportError(e.what());
      }
    }
  }

  void start() override {
    // Resolved once: a name that does not resolve leaves no endpoint, and every connect
    // then fails (counted), like a target that is not there.
    beast::error_code ec;
    tcp::resolver resolver(io_);
    auto results = resolver.resolve(target_.host, std::to_string(target_.port), ec);
    if (!ec)
      for (const auto& r : results) endpoints_.push_back(r.endpoint());
    for (std::size_t i = 0; i < conns_.size(); ++i) {
      Conn& c = *conns_[i];
      c.state = Conn::State::Waiting;
      c.timer.expires_after(target_.ramp_interval * static_cast<long>(i));
      c.timer.async_wait([this, &c](beast::error_code e) {
        if (!e && !closed_) connect(c);
      });
    }
  }

  void send(OutboundPtr msg) override {
    ++in_flight_;
    queue_.push_back(std::move(msg));
    dispatch();
  }

  std::size_t in_flight() const override { return in_flight_; }
  std::uint64_t reconnects() const override { return reconnects_; }
  TlsFailures tls_failures() const override { return tls_failures_; }

  std::vector<OutboundPtr> abandon() override {
    closed_ = true;
    std::vector<OutboundPtr> out;
    for (auto& c : conns_) {
      c->timer.cancel();
      close_socket(*c);
      if (c->current) out.push_back(std::move(c->current));
    }
    for (auto& m : queue_) out.push_back(std::move(m));
    queue_.clear();
    in_flight_ = 0;
    return out;
  }

 private:
  bool stale(const Outbound& m, Steady::time_point now) const {
    return now - m.due > target_.timeout;
  }

  void complete(OutboundPtr m, Outcome o, unsigned status, std::string detail = {},
                bool retryable = false, std::optional<std::chrono::nanoseconds> retry_after = {}) {
    --in_flight_;
    done_(std::move(m), Completion{o,
                                   status,
                                   Steady::now(),
                                   target_.protocol,
                                   {},
                                   std::move(detail),
                                   retryable,
                                   retry_after});
  }

  // What a device retries: the server is busy or broken, not refusing the content.
  static bool retryable_status(unsigned status) {
    return status == 408 || status == 429 || status / 100 == 5;
  }

  // Why the server refused: its OperationOutcome, and for a 401 what WWW-Authenticate says.
  static std::string refusal_reason(const http::response<http::string_body>& res) {
    std::string why = payloads::operation_outcome_reason(res.body());
    if (res.result_int() == 401 || res.result_int() == 403) {
      const auto challenge = res[http::field::www_authenticate];
      if (!challenge.empty()) {
        const auto at = challenge.find("error_description=\"");
        std::string text =
            at == std::string_view::npos
                ? std::string(challenge)
                : std::string(challenge.substr(at + 19, challenge.find('"', at + 19) - at - 19));
        if (why.find(text) == std::string::npos) why = why.empty() ? text : text + "; " + why;
      }
      if (why.empty()) why = res.result_int() == 401 ? "unauthorized" : "forbidden";
    }
    if (why.empty()) {
      why = res.body().substr(0, 200);
      if (why.empty()) why = std::string(res.reason());
    }
    return redact(why);
  }

  // The stream a connection's requests go over.
  template <class F>
  void with_stream(Conn& c, F&& f) {
    if (c.tls)
      f(*c.tls);
    else
      f(c.stream);
  }
  static beast::tcp_stream& lowest(Conn& c) { return c.tls ? c.tls->next_layer() : c.stream; }

  void connect(Conn& c) {
    c.state = Conn::State::Connecting;
    if (tls_) {
      c.retired_tls = std::move(c.tls);
      c.tls = std::make_unique<TlsStream>(io_, *tls_);
      // SNI for name-based virtual hosts (not for IP literals), then name verification.
      prepare_client_ssl(c.tls->native_handle(), target_.host, target_.tls_settings.verify);
    }
    beast::tcp_stream& tcp_layer = lowest(c);
    tcp_layer.expires_after(target_.timeout);
    tcp_layer.async_connect(endpoints_, [this, &c](beast::error_code ec, const tcp::endpoint&) {
      if (closed_) return;
      if (ec) {
        last_connect_error_ = "cannot connect to " + host_header_ + ": " + ec.message();
        return connect_failed(c);
      }
      beast::error_code ignored;
      lowest(c).socket().set_option(tcp::no_delay(true), ignored);
      if (!c.tls) return connected(c);
      c.tls->async_handshake(ssl::stream_base::client, [this, &c](beast::error_code e) {
        if (closed_) return;
        if (e) {  // wrong CA or name, not TLS: like a refused connect, with its reason kept
          const auto reason = handshake_failure(c.tls->native_handle(), e.message());
          ++tls_failures_[reason];
          last_connect_error_ = "TLS handshake with " + host_header_ + " failed: " + reason;
          return connect_failed(c);
        }
        connected(c);
      });
    });
  }

  void connected(Conn& c) {
    lowest(c).expires_never();
    c.state = Conn::State::Idle;
    c.reused = false;
    c.backoff.reset();
    dispatch();
  }

  void connect_failed(Conn& c) {
    close_socket(c);
    ++reconnects_;
    // Nothing can be sent while the target is away: what has waited too long failed.
    const auto now = Steady::now();
    while (!queue_.empty() && stale(*queue_.front(), now)) {
      auto m = std::move(queue_.front());
      queue_.pop_front();
      complete(std::move(m), Outcome::Failed, 0, last_connect_error_, true);
    }
    c.state = Conn::State::Waiting;
    c.timer.expires_after(c.backoff.next());
    c.timer.async_wait([this, &c](beast::error_code e) {
      if (!e && !closed_) connect(c);
    });
  }

  // No TLS close_notify: the load generator drops connections it gives up on, and the
  // server sees a plain close either way.
  void close_socket(Conn& c) {
    beast::error_code ec;
    beast::tcp_stream& s = lowest(c);
    s.socket().shutdown(tcp::socket::shutdown_both, ec);
    s.close();
    c.buffer.consume(c.buffer.size());
    c.state = Conn::State::Closed;
  }

  void dispatch() {
    for (auto& cp : conns_) {
      Conn& c = *cp;
      while (c.state == Conn::State::Idle && !queue_.empty()) {
        auto m = std::move(queue_.front());
        queue_.pop_front();
        if (stale(*m, Steady::now())) {
          complete(std::move(m), Outcome::TimedOut, 0, {}, true);
          continue;
        }
        write(c, std::move(m));
      }
      if (queue_.empty()) return;
    }
  }

  void write(Conn& c, OutboundPtr m) {
    c.state = Conn::State::Busy;
    c.current = std::move(m);
    const Outbound& o = *c.current;
    const auto& msg = *o.msg;
    const bool single = msg.readings.size() == 1;
    // A pre-encoded message (to `http_path` under the FHIR base, or to the base itself for
    // a transaction Bundle) or an asset query (an absolute path).
    const bool pre_encoded = o.pre_encoded();
    const bool put = !pre_encoded && single && fhir_.write == payloads::FhirWrite::Put;
    const std::string* body = &msg.body;
    if (!pre_encoded) {
      c.body.clear();
      if (single)
        payloads::append_observation(c.body, msg.readings.front(), fhir_);
      else
        c.body = payloads::encode_transaction_bundle(msg.readings, fhir_);
      body = &c.body;
    }
    std::string& r = c.raw;
    r.clear();
    r += msg.http_get ? "GET " : put ? "PUT " : "POST ";
    if (pre_encoded) {
      if (msg.http_path.empty()) {
        r += target_.base_path;
      } else if (msg.http_path.front() == '/') {
        r += msg.http_path;
      } else {
        r += target_.base_path;
        r += '/';
        r += msg.http_path;
      }
    } else {
      r += target_.base_path;
      if (single) r += "/Observation";
      if (put) {
        r += '/';
        payloads::append_delivery_key(r, fhir_.delivery_run, msg.readings.front().id);
      }
    }
    r += " HTTP/1.1\r\nHost: ";
    r += host_header_;
    if (msg.http_get) {
      r += "\r\nAccept: application/json\r\n";
    } else {
      // Readings are FHIR whatever the target; pre-encoded bodies are the target's kind.
      r += "\r\nContent-Type: ";
      r += pre_encoded ? target_.content_type : "application/fhir+json";
      r += "\r\nAccept: ";
      r += pre_encoded ? target_.accept : "application/fhir+json";
      r += "\r\n";
    }
    if (!pre_encoded && single && fhir_.write == payloads::FhirWrite::ConditionalCreate) {
      r += "If-None-Exist: ";
      payloads::append_if_none_exist(r, fhir_.delivery_run, msg.readings.front().id);
      r += "\r\n";
    }
    if (target_.credentials) {
      target_.credentials->authorization_line(auth_version_, auth_line_);
      r += static_headers_;
      r += auth_line_;
    }
    if (!msg.http_get || !body->empty()) {
      r += "Content-Length: ";
      r += std::to_string(body->size());
      r += "\r\n";
    }
    r += "\r\n";
    c.out = body;  // owned by c.current or c: alive until the write completes
    c.current->written = Steady::now();
    c.parser.reset();
    lowest(c).expires_after(target_.timeout);  // covers the write and the answer
    with_stream(c, [this, &c](auto& stream) {
      const std::array<asio::const_buffer, 2> bytes{asio::buffer(c.raw), asio::buffer(*c.out)};
      asio::async_write(stream, bytes, [this, &c, &stream](beast::error_code ec, std::size_t) {
        if (closed_) return;
        if (ec) return request_failed(c, ec);
        c.parser.emplace();
        c.parser->body_limit(16u << 20);
        http::async_read(stream, c.buffer, *c.parser, [this, &c](beast::error_code e, std::size_t) {
          if (closed_) return;
          if (e) return request_failed(c, e);
          answered(c);
        });
      });
    });
  }

  void answered(Conn& c) {
    const auto& res = c.parser->get();
    const unsigned status = res.result_int();
    const bool keep = res.keep_alive();
    lowest(c).expires_never();
    c.reused = true;
    if (c.current->msg->http_get) c.current->answer = res.body();
    const bool ok = status / 100 == 2;
    if (status == 401 && target_.credentials) target_.credentials->unauthorized();
    const bool again = !ok && retryable_status(status);
    std::optional<std::chrono::nanoseconds> after;
    if (again) {
      if (const auto v = res[http::field::retry_after]; !v.empty()) {
        const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
        after = parse_retry_after(std::string_view(v.data(), v.size()), now_s);
      }
    }
    std::string why = ok ? std::string() : refusal_reason(res);
    bool stored = ok;
    if (target_.stow_answers) {
      // A PACS may answer 200 or 202 and still list the instance as not stored.
      if (const auto a = payloads::read_stow_answer(res.body()); a && a->failed > 0) {
        stored = false;
        why = redact(a->reason);
      }
    }
    complete(std::move(c.current), stored ? Outcome::Acknowledged : Outcome::Rejected, status,
             std::move(why), again, after);
    if (keep) {
      c.state = Conn::State::Idle;
    } else {
      close_socket(c);
      connect(c);
    }
    dispatch();
  }

  void request_failed(Conn& c, beast::error_code ec) {
    const bool timed_out = ec == beast::error::timeout;
    // Only a reused connection closed before any byte of an answer looks like a server
    // that dropped an idle keep-alive socket; garbage or a half answer is a failure.
    const bool closed_early = ec == http::error::end_of_stream || ec == asio::error::eof ||
                              ec == asio::error::connection_reset ||
                              ec == asio::error::broken_pipe || ec == ssl::error::stream_truncated;
    const bool answer_started = c.parser && c.parser->got_some();
    const bool stale_keepalive =
        target_.resend_stale && closed_early && !answer_started && c.reused && !c.current->retried;
    close_socket(c);
    ++reconnects_;
    auto m = std::move(c.current);
    if (stale_keepalive) {
      m->retried = true;
      queue_.push_front(std::move(m));
    } else {
      complete(
          std::move(m), timed_out ? Outcome::TimedOut : Outcome::Failed, 0,
          timed_out ? std::string() : redact("connection to " + host_header_ + ": " + ec.message()),
          true);
    }
    connect(c);  // a refused connect backs off in connect_failed
  }

  asio::io_context& io_;
  HttpTarget target_;
  CompletionFn done_;
  payloads::FhirOptions fhir_;
  std::string host_header_;
  std::string static_headers_;      // the endpoint's custom headers, as raw lines
  std::uint64_t auth_version_ = 0;  // of auth_line_, see Credentials::authorization_line
  std::string auth_line_;
  std::string last_connect_error_;  // why the last connect or handshake failed
  std::vector<tcp::endpoint> endpoints_;
  std::optional<ssl::context> tls_;  // set for https
  TlsFailures tls_failures_;
  std::vector<std::unique_ptr<Conn>> conns_;
  std::deque<OutboundPtr> queue_;
  std::size_t in_flight_ = 0;
  std::uint64_t reconnects_ = 0;
  bool closed_ = false;
};

}  // namespace

std::unique_ptr<Transport> make_http_transport(boost::asio::io_context& io,
                                               const HttpTarget& target, CompletionFn done) {
  return std::make_unique<HttpTransport>(io, target, std::move(done));
}

}  // namespace iomtsim::loadgen::detail
