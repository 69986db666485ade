// FHIR R4 over HTTP/1.1 with Boost.Beast: keep-alive sessions, body and header limits,
// idle and whole-request timeouts (slow clients are cut off, not waited for), the
// connection limit and the body memory budget (refused with 503 and Retry-After),
// optional TLS. This is the only Beast server TU of the target: Beast is slow to compile.
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <charconv>
#include <optional>
#include <stdexcept>

#include "context.hpp"
#include "fhir_rest.hpp"
#include "flag_store.hpp"
#include "http_responses.hpp"

namespace iomtsim::reference_target {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t kHeaderLimitBytes = 16 * 1024;
constexpr std::size_t kIdleBufferBytes = 4096;
constexpr std::size_t kDrainBufferBytes = 16 * 1024;

// Connections refused at the limit that are still being answered: each holds a socket
// for up to kLingerTime (so the client reads its 503 instead of a reset). Past this many
// a refused connection is closed at once.
constexpr int kMaxLingering = 64;
constexpr auto kLingerTime = std::chrono::milliseconds(500);
std::atomic<int> g_lingering{0};

unsigned retry_after_s(const TargetConfig& cfg) {
  const auto s = std::chrono::ceil<std::chrono::seconds>(cfg.limits.retry_after).count();
  return static_cast<unsigned>(std::max<std::int64_t>(1, s));
}

template <class Stream>
class HttpSession : public std::enable_shared_from_this<HttpSession<Stream>> {
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

 public:
  HttpSession(tcp::socket&& socket, ServerContext& ctx) requires(!kTls)
      : stream_(std::move(socket)),
        ctx_(ctx),
        stall_timer_(stream_.get_executor()),
        lease_(ctx.bodies) {}
  HttpSession(tcp::socket&& socket, ssl::context& tls, ServerContext& ctx) requires(kTls)
      : stream_(std::move(socket), tls),
        ctx_(ctx),
        stall_timer_(stream_.get_executor()),
        lease_(ctx.bodies) {}

  ~HttpSession() {
    if (lingering_) g_lingering.fetch_sub(1, std::memory_order_relaxed);
    if (!slot_) return;  // refused: never counted as open
    ctx_.connections.remove(slot_);
    ctx_.metrics.connection_closed();
  }

