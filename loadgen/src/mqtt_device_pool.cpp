#include "mqtt_device_pool.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>

#include <cstdio>

#include "iomtsim/payloads/mqtt_json.hpp"

namespace iomtsim::loadgen::detail {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using asio::ip::tcp;
using error_code = boost::system::error_code;
using reports::Outcome;

using State = MqttDevicePool::State;

constexpr std::chrono::seconds kSweep{1};  // keep-alive and stuck-connect checks

// CONNACK refusals in words (3.1.1 return codes; MQTT 5 reason codes).
std::string connack_reason(std::uint8_t code, MqttVersion v) {
  if (v == MqttVersion::V311) {
    switch (code) {
      case 1:
        return "unacceptable protocol version";
      case 2:
        return "client identifier rejected";
      case 3:
        return "server unavailable";
      case 4:
        return "bad user name or password";
      case 5:
        return "not authorized";
      default:
        break;
    }
  } else {
    switch (code) {
      case 0x84:
        return "unsupported protocol version";
      case 0x85:
        return "client identifier not valid";
      case 0x86:
        return "bad user name or password";
      case 0x87:
        return "not authorized";
      case 0x88:
        return "server unavailable";
      case 0x8A:
        return "banned";
      case 0x8C:
        return "bad authentication method";
      default:
        break;
    }
  }
  return "code " + std::to_string(code);
}

// A refused PUBLISH's reason as an outcome code (static text).
std::string_view puback_code(std::uint8_t reason) {
  switch (reason) {
    case 0x80:
      return "0x80";
    case 0x83:
      return "0x83";
    case 0x87:
      return "0x87";
    case 0x90:
      return "0x90";
    case 0x91:
      return "0x91";
    case 0x97:
      return "0x97";
    case 0x99:
      return "0x99";
    default:
      return "refused";
  }
}

// One open socket (and its TLS state). Shared with the handlers that use it, so it lives
// until the last of them ran, whatever happened to the client meanwhile.
struct MqttDevicePool::Link {
  explicit Link(asio::io_context& io, ssl::context* tls) {
    if (tls) {
      secure.emplace(io, *tls);
      tls_in.resize(2048);
    } else {
      plain.emplace(io);
    }
  }
  tcp::socket& socket() { return secure ? secure->next_layer() : *plain; }
  std::optional<tcp::socket> plain;
  std::optional<ssl::stream<tcp::socket>> secure;
  std::vector<char> tls_in;
  // The bytes of the write in progress. Here, not in the Client: a write of a lost
  // connection may still be running (TLS reads its buffer between socket operations)
  // while the client is already on a new connection.
  std::string writing;
};

MqttDevicePool::MqttDevicePool(asio::io_context& io, const MqttTarget& target, CompletionFn done)
    : io_(io),
      target_(target),
      done_(std::move(done)),
      wake_(io),
      deadline_timer_(io),
      sweep_timer_(io) {
  keepalive_s_ =
      static_cast<std::uint16_t>(std::clamp<std::int64_t>(target_.keepalive.count(), 0, 65535));
  tcp::resolver resolver(io);
  error_code ec;
  const auto found = resolver.resolve(target_.host, std::to_string(target_.port), ec);
  if (ec || found.empty())
    throw std::runtime_error("cannot resolve MQTT broker " + target_.host + ": " + ec.message());
  broker_ = found.begin()->endpoint();
  for (const auto& s : target_.source_addresses) {
    const auto a = asio::ip::make_address(s, ec);
    if (ec) throw std::runtime_error("bad MQTT source address " + s);
    sources_.push_back(a);
  }
  if (target_.tls) tls_.emplace(make_client_tls(target_.tls_settings, "MQTT"));
}

MqttDevicePool::~MqttDevicePool() = default;

std::uint32_t MqttDevicePool::add_client(physiology::PatientIndex patient, std::string device) {
  auto& c = clients_.emplace_back();
  c.patient = patient;
  c.device = std::move(device);
  const auto i = static_cast<std::uint32_t>(clients_.size() - 1);
  if (started_ && ramped_) schedule(i, Steady::now());  // late arrivals do not wait for the ramp
  return i;
}

void MqttDevicePool::start() {
  started_ = true;
  spread_loopback_sources();
  auto interval = target_.connect_interval;
  if (interval.count() == 0 && target_.ramp_up.count() > 0 && !clients_.empty())
    interval = target_.ramp_up / static_cast<std::int64_t>(clients_.size());
  ramped_ = interval.count() > 0;
  if (ramped_) {
    const auto t0 = Steady::now();
    for (std::uint32_t i = 0; i < clients_.size(); ++i)
      schedule(i, t0 + std::chrono::duration_cast<Steady::duration>(interval *
                                                                    static_cast<std::int64_t>(i)));
  }
  sweep();
}

void MqttDevicePool::send(std::uint32_t i, OutboundPtr m) {
  ++in_flight_;
  Client& c = clients_.at(i);
  if (c.state == State::Up && c.queue.empty()) return publish(i, std::move(m));
  c.queue.push_back(std::move(m));
  if (c.state == State::Idle && !c.scheduled) connect(i);  // lazy: the device's first message
}

// ---- connecting ------------------------------------------------------------------------

// Many connections to a broker on loopback leave from several loopback addresses. Linux
// searches the ephemeral range for a free 4-tuple on every connect(), and that search
// grows with the connections one (source, destination) pair already holds: measured with
// bench/loadgen/mqtt_connections_bench, 18,000 connections from one address cost 4.8-6.5 s
// of CPU (mostly in the kernel), from four 1.8 s; three shards on one address stalled the
// ramp and timed messages out. Any 127.x.y.z is local, so this needs no setup; the second
// octet comes from the process id and the pool, so shards and threads rarely share one.
void MqttDevicePool::spread_loopback_sources() {
  constexpr std::size_t kPerSource = 4096;
  if (!sources_.empty() || !broker_.address().is_v4() || !broker_.address().is_loopback() ||
      clients_.size() <= kPerSource)
    return;
  static std::atomic<unsigned> pools{0};
  const unsigned second = 1 + (static_cast<unsigned>(::getpid()) * 7 + pools++) % 254;
  const std::size_t n = std::min<std::size_t>(250, (clients_.size() + kPerSource - 1) / kPerSource);
  for (std::size_t j = 0; j < n; ++j)
    sources_.push_back(
        asio::ip::make_address_v4((127u << 24) | (second << 16) | static_cast<unsigned>(2 + j)));
}

void MqttDevicePool::schedule(std::uint32_t i, Steady::time_point at) {
  clients_[i].scheduled = true;
  connects_.push(Due{at, i});
  arm_wake();
}

void MqttDevicePool::arm_wake() {
  if (closed_ || connects_.empty() || connects_.top().at >= wake_at_) return;
  wake_at_ = connects_.top().at;
  wake_.expires_at(wake_at_);
  wake_.async_wait([this](error_code ec) {
    if (ec || closed_) return;
    wake_at_ = Steady::time_point::max();
    const auto now = Steady::now();
    // A slice at a time, so a ramp of thousands lets the sockets run in between.
    for (int budget = 256; budget > 0 && !connects_.empty() && connects_.top().at <= now;
         --budget) {
      const auto i = connects_.top().client;
      connects_.pop();
      clients_[i].scheduled = false;
      if (clients_[i].state == State::Idle || clients_[i].state == State::Down) connect(i);
    }
    // More due: the timer fires again at once, after the sockets had their turn.
    arm_wake();
  });
}

void MqttDevicePool::connect(std::uint32_t i) {
  Client& c = clients_[i];
  c.state = State::Connecting;
  c.since = Steady::now();
  auto link = std::make_shared<Link>(io_, tls_ ? &*tls_ : nullptr);
  c.link = link;
  auto& s = link->socket();
  error_code ec;
  s.open(broker_.protocol(), ec);  // EMFILE when the descriptor limit is reached
  if (!ec && !sources_.empty()) {
    // The port is chosen at connect() (IP_BIND_ADDRESS_NO_PORT), so one source address
    // serves many brokers without running out of ephemeral ports at bind().
    const int one = 1;
    ::setsockopt(s.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    s.bind(tcp::endpoint(sources_[i % sources_.size()], 0), ec);
  }
  if (ec) return lost(i);
  s.async_connect(broker_, [this, i, link](error_code e) {
    if (closed_ || clients_[i].link != link) return;
    if (e) return lost(i);
    on_connected(i, link);
  });
}

void MqttDevicePool::on_connected(std::uint32_t i, const std::shared_ptr<Link>& link) {
  error_code ec;
  link->socket().set_option(tcp::no_delay(true), ec);
  if (!link->secure) {
    link->socket().non_blocking(true, ec);
    return start_session(i, link);
  }
  prepare_client_ssl(link->secure->native_handle(), target_.host, target_.tls_settings.verify);
  link->secure->async_handshake(ssl::stream_base::client, [this, i, link](error_code e) {
    if (closed_ || clients_[i].link != link) return;
    if (e) {
      const auto reason = handshake_failure(link->secure->native_handle(), e.message());
      ++tls_failures_[reason];
      last_error_ = "TLS handshake with the broker failed: " + reason;
      return lost(i);
    }
    start_session(i, link);
  });
}

void MqttDevicePool::start_session(std::uint32_t i, const std::shared_ptr<Link>& link) {
  Client& c = clients_[i];
  c.state = State::AwaitConnack;
  c.since = Steady::now();
  const std::string id = mqtt_client_id(target_.client_id, c.patient, c.device);
  append_connect(c.out_pending,
                 MqttConnectOptions{id, keepalive_s_, target_.clean_session, target_.version, 3600,
                                    target_.username, target_.password});
  flush(i);
  read(i, link);
}

void MqttDevicePool::on_connack(std::uint32_t i, const MqttConnack& a) {
  Client& c = clients_[i];
  if (a.code != 0) {  // refused (bad id, not authorised, …): retried later, the reason kept
    last_error_ = "the broker refused the connection: " + connack_reason(a.code, target_.version);
    return lost(i);
  }
  c.state = State::Up;
  ++connected_;
  c.backoff = std::chrono::milliseconds{0};
  c.receive_max = a.receive_maximum;
  c.ping_out = false;
  // A persistent session resends what the broker has not acknowledged, in order, first.
  auto resend = std::move(c.waiting);
  c.waiting.clear();
  for (auto& w : resend) {
    if (!w.released) {
      publish(i, std::move(w.msg), true, w.packet_id);
      continue;
    }
    append_pubrel(c.out_pending, w.packet_id);  // QoS 2 past PUBREC: only the release again
    c.waiting.push_back(std::move(w));
  }
  flush(i);
  drain_queue(i);
}

// ---- reading ---------------------------------------------------------------------------

void MqttDevicePool::read(std::uint32_t i, const std::shared_ptr<Link>& link) {
  if (link->secure) {
    link->secure->async_read_some(asio::buffer(link->tls_in),
                                  [this, i, link](error_code e, std::size_t n) {
                                    if (closed_ || clients_[i].link != link) return;
                                    if (e || !on_bytes(i, link->tls_in.data(), n)) return lost(i);
                                    if (clients_[i].link == link) read(i, link);
                                  });
    return;
  }
  link->socket().async_wait(tcp::socket::wait_read, [this, i, link](error_code e) {
    if (closed_ || clients_[i].link != link) return;
    if (e) return lost(i);
    if (scratch_.empty()) scratch_.resize(64 * 1024);
    for (;;) {
      error_code ec;
      const auto n = link->socket().read_some(asio::buffer(scratch_), ec);
      if (ec == asio::error::would_block || ec == asio::error::try_again) break;
      if (ec || !on_bytes(i, scratch_.data(), n)) return lost(i);
      if (clients_[i].link != link) return;
      if (n < scratch_.size()) break;
    }
    read(i, link);
  });
}

bool MqttDevicePool::on_bytes(std::uint32_t i, const char* data, std::size_t n) {
  Client& c = clients_[i];
  std::string_view buf(data, n);
  if (!c.in.empty()) {
    c.in.append(data, n);
    buf = c.in;
  }
  std::size_t used = 0;
  for (;;) {
    MqttPacket p;
    std::size_t len = 0;
    const auto r = parse_packet(buf.substr(used), p, len);
    if (r == MqttParse::Malformed) return false;
    if (r == MqttParse::NeedMore) break;
    used += len;
    const auto link = c.link;
    if (!on_packet(i, p)) return false;
    if (c.link != link) return true;  // lost inside (already handled)
  }
  if (c.in.empty()) {
    c.in.assign(buf.substr(used));
  } else {
    c.in.erase(0, used);
    if (c.in.empty()) std::string().swap(c.in);
  }
  return true;
}

bool MqttDevicePool::on_packet(std::uint32_t i, const MqttPacket& p) {
  Client& c = clients_[i];
  switch (p.type) {
    case MqttType::Connack: {
      if (c.state != State::AwaitConnack) return false;
      const auto a = decode_connack(p.body, target_.version);
      if (!a) return false;
      if (a->server_keepalive_s) keepalive_s_ = *a->server_keepalive_s;
      on_connack(i, *a);
      return true;
    }
    case MqttType::Puback:
    case MqttType::Pubrec:
    case MqttType::Pubcomp: {
      const auto a = decode_ack(p.body);
      if (!a) return false;
      auto it = std::find_if(c.waiting.begin(), c.waiting.end(),
                             [&](const Waiting& w) { return w.packet_id == a->packet_id; });
      if (it == c.waiting.end()) return true;  // answered after its timeout
      if (p.type == MqttType::Pubrec && a->reason < 0x80) {
        it->released = true;
        append_pubrel(c.out_pending, a->packet_id);
        flush(i);
        return true;
      }
      auto m = std::move(it->msg);
      c.waiting.erase(it);
      if (a->reason >= 0x80) {
        char code[8];
        std::snprintf(code, sizeof code, "0x%02x", a->reason);
        // 0x97 quota exceeded: the broker may take it later; the other refusals are final.
        complete(std::move(m), Outcome::Rejected, puback_code(a->reason),
                 std::string("the broker refused the message: reason ") + code, a->reason == 0x97);
      } else {
        complete(std::move(m), Outcome::Acknowledged,
                 p.type == MqttType::Pubcomp ? "pubcomp" : "puback");
      }
      drain_queue(i);
      return true;
    }
    case MqttType::Pingresp:
      c.ping_out = false;
      return true;
    case MqttType::Disconnect:  // MQTT 5: the broker says why and closes
      return false;
    default:
      return true;  // nothing subscribed: a PUBLISH to us is ignored
  }
}

// ---- writing ---------------------------------------------------------------------------

std::string MqttDevicePool::topic_of(const Outbound& m) const {
  // The message id packs its device (readings' ids, and a waveform block's, alike).
  return payloads::mqtt_topic(target_.topic, physiology::reading_patient(m.id()),
                              physiology::reading_device(m.id()));
}

void MqttDevicePool::publish(std::uint32_t i, OutboundPtr m, bool dup, std::uint16_t resend_id) {
  Client& c = clients_[i];
  std::string_view payload = m->msg->body;  // a waveform block comes encoded
  if (!m->pre_encoded()) {
    payload_.clear();
    if (m->readings().size() == 1)
      payloads::append_mqtt_reading(payload_, m->readings().front());
    else
      payload_ = payloads::encode_mqtt_batch(m->readings());
    payload = payload_;
  }
  std::uint16_t id = resend_id;
  if (target_.qos > 0 && id == 0) {
    if (++c.next_id == 0) c.next_id = 1;
    id = c.next_id;
  }
  if (!dup) m->written = Steady::now();
  try {
    append_publish(c.out_pending, target_.version, topic_of(*m), payload, target_.qos, id, dup);
  } catch (const std::exception&) {
    return complete(std::move(m), Outcome::Failed);  // a topic MQTT cannot carry
  }
  if (target_.qos == 0) {
    c.unwritten.push_back(std::move(m));
  } else {
    if (!dup)
      deadlines_.push_back(Deadline{
          m->written + std::chrono::duration_cast<Steady::duration>(target_.timeout), i, m->id()});
    c.waiting.push_back(Waiting{id, false, std::move(m)});
    arm_deadline();
  }
  flush(i);
}

void MqttDevicePool::drain_queue(std::uint32_t i) {
  Client& c = clients_[i];
  std::size_t n = 0;
  while (n < c.queue.size() && c.state == State::Up && c.waiting.size() < c.receive_max)
    publish(i, std::move(c.queue[n++]));
  c.queue.erase(c.queue.begin(), c.queue.begin() + static_cast<std::ptrdiff_t>(n));
  if (c.queue.empty()) std::vector<OutboundPtr>().swap(c.queue);
}

void MqttDevicePool::flush(std::uint32_t i) {
  Client& c = clients_[i];
  if (c.writing || c.out_pending.empty() || !c.link) return;
  c.writing = true;
  auto link = c.link;
  link->writing.swap(c.out_pending);
  c.qos0_writing = c.unwritten.size();
  c.last_out = Steady::now();
  auto done = [this, i, link](error_code e, std::size_t) {
    Client& cl = clients_[i];
    if (closed_ || cl.link != link) return;
    cl.writing = false;
    if (e) return lost(i);
    std::string().swap(link->writing);  // idle connections hold no buffers
    for (std::size_t k = 0; k < cl.qos0_writing; ++k)
      complete(std::move(cl.unwritten[k]), Outcome::Acknowledged);
    cl.unwritten.erase(cl.unwritten.begin(),
                       cl.unwritten.begin() + static_cast<std::ptrdiff_t>(cl.qos0_writing));
    cl.qos0_writing = 0;
    if (cl.out_pending.empty()) std::string().swap(cl.out_pending);
    flush(i);
  };
  if (link->secure)
    asio::async_write(*link->secure, asio::buffer(link->writing), std::move(done));
  else
    asio::async_write(*link->plain, asio::buffer(link->writing), std::move(done));
}

// ---- failures, timers, the end ---------------------------------------------------------

void MqttDevicePool::complete(OutboundPtr m, Outcome o, std::string_view code, std::string detail,
                              bool retryable) {
  --in_flight_;
  if (o == Outcome::Failed && detail.empty()) detail = last_error_;
  done_(std::move(m),
        Completion{o, 0, Steady::now(), "mqtt_json", code, std::move(detail), retryable, {}});
}

void MqttDevicePool::lost(std::uint32_t i) {
  Client& c = clients_[i];
  if (c.state == State::Up) --connected_;
  if (c.link) {
    error_code ec;
    c.link->socket().close(ec);  // pending handlers see a different link and stop
  }
  c.link.reset();
  c.state = State::Down;
  c.writing = false;
  c.ping_out = false;
  std::string().swap(c.in);
  std::string().swap(c.out_pending);
  for (auto& m : c.unwritten) complete(std::move(m), Outcome::Failed, {}, {}, true);
  c.unwritten.clear();
  c.qos0_writing = 0;
  if (target_.clean_session) {  // the broker forgets them too: their fate is unknown
    for (auto& w : c.waiting) complete(std::move(w.msg), Outcome::Failed, {}, {}, true);
    c.waiting.clear();
  }
  retry_later(i);
}

void MqttDevicePool::retry_later(std::uint32_t i) {
  Client& c = clients_[i];
  ++reconnects_;
  const auto now = Steady::now();
  // Messages that waited longer than the timeout for a connection fail; the rest wait on.
  std::size_t kept = 0;
  for (auto& m : c.queue) {
    if (now - m->due > target_.timeout)
      complete(std::move(m), Outcome::Failed, {}, {}, true);
    else
      c.queue[kept++] = std::move(m);
  }
  c.queue.resize(kept);
  c.backoff = c.backoff.count() == 0 ? target_.reconnect_initial
                                     : std::min(target_.reconnect_max, c.backoff * 2);
  const double factor = jitter_rng_.uniform(1.0 - kReconnectJitter, 1.0 + kReconnectJitter);
  const auto delay = std::chrono::duration_cast<Steady::duration>(c.backoff * factor);
  if (!c.scheduled) schedule(i, now + delay);
}

void MqttDevicePool::arm_deadline() {
  if (deadline_armed_ || deadlines_.empty() || closed_) return;
  deadline_armed_ = true;
  deadline_timer_.expires_at(deadlines_.front().at);
  deadline_timer_.async_wait([this](error_code ec) {
    deadline_armed_ = false;
    if (ec || closed_) return;
    const auto now = Steady::now();
    while (!deadlines_.empty() && deadlines_.front().at <= now) {
      const auto d = deadlines_.front();
      deadlines_.pop_front();
      auto& w = clients_[d.client].waiting;
      auto it = std::find_if(w.begin(), w.end(),
                             [&](const Waiting& x) { return x.msg && x.msg->id() == d.msg_id; });
      if (it == w.end()) continue;  // answered (or failed) already
      auto m = std::move(it->msg);
      w.erase(it);
      complete(std::move(m), Outcome::TimedOut, {}, {}, true);
      drain_queue(d.client);
    }
    arm_deadline();
  });
}

void MqttDevicePool::sweep() {
  if (closed_) return;
  const auto now = Steady::now();
  const auto keepalive = std::chrono::seconds(keepalive_s_);
  for (std::uint32_t i = 0; i < clients_.size(); ++i) {
    Client& c = clients_[i];
    if ((c.state == State::Connecting || c.state == State::AwaitConnack) &&
        now - c.since > target_.timeout) {
      lost(i);
    } else if (c.state == State::Up && keepalive_s_ > 0) {
      if (c.ping_out && now - c.since >= keepalive + kSweep) {
        lost(i);  // no PINGRESP within a keep-alive period: the broker is gone
      } else if (!c.ping_out &&
                 now - c.last_out + kSweep >= keepalive) {  // a sweep early, not late
        c.ping_out = true;
        c.since = now;
        append_pingreq(c.out_pending);
        flush(i);
      }
    }
  }
  sweep_timer_.expires_after(kSweep);
  sweep_timer_.async_wait([this](error_code ec) {
    if (!ec) sweep();
  });
}

std::vector<OutboundPtr> MqttDevicePool::abandon() {
  closed_ = true;
  wake_.cancel();
  deadline_timer_.cancel();
  sweep_timer_.cancel();
  std::vector<OutboundPtr> out;
  for (auto& c : clients_) {
    if (c.link) {
      error_code ec;
      if (c.link->plain && c.state == State::Up) {  // a polite goodbye when it fits at once
        std::string bye;
        append_disconnect(bye);
        c.link->plain->write_some(asio::buffer(bye), ec);
      }
      c.link->socket().close(ec);
      c.link.reset();
    }
    for (auto& w : c.waiting) out.push_back(std::move(w.msg));
    for (auto& m : c.unwritten) out.push_back(std::move(m));
    for (auto& m : c.queue) out.push_back(std::move(m));
    c.waiting.clear();
    c.unwritten.clear();
    c.queue.clear();
    c.state = State::Down;
  }
  connected_ = 0;
  in_flight_ = 0;
  return out;
}

}  // namespace iomtsim::loadgen::detail
