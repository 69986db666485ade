// The MQTT device connections against a real mosquitto (LocalBroker, a child process on
// loopback): one connection per client id, QoS 0/1/2, MQTT 3.1.1 and 5, keep-alive, TLS
// verified against a CA, the ramp, and every message completed exactly once.
#include <gtest/gtest.h>

#include <arpa/inet.h>

#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <fstream>
#include <map>

#include "iomtsim/loadgen/local_broker.hpp"
#include "mqtt_device_pool.hpp"
#include "support/test_certs.hpp"

namespace iomtsim::loadgen::detail {
namespace {

using namespace std::chrono_literals;
using reports::Outcome;

struct Harness {
  boost::asio::io_context io;
  std::map<Outcome, int> outcomes;
  std::unique_ptr<MqttDevicePool> pool;

  explicit Harness(const MqttTarget& t) {
    pool = std::make_unique<MqttDevicePool>(
        io, t, [this](OutboundPtr, const Completion& c) { ++outcomes[c.outcome]; });
  }
  void send(std::uint32_t client, std::uint64_t id) {
    auto m = std::make_unique<Outbound>();
    m->msg->wire_id = id;
    physiology::Reading r;
    r.id = id;
    r.patient = client;
    r.device = 0;
    r.vital = physiology::Vital::HeartRate;
    r.value = 70;
    m->msg->readings = {r};
    m->due = Steady::now();
    pool->send(client, std::move(m));
  }
  // Runs the loop until `done` holds or `limit` (wall) passed.
  template <class F>
  bool run_until(F done, std::chrono::milliseconds limit = 10s) {
    const auto end = Steady::now() + limit;
    while (!done() && Steady::now() < end) io.run_for(20ms);
    return done();
  }
  int completed() const {
    int n = 0;
    for (auto [o, k] : outcomes) n += k;
    return n;
  }
};

MqttTarget target_for(std::uint16_t port) {
  MqttTarget t;
  t.port = port;
  t.timeout = 3s;
  t.client_id = "pool-test-{patient}-{device}";
  return t;
}

class MqttPool : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!LocalBroker::available()) GTEST_SKIP() << "mosquitto is not installed";
    broker_ = std::make_unique<LocalBroker>();
  }
  std::unique_ptr<LocalBroker> broker_;
};

void sends_all_acknowledged(MqttTarget t, int clients, int per_client) {
  Harness h(t);
  for (int i = 0; i < clients; ++i) h.pool->add_client(static_cast<std::uint32_t>(i), "0");
  h.pool->start();
  std::uint64_t id = 1;
  for (int k = 0; k < per_client; ++k)
    for (int i = 0; i < clients; ++i) h.send(static_cast<std::uint32_t>(i), id++);
  ASSERT_TRUE(h.run_until([&] { return h.completed() == clients * per_client; }));
  EXPECT_EQ(h.outcomes[Outcome::Acknowledged], clients * per_client);
  EXPECT_EQ(h.pool->in_flight(), 0u);
  // Distinct client ids: had two clients shared one, the broker would have taken the
  // session from the first, and not all would be connected now.
  EXPECT_EQ(h.pool->connected(), static_cast<std::size_t>(clients));
  EXPECT_EQ(h.pool->reconnects(), 0u);
  EXPECT_TRUE(h.pool->abandon().empty());
}

TEST_F(MqttPool, EachClientHoldsItsOwnConnectionQos1) {
  sends_all_acknowledged(target_for(broker_->port()), 200, 3);
}

TEST_F(MqttPool, Qos0CountsWrittenAndQos2CountsPubcomp) {
  auto t = target_for(broker_->port());
  t.qos = 0;
  sends_all_acknowledged(t, 20, 5);
  t.qos = 2;
  sends_all_acknowledged(t, 20, 5);
}

TEST_F(MqttPool, Mqtt5PersistentSessions) {
  auto t = target_for(broker_->port());
  t.version = MqttVersion::V5;
  t.clean_session = false;
  sends_all_acknowledged(t, 30, 4);
}

TEST_F(MqttPool, KeepAliveHoldsIdleConnections) {
  auto t = target_for(broker_->port());
  t.keepalive = 1s;  // mosquitto closes a client silent for 1.5 keep-alive periods
  Harness h(t);
  for (std::uint32_t i = 0; i < 10; ++i) h.pool->add_client(i, "0");
  h.pool->start();
  for (std::uint32_t i = 0; i < 10; ++i) h.send(i, i + 1);
  ASSERT_TRUE(h.run_until([&] { return h.completed() == 10; }));
  h.io.run_for(3500ms);  // idle
  EXPECT_EQ(h.pool->connected(), 10u);
  EXPECT_EQ(h.pool->reconnects(), 0u);
  for (std::uint32_t i = 0; i < 10; ++i) h.send(i, 100 + i);
  ASSERT_TRUE(h.run_until([&] { return h.completed() == 20; }));
  EXPECT_EQ(h.outcomes[Outcome::Acknowledged], 20);
}

