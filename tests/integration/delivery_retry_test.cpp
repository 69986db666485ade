// Delivering like a device against servers written by others. Medplum's FHIR router (behind
// tests/support/medplum/server.js --reset-after-store) destroys some connections after it
// stored the Observation, so the device never hears the answer and retries: with an
// idempotent write (conditional create, or PUT with our id) the server holds each reading
// once and every reading is acknowledged; with a plain POST the same retries store
// duplicates (what the test would see if the writes were not idempotent). An HL7 interface
// engine of the test's own answers AE (the message is wrong: never resent) or AR/CR (busy:
// resent until it takes it).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "iomtsim/loadgen/run.hpp"
#include "iomtsim/payloads/hl7.hpp"
#include "iomtsim/payloads/mllp.hpp"
#include "pipeline_support.hpp"
#include "support/medplum_server.hpp"

using namespace iomtsim;
using namespace iomtsim::testing;
using reports::Outcome;

namespace {

struct ResetRun {
  loadgen::RunResult result;
  nlohmann::json stats;
};

ResetRun run_with_resets(scenarios::FhirWrite write, std::uint32_t attempts) {
  MedplumServer fhir({"--reset-after-store", "0.25", "--seed", "11"});
  EXPECT_TRUE(fhir.ok()) << fhir.error();
  if (!fhir.ok()) return {};
  // Medplum's in-memory repository answers a conditional create by scanning every stored
  // Observation (hundreds of milliseconds at a few hundred): a small ward at a pace it keeps
  // up with, so that resets, not time-outs, are what the device retries.
  auto s = fhir_ward(fhir.port(), 2, 0, "retry-ward");
  s.time.speed = 30;
  s.metadata.duration = std::chrono::minutes(2);
  s.target.request_timeout = std::chrono::seconds(30);
  s.target.http->fhir_write = write;
  s.target.retry.attempts = attempts;
  s.target.retry.backoff = std::chrono::seconds(1);
  s.target.retry.max_backoff = std::chrono::seconds(8);
  std::ostringstream log;
  ResetRun out;
  out.result = loadgen::run(s, kept_options(log));
  out.stats = fhir.stats();
  return out;
}

void expect_no_duplicate_and_all_acknowledged(const ResetRun& r) {
  const auto& d = r.result.report.delivery;
  const auto& a = r.result.report.delivery_attempts;
  ASSERT_GT(d.generated, 0u);
  EXPECT_TRUE(d.balanced());
  EXPECT_GT(r.stats["resets"].get<int>(), 0) << r.stats.dump();
  EXPECT_EQ(r.stats["duplicates"], 0) << r.stats.dump();
  EXPECT_EQ(r.stats["observations_stored"].get<std::uint64_t>(), d.generated) << r.stats.dump();
  std::string said;  // what the server answered, for a failure's message
  for (const auto& c : r.result.report.outcome_codes.codes)
    said += c.code + " x" + std::to_string(c.messages) + "; ";
  for (const auto& e : r.result.report.outcome_codes.errors) said += e.code + ": " + e.text + "; ";
  EXPECT_EQ(d[Outcome::Acknowledged], d.generated) << said;
  EXPECT_GT(a.retries, 0u);
  EXPECT_EQ(a.retries_exhausted, 0u);
  EXPECT_EQ(a.attempts, d.generated + a.retries);  // one reading per message
  // Each reset cost one retry; nothing else failed.
  EXPECT_EQ(a.retries, r.stats["resets"].get<std::uint64_t>());
}

TEST(DeliveryRetries, ConditionalCreateStoresNoDuplicateAfterResets) {
  expect_no_duplicate_and_all_acknowledged(
      run_with_resets(scenarios::FhirWrite::ConditionalCreate, 6));
}

TEST(DeliveryRetries, PutWithOurIdStoresNoDuplicateAfterResets) {
  expect_no_duplicate_and_all_acknowledged(run_with_resets(scenarios::FhirWrite::Put, 6));
}

TEST(DeliveryRetries, PlainPostRetriesStoreDuplicates) {
  const auto r = run_with_resets(scenarios::FhirWrite::Post, 6);
  const auto& d = r.result.report.delivery;
  EXPECT_EQ(d[Outcome::Acknowledged], d.generated);
  EXPECT_GT(r.result.report.delivery_attempts.retries, 0u);
  // Every retry after a reset stored the reading again.
  EXPECT_GT(r.stats["duplicates"].get<int>(), 0) << r.stats.dump();
  EXPECT_EQ(r.stats["observations_stored"].get<std::uint64_t>(),
            d.generated + r.stats["duplicates"].get<std::uint64_t>());
}

// ---- an HL7 v2 interface engine of the test's own ----------------------------------------

// Answers each ORU^R01 with what `answer(control id, times seen)` says, on 127.0.0.1.
class MllpAnswerer {
 public:
  using Answer = std::function<payloads::Hl7Ack(const std::string& control_id, int seen)>;
  static payloads::Hl7Ack ack(payloads::AckCode code, const std::string& id, const std::string& why,
                              bool enhanced) {
    payloads::Hl7Ack a;
    a.code = code;
    a.control_id = id;
    a.reason = why;
    a.enhanced = enhanced;
    return a;
  }
  explicit MllpAnswerer(Answer answer) : answer_(std::move(answer)) {
    listen_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(listen_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(listen_, 8) != 0 ||
        ::getsockname(listen_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      return;
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~MllpAnswerer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    ::close(listen_);
  }
  std::uint16_t port() const { return port_; }
  int messages() const { return messages_; }

 private:
  void serve() {
    std::vector<pollfd> fds{{listen_, POLLIN, 0}};
    std::map<int, payloads::MllpDeframer> deframers;
    std::vector<std::string> frames;
    char buf[16384];
    while (!stop_) {
      if (::poll(fds.data(), fds.size(), 50) <= 0) continue;
      for (std::size_t i = 0; i < fds.size(); ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        if (fds[i].fd == listen_) {
          const int c = ::accept4(listen_, nullptr, nullptr, SOCK_CLOEXEC);
          if (c >= 0) {
            fds.push_back({c, POLLIN, 0});
            deframers.emplace(c, payloads::MllpDeframer{});
          }
          continue;
        }
        const int fd = fds[i].fd;
        const auto n = ::read(fd, buf, sizeof buf);
        if (n <= 0) {
          ::close(fd);
          deframers.erase(fd);
          fds.erase(fds.begin() + static_cast<std::ptrdiff_t>(i));
          --i;
          continue;
        }
        frames.clear();
        deframers.at(fd).feed(std::string_view(buf, static_cast<std::size_t>(n)), frames);
        std::string out;
        for (const auto& f : frames) {
          const auto msg = payloads::decode_oru_r01(f);
          ++messages_;
          const std::string id = msg.message_id;
          payloads::append_mllp_frame(out, payloads::encode_ack(answer_(id, ++seen_[id])));
        }
        for (std::size_t off = 0; off < out.size();) {
          const auto w = ::write(fd, out.data() + off, out.size() - off);
          if (w <= 0) break;
          off += static_cast<std::size_t>(w);
        }
      }
    }
    for (const auto& p : fds)
      if (p.fd != listen_) ::close(p.fd);
  }

  Answer answer_;
  int listen_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> messages_{0};
  std::map<std::string, int> seen_;
};

scenarios::Scenario mllp_ward(std::uint16_t port) {
  auto s =
      ward_scenario({.healthy = 2, .format = scenarios::PayloadFormat::Hl7v2, .name = "mllp-ward"});
  s.time.mode = scenarios::TimeMode::Accelerated;
  s.time.speed = 600;
  s.metadata.duration = std::chrono::minutes(3);
  s.target.embedded = false;
  s.target.mllp = scenarios::Endpoint{"127.0.0.1", port, false};
  s.target.request_timeout = std::chrono::seconds(5);
  s.target.retry.attempts = 4;
  s.target.retry.backoff = std::chrono::seconds(1);
  return s;
}

TEST(DeliveryRetries, MllpAeIsFinalAndItsErrorTextIsKept) {
  MllpAnswerer engine([](const std::string& id, int) {
    return MllpAnswerer::ack(payloads::AckCode::Error, id, "OBX-6 unit not accepted here", false);
  });
  ASSERT_NE(engine.port(), 0);
  std::ostringstream log;
  const auto r = loadgen::run(mllp_ward(engine.port()), kept_options(log));
  const auto& d = r.report.delivery;
  ASSERT_GT(d.generated, 0u);
  EXPECT_EQ(d[Outcome::Rejected], d.generated);
  EXPECT_EQ(r.report.delivery_attempts.retries, 0u);  // a sender never resends an AE as it is
  EXPECT_EQ(static_cast<std::uint64_t>(engine.messages()), r.report.delivery_attempts.attempts);
  ASSERT_EQ(r.report.outcome_codes.errors.size(), 1u);
  const auto& e = r.report.outcome_codes.errors.front();
  EXPECT_EQ(e.protocol, "hl7v2");
  EXPECT_EQ(e.code, "AE");
  EXPECT_EQ(e.text, "OBX-6 unit not accepted here");
}

TEST(DeliveryRetries, MllpArAndCrAreResentUntilAccepted) {
  // Busy on the first try (AR) and the second (CR, enhanced mode), then CA.
  MllpAnswerer engine([](const std::string& id, int seen) {
    if (seen == 1) return MllpAnswerer::ack(payloads::AckCode::Reject, id, "engine paused", false);
    if (seen == 2) return MllpAnswerer::ack(payloads::AckCode::Reject, id, "queue full", true);
    return MllpAnswerer::ack(payloads::AckCode::Accept, id, "", true);
  });
  ASSERT_NE(engine.port(), 0);
  std::ostringstream log;
  const auto r = loadgen::run(mllp_ward(engine.port()), kept_options(log));
  const auto& d = r.report.delivery;
  const auto& a = r.report.delivery_attempts;
  ASSERT_GT(d.generated, 0u);
  EXPECT_TRUE(d.balanced());
  EXPECT_EQ(d[Outcome::Acknowledged], d.generated);
  EXPECT_EQ(a.retries, 2 * d.generated);  // one message per reading
  EXPECT_EQ(a.attempts, 3 * d.generated);
  std::map<std::string, std::uint64_t> codes;
  for (const auto& c : r.report.outcome_codes.codes) codes[c.code] += c.messages;
  EXPECT_EQ(codes["AR"], d.generated);
  EXPECT_EQ(codes["CR"], d.generated);
  EXPECT_EQ(codes["CA"], d.generated);
  bool paused = false;
  for (const auto& e : r.report.outcome_codes.errors) paused |= e.text == "engine paused";
  EXPECT_TRUE(paused);
}

}  // namespace