  void start() {
    std::weak_ptr<HttpSession> weak = this->shared_from_this();
    slot_ = ctx_.connections.admit(Protocol::Http, [weak] {
      if (auto self = weak.lock())
        asio::post(self->stream_.get_executor(), [self] { self->force_close(); });
    });
    if (!slot_) {
      asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->refuse(); });
      return;
    }
    ctx_.metrics.connection_opened(Protocol::Http);
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->begin(); });
  }

 private:
  auto& lowest() { return beast::get_lowest_layer(stream_); }
  const HttpConfig& cfg() const { return ctx_.cfg.http; }

  // Over the connection limit: a plain connection is told 503 with Retry-After, then we
  // stop sending and drain what the client sent for a moment before closing, so that it
  // reads the answer rather than a reset. A TLS connection is closed at once (answering
  // would cost a handshake).
  void refuse() {
    if constexpr (kTls) {
      force_close();
    } else {
      if (g_lingering.fetch_add(1, std::memory_order_relaxed) >= kMaxLingering) {
        g_lingering.fetch_sub(1, std::memory_order_relaxed);
        return force_close();
      }
      lingering_ = true;
      raw_ = busy_response_bytes(retry_after_s(ctx_.cfg));
      lowest().expires_after(kLingerTime);
      asio::async_write(stream_, asio::buffer(raw_),
                        [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                          if (ec) return self->force_close();
                          self->graceful_close();
                        });
    }
  }
  // After our last answer on a plain connection: the client may still be sending (a body
  // we refused, a pipelined request). Closing with unread bytes would reset the
  // connection and could destroy the answer before the client reads it, so read and drop
  // until the client closes or kLingerTime ends.
  void drain() {
    if (!drain_buf_) drain_buf_ = std::make_unique<char[]>(kDrainBufferBytes);
    stream_.async_read_some(asio::buffer(drain_buf_.get(), kDrainBufferBytes),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->force_close();
                              self->drain();
                            });
  }

  // Gives the request body's memory back (to the allocator and to the budget) as soon as
  // it has been handled: an idle keep-alive connection must not keep a 16 MiB body.
  void release_body() {
    if (parser_) std::string().swap(parser_->get().body());
    lease_.resize(0);
  }

  // Takes the declared body size from the budget before reading it; a chunked body takes
  // each chunk as its header arrives (chunk_cb_). False: refuse with 503.
  bool reserve_body() {
    if (const auto len = parser_->content_length(); len && *len > 0) {
      if (!lease_.resize(static_cast<std::size_t>(*len))) return false;
    }
    return true;
  }
  void begin() {
    if constexpr (kTls) {
      lowest().expires_after(cfg().header_timeout);
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->on_io_error(ec);
                                self->do_read();
                              });
    } else {
      do_read();
    }
  }

  // Waits for the first bytes of a request under the idle timeout, then reads the whole
  // request under the (shorter) header timeout: a keep-alive connection may sit idle,
  // but a request that trickles in a byte a second is cut off.
  void do_read() {
    if (closed_) return;
    if (buffer_.size() > 0) return read_request();
    release_body();
    // Reading a request grows the buffer to Beast's read size (64 KiB); an idle connection
    // keeps only the little it needs to wait for the next request.
    if (buffer_.capacity() > kIdleBufferBytes) buffer_ = beast::flat_buffer();
    lowest().expires_after(cfg().idle_timeout);
    slot_->set_idle(true);  // between requests: the first to go when room is needed
    stream_.async_read_some(buffer_.prepare(kIdleBufferBytes),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->slot_->set_idle(false);
                              if (ec) return self->on_io_error(ec);
                              self->buffer_.commit(n);
                              self->read_request();
                            });
  }

  // The header first, on its own: a client that sent `Expect: 100-continue` waits for our
  // go-ahead (or a refusal) before it sends the body.
  void read_request() {
    release_body();
    parser_.emplace();
    continue_sent_ = false;
    budget_refused_ = false;
    parser_->body_limit(cfg().body_limit_bytes);
    parser_->header_limit(kHeaderLimitBytes);
    parser_->on_chunk_header(chunk_cb_);
    lowest().expires_after(cfg().header_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              self->on_header(ec);
                            });
  }

  void on_header(beast::error_code ec) {
    if (ec) return on_read(ec);
    if (!reserve_body()) return refuse_budget();
    // Body bytes already here: the client did not wait, no interim answer is due.
    if (!parser_->is_done() && buffer_.size() == 0 && expects_continue()) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      continue_sent_ = true;
      return asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                               [self = this->shared_from_this()](beast::error_code e, std::size_t) {
                                 if (e) return self->on_io_error(e);
                                 self->read_body();
                               });
    }
    read_body();
  }

  bool expects_continue() const {
    const auto& req = parser_->get();
    if (req.version() < 11) return false;
    const auto expect = req[http::field::expect];
    return beast::iequals(expect, "100-continue");
  }

  void read_body() {
    // With keep-alive the body usually came in the same segment as the header: parse what
    // is buffered here rather than through another asynchronous round.
    while (!parser_->is_done() && buffer_.size() > 0) {
      beast::error_code ec;
      const std::size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == http::error::need_more) break;
      if (ec) return on_read(ec);
      if (used == 0) break;
    }
    if (parser_->is_done()) return on_read({});
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       self->on_read(ec);
                     });
  }

  // The body does not fit in the memory budget now: 503 with Retry-After. The body was
  // not read (or only in part), so the connection cannot carry another request.
  void refuse_budget() {
    ctx_.metrics.refused(Protocol::Http, Refusal::MemoryBudget);
    ctx_.metrics.message(Protocol::Http, Outcome::QueueFull);
    const unsigned version = parser_->get().version();
    release_body();
    send(error_response(503, "the server is short of memory for request bodies; retry later",
                        version, retry_after_s(ctx_.cfg)),
         /*keep_alive=*/false);
  }

  void on_read(beast::error_code ec) {
    if (!ec) return handle();
    if (budget_refused_) return refuse_budget();
    if (ec == http::error::end_of_stream) return graceful_close();
    if (ec == http::error::body_limit || ec == http::error::header_limit) {
      ctx_.metrics.oversized.fetch_add(1, std::memory_order_relaxed);
      ctx_.metrics.refused(Protocol::Http, Refusal::TooLarge);
      ctx_.metrics.message(Protocol::Http, Outcome::Invalid);
      const bool body = ec == http::error::body_limit;
      // A declared length over the limit fails while the header is read (fields are all
      // there by then); a client waiting for 100 Continue is told 417, not to send it.
      const bool refuse_continue = body && !continue_sent_ && expects_continue();
      const std::string why =
          body ? "request body exceeds " + std::to_string(cfg().body_limit_bytes) + " bytes"
               : "request header too large";
      return send(error_response(refuse_continue ? 417 : (body ? 413 : 431), why, 11),
                  /*keep_alive=*/false);
    }
    if (ec.category() == http::make_error_code(http::error::bad_method).category()) {
      ctx_.metrics.protocol_errors.fetch_add(1, std::memory_order_relaxed);
      ctx_.metrics.message(Protocol::Http, Outcome::Invalid);
      return send(error_response(400, "malformed HTTP request: " + ec.message(), 11), false);
    }
    on_io_error(ec);
  }

  void on_io_error(beast::error_code ec) {
    if (ec == beast::error::timeout) ctx_.metrics.timeouts.fetch_add(1, std::memory_order_relaxed);
    force_close();
  }

  void handle() {
    if (ctx_.crashed.load()) return force_close();
    if (auto until = ctx_.faults.stall_until(Faults::Clock::now())) {
      // Hold the answer (and the connection's next request) until the window ends.
      ctx_.metrics.stall_holds.fetch_add(1, std::memory_order_relaxed);
      stall_timer_.expires_at(*until);
      stall_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
        if (ec || self->closed_) return;
        self->handle();
      });
      return;
    }
    route();
  }

  void route() {
    auto& req = parser_->get();
    const bool keep_alive = req.keep_alive();
    std::string_view target(req.target().data(), req.target().size());
    if (auto q = target.find('?'); q != std::string_view::npos) target = target.substr(0, q);
    const std::string& base = cfg().fhir_base_path;
    const bool is_observation = target.size() == base.size() + 12 && target.starts_with(base) &&
                                target.substr(base.size()) == "/Observation";
    const bool is_base = target == base || (target.size() == base.size() + 1 &&
                                            target.starts_with(base) && target.back() == '/');
    const bool is_report =
        target.starts_with(base) && target.substr(base.size()) == "/DiagnosticReport";

    if (target.starts_with(base) && (target.substr(base.size()) == "/Flag" ||
                                     target.substr(base.size()).starts_with("/Flag/"))) {
      ctx_.metrics.message(Protocol::Http, Outcome::Other);
      if (req.method() != http::verb::get)
        return send(error_response(405, "use GET", req.version()), keep_alive);
      return send(flag_response(target.substr(base.size()), req), keep_alive);
    }
    // The record: reads, searches, creates and the CapabilityStatement (fhir_rest.hpp).
    if (target.starts_with(base)) {
      const std::string_view rest = target.substr(base.size());
      const bool observation_get = (rest == "/Observation" || rest.starts_with("/Observation/")) &&
                                   req.method() == http::verb::get;
      const bool resource = rest == "/Patient" || rest.starts_with("/Patient/") ||
                            rest == "/Device" || rest.starts_with("/Device/");
      if (rest == "/metadata" || observation_get || resource)
        return send(rest_response(rest, req), keep_alive);
    }
    if (target.starts_with("/assets/")) {
      ctx_.metrics.message(Protocol::Http, Outcome::Other);
      if (req.method() != http::verb::get)
        return send(error_response(405, "use GET", req.version()), keep_alive);
      return send(asset_response(target.substr(8), req.version()), keep_alive);
    }

    if (target == "/metrics" || target == "/health") {
      ctx_.metrics.message(Protocol::Http, Outcome::Other);
      if (req.method() != http::verb::get)
        return send(error_response(405, "use GET", req.version()), keep_alive);
      return send(target == "/metrics"
                      ? text_response(ctx_.metrics.render_prometheus(), req.version())
                      : json_response(200, R"({"status":"ok"})", req.version()),
                  keep_alive);
    }
    if (!is_observation && !is_base && !is_report) {
      ctx_.metrics.message(Protocol::Http, Outcome::Other);
      return send(error_response(404, "no such endpoint: " + std::string(target), req.version()),
                  keep_alive);
    }
    if (req.method() != http::verb::post) {
      ctx_.metrics.message(Protocol::Http, Outcome::Other);
      return send(error_response(405, "use POST", req.version()), keep_alive);
    }
    switch (ctx_.faults.draw()) {
      case FaultAction::Close:
        ctx_.metrics.message(Protocol::Http, Outcome::FaultClose);
        return force_close();
      case FaultAction::Garbage:
        ctx_.metrics.message(Protocol::Http, Outcome::FaultGarbage);
        return send_garbage();
      case FaultAction::Reject:
        ctx_.metrics.message(Protocol::Http, Outcome::FaultReject);
        return send(error_response(503, "rejected (injected fault)", req.version(),
                                   retry_after_s(ctx_.cfg)),
                    keep_alive);
      case FaultAction::None:
        break;
    }
    if (is_base) {
      // Only a transaction goes the fast way (all or nothing, transaction-response).
      switch (sniff_bundle_type(req.body())) {
        case BundleType::Batch: {
          ctx_.metrics.message(Protocol::Http, Outcome::Other);  // its entries count themselves
          auto answer = fhir_batch(ctx_, req.body());
          release_body();
          return send(answer.status == 200
                          ? json_response(200, std::move(answer.body), req.version())
                          : error_response(answer.status, answer.body, req.version()),
                      keep_alive);
        }
        case BundleType::Collection:
        case BundleType::Other:
          ctx_.metrics.message(Protocol::Http, Outcome::Invalid);
          return send(error_response(400,
                                     "POST [base] takes a Bundle of type transaction or batch; a "
                                     "collection (or document, message, …) is not processed",
                                     req.version()),
                      keep_alive);
        case BundleType::Transaction:
          break;
      }
    }
    std::function<void()> on_processed;
    if (ctx_.ingest.ack_after_processing()) {
      on_processed = [self = this->shared_from_this()] {
        // Runs on a worker; the write belongs on our strand, and runs only after route()
        // has built the answer.
        asio::post(self->stream_.get_executor(), [self] { self->write(); });
      };
    }
    auto result = ctx_.ingest.handle(
        Protocol::Http,
        is_report ? PayloadKind::FhirDiagnosticReport
                  : (is_observation ? PayloadKind::FhirObservation : PayloadKind::FhirBundle),
        req.body(), std::move(on_processed));
    release_body();  // decoded: the readings are copies
    switch (result.outcome) {
      case Outcome::Invalid:
        res_ = error_response(400, result.error, req.version());
        break;
      case Outcome::QueueFull:
        res_ = error_response(cfg().queue_full_status, result.error, req.version(),
                              retry_after_s(ctx_.cfg));
        break;
      default:
        if (is_observation || is_report) {
          append_created_response(raw_, base, result, req.version(), keep_alive);
          raw_keep_alive_ = keep_alive;
          use_raw_ = true;
        } else {
          res_ = bundle_response(result, req.version());
        }
        break;
    }
    res_.keep_alive(keep_alive);
    if (!result.deferred) write();
  }

  // GET [base]/Flag?… (search) and GET [base]/Flag/{id} (read): the alerts raised, as Flags.
  http::response<http::string_body> flag_response(std::string_view rest,
                                                  const http::request<http::string_body>& req) {
    const unsigned version = req.version();
    if (ctx_.flags == nullptr)
      return error_response(404, "this target keeps no Flags (alerts.flags: false)", version);
    if (rest.starts_with("/Flag/")) {
      auto flag = ctx_.flags->read(rest.substr(6));
      if (!flag) return error_response(404, "no Flag " + std::string(rest.substr(6)), version);
      return json_response(200, std::move(*flag), version);
    }
    std::string_view query(req.target().data(), req.target().size());
    const auto q = query.find('?');
    query = q == std::string_view::npos ? std::string_view() : query.substr(q + 1);
    auto answer = ctx_.flags->search(query);
    if (answer.status != 200) return error_response(answer.status, answer.body, version);
    return json_response(200, std::move(answer.body), version);
  }

  // The FHIR interactions of fhir_rest.hpp, as HTTP answers.
  http::response<http::string_body> rest_response(std::string_view rest,
                                                  const http::request<http::string_body>& req) {
    ctx_.metrics.message(Protocol::Http, Outcome::Other);
    const unsigned version = req.version();
    std::string_view query(req.target().data(), req.target().size());
    const auto q = query.find('?');
    query = q == std::string_view::npos ? std::string_view() : query.substr(q + 1);
    RestAnswer a;
    if (req.method() == http::verb::get) {
      a = fhir_get(ctx_, rest, query);
    } else if (req.method() == http::verb::post && (rest == "/Patient" || rest == "/Device")) {
      const auto it = req.find("If-None-Exist");
      const std::string_view if_none_exist =
          it == req.end() ? std::string_view()
                          : std::string_view(it->value().data(), it->value().size());
      a = fhir_create(ctx_, rest.substr(1), req.body(), if_none_exist);
    } else {
      return error_response(405, "use GET (or POST to [base]/Patient and [base]/Device)", version);
    }
    release_body();
    if (a.status >= 400) return error_response(a.status, a.body, version);
    auto res = json_response(a.status, std::move(a.body), version);
    if (!a.location.empty())
      res.set(http::field::location, cfg().fhir_base_path + "/" + a.location);
    return res;
  }

  // GET /assets/{id}: where the target last heard the asset was (ops_store.hpp).
  http::response<http::string_body> asset_response(std::string_view id_text, unsigned version) {
    std::uint32_t id = 0;
    const auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
    if (ec != std::errc{} || end != id_text.data() + id_text.size())
      return error_response(400, "asset id must be a number", version);
    const OpsStore* ops = ctx_.ingest.ops();
    const auto where = ops ? ops->asset(id) : std::nullopt;
    if (!where)
      return error_response(404, "no location known for asset " + std::to_string(id), version);
    return json_response(200, payloads::encode_asset_location(*where, ctx_.ingest.epoch_unix_ms()),
                         version, "application/json");
  }

  void send(http::response<http::string_body>&& res, bool keep_alive) {
    res_ = std::move(res);
    res_.keep_alive(keep_alive);
    write();
  }

  void write() {
    if (closed_) return;
    release_body();
    if (use_raw_) return write_raw();
    res_.prepare_payload();
    lowest().expires_after(cfg().header_timeout);
    http::async_write(stream_, res_,
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) return self->on_io_error(ec);
                        if (!self->res_.keep_alive()) return self->graceful_close();
                        self->res_ = {};
                        self->do_read();
                      });
  }

  // The pre-serialized 201 (append_created_response): one buffer, no Beast serializer.
  void write_raw() {
    lowest().expires_after(cfg().header_timeout);
    asio::async_write(stream_, asio::buffer(raw_),
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                        self->use_raw_ = false;
                        if (ec) return self->on_io_error(ec);
                        if (!self->raw_keep_alive_) return self->graceful_close();
                        self->do_read();
                      });
  }

  void send_garbage() {
    lowest().expires_after(cfg().header_timeout);
    asio::async_write(
        stream_, asio::buffer(Faults::garbage().data(), Faults::garbage().size()),
        [self = this->shared_from_this()](beast::error_code, std::size_t) { self->force_close(); });
  }

  void graceful_close() {
    if (closed_) return;
    if constexpr (kTls) {
      lowest().expires_after(std::chrono::seconds(2));
      stream_.async_shutdown(
          [self = this->shared_from_this()](beast::error_code) { self->force_close(); });
    } else {
      beast::error_code ec;
      lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
      if (ec) return force_close();
      lowest().expires_after(kLingerTime);
      drain();
    }
  }

  void force_close() {
    if (closed_) return;
    closed_ = true;
    stall_timer_.cancel();
    lowest().close();
  }

  Stream stream_;
  ServerContext& ctx_;
  asio::steady_timer stall_timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
  std::string raw_;  // a 201 serialized by hand, reused across requests
  bool use_raw_ = false;
  bool raw_keep_alive_ = true;
  ConnectionRegistry::SlotPtr slot_;
  BodyLease lease_;
  // Beast keeps a reference to this callback: it lives as long as the session.
  std::function<void(std::uint64_t, beast::string_view, beast::error_code&)> chunk_cb_ =
      [this](std::uint64_t size, beast::string_view, beast::error_code& ec) {
        if (lease_.grow_by(static_cast<std::size_t>(size))) return;
        budget_refused_ = true;
        ec = asio::error::no_buffer_space;  // ends the read; on_read answers 503
      };
  std::unique_ptr<char[]> drain_buf_;  // only while draining before a close
  bool continue_sent_ = false;         // this request got "100 Continue"
  bool budget_refused_ = false;        // a chunk did not fit in the body budget
  bool lingering_ = false;             // refused, answering before the close
  bool closed_ = false;
};