TEST_F(MqttPool, RampOpensConnectionsOneIntervalApart) {
  auto t = target_for(broker_->port());
  t.ramp_up = 40s;  // 20 clients: one every 2 s
  Harness h(t);
  for (std::uint32_t i = 0; i < 20; ++i) h.pool->add_client(i, "0");
  h.pool->start();
  h.send(5, 1);  // its connection is not due yet: the message waits for it
  ASSERT_TRUE(h.run_until([&] { return h.pool->connected() == 1; }));
  h.io.run_for(200ms);
  EXPECT_EQ(h.pool->connected(), 1u);
  EXPECT_EQ(h.completed(), 0);
  EXPECT_EQ(h.pool->in_flight(), 1u);
  EXPECT_EQ(h.pool->abandon().size(), 1u);  // handed back, as in flight
}

TEST_F(MqttPool, LazyConnectWithoutARamp) {
  Harness h(target_for(broker_->port()));
  for (std::uint32_t i = 0; i < 5; ++i) h.pool->add_client(i, "0");
  h.pool->start();
  h.io.run_for(200ms);
  EXPECT_EQ(h.pool->connected(), 0u);  // nobody has sent yet
  h.send(3, 1);
  ASSERT_TRUE(h.run_until([&] { return h.completed() == 1; }));
  EXPECT_EQ(h.pool->connected(), 1u);
}

// Local addresses (host order) of established IPv4 connections to `port`, from /proc.
std::map<std::uint32_t, int> sources_towards(std::uint16_t port) {
  std::map<std::uint32_t, int> out;
  std::ifstream f("/proc/net/tcp");
  std::string line;
  std::getline(f, line);  // header
  while (std::getline(f, line)) {
    unsigned local = 0, lport = 0, remote = 0, rport = 0, state = 0;
    if (std::sscanf(line.c_str(), " %*d: %x:%x %x:%x %x", &local, &lport, &remote, &rport,
                    &state) != 5)
      continue;
    if (rport == port && state == 1) ++out[ntohl(local)];
  }
  return out;
}

TEST_F(MqttPool, ManyConnectionsToALoopbackBrokerLeaveFromSeveralAddresses) {
  Harness h(target_for(broker_->port()));
  const int n = 4200;  // over 4096 per source address: two addresses
  for (int i = 0; i < n; ++i) h.pool->add_client(static_cast<std::uint32_t>(i), "0");
  h.pool->start();
  for (int i = 0; i < n; ++i)
    h.send(static_cast<std::uint32_t>(i), static_cast<std::uint64_t>(i + 1));
  ASSERT_TRUE(h.run_until([&] { return h.completed() == n; }, 30s));
  EXPECT_EQ(h.outcomes[Outcome::Acknowledged], n);
  EXPECT_EQ(h.pool->connected(), static_cast<std::size_t>(n));
  const auto sources = sources_towards(broker_->port());
  EXPECT_EQ(sources.size(), 2u);
  int total = 0;
  for (auto [addr, count] : sources) {
    EXPECT_EQ(addr >> 24, 127u);
    EXPECT_NE(addr, 0x7f000001u);  // not 127.0.0.1
    EXPECT_EQ(count, n / 2);       // round robin
    total += count;
  }
  EXPECT_EQ(total, n);
}

TEST(MqttPoolTls, VerifiedAgainstTheCaAndRefusedWithAnotherCa) {
  if (!LocalBroker::available()) GTEST_SKIP() << "mosquitto is not installed";
  iomtsim::testing::TestCerts certs, other;
  if (!certs.ok || !other.ok) GTEST_SKIP() << "openssl could not make test certificates";
  LocalBroker broker(LocalBrokerOptions{certs.ca, certs.cert, certs.key});
  ASSERT_NE(broker.tls_port(), 0);
  auto t = target_for(broker.tls_port());
  t.tls = true;
  t.tls_settings.ca_file = certs.ca;
  sends_all_acknowledged(t, 10, 2);

  t.tls_settings.ca_file = other.ca;  // a broker we must not trust
  t.timeout = 300ms;
  t.reconnect_initial = 100ms;
  Harness h(t);
  for (std::uint32_t i = 0; i < 3; ++i) h.pool->add_client(i, "0");
  h.pool->start();
  for (std::uint32_t i = 0; i < 3; ++i) h.send(i, i + 1);
  ASSERT_TRUE(h.run_until([&] { return h.completed() == 3; }));
  EXPECT_EQ(h.outcomes[Outcome::Failed], 3);
  EXPECT_EQ(h.pool->connected(), 0u);
  EXPECT_GT(h.pool->reconnects(), 0u);
}

}  // namespace
}  // namespace iomtsim::loadgen::detail