class HttpListener final : public Listener {
 public:
  HttpListener(asio::io_context& ioc, ServerContext& ctx)
      : ioc_(ioc), ctx_(ctx), acceptor_(asio::make_strand(ioc)) {
    const auto& c = ctx.cfg.http;
    if (c.tls.enabled) {
      tls_.emplace(ssl::context::tls_server);
      tls_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                        ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
      beast::error_code ec;
      tls_->use_certificate_chain_file(c.tls.cert_file, ec);
      if (!ec) tls_->use_private_key_file(c.tls.key_file, ssl::context::pem, ec);
      if (ec)
        throw std::runtime_error("http tls: cannot load " + c.tls.cert_file + " / " +
                                 c.tls.key_file + ": " + ec.message());
    }
    const tcp::endpoint ep(asio::ip::make_address(c.host), c.port);
    acceptor_.open(ep.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen(asio::socket_base::max_listen_connections);
    port_ = acceptor_.local_endpoint().port();
    accept();
  }

  std::uint16_t port() const override { return port_; }
  void close() override {
    asio::post(acceptor_.get_executor(), [this] {
      beast::error_code ec;
      retry_.cancel();
      acceptor_.close(ec);
    });
  }

 private:
  void accept() {
    acceptor_.async_accept(
        asio::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
          if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
          if (ec) {
            // Out of descriptors and the like: survive, retry shortly instead of spinning.
            retry_.expires_after(std::chrono::milliseconds(50));
            retry_.async_wait([this](beast::error_code e) {
              if (!e) accept();
            });
            return;
          }
          if (!ctx_.crashed.load()) {
            beast::error_code ignored;
            socket.set_option(tcp::no_delay(true), ignored);
            if (tls_)
              std::make_shared<HttpSession<beast::ssl_stream<beast::tcp_stream>>>(std::move(socket),
                                                                                  *tls_, ctx_)
                  ->start();
            else
              std::make_shared<HttpSession<beast::tcp_stream>>(std::move(socket), ctx_)->start();
          }
          accept();
        });
  }

  asio::io_context& ioc_;
  ServerContext& ctx_;
  tcp::acceptor acceptor_;
  asio::steady_timer retry_{acceptor_.get_executor()};
  std::optional<ssl::context> tls_;
  std::uint16_t port_ = 0;
};

}  // namespace

std::unique_ptr<Listener> start_http_listener(asio::io_context& ioc, ServerContext& ctx) {
  try {
    return std::make_unique<HttpListener>(ioc, ctx);
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("http: cannot listen on " + ctx.cfg.http.host + ":" +
                             std::to_string(ctx.cfg.http.port) + ": " + e.code().message());
  }
}

}  // namespace iomtsim::reference_target
