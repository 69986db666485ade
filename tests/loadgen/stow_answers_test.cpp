// What a PACS says in its STOW-RS answer decides what counts as stored: a 202 (or 200)
// listing the instance in its FailedSOPSequence is a refusal with the FailureReason as its
// reason, not an acknowledgement. A scripted PACS on loopback answers every third store
// that way (the form PS3.18 gives for partial failure; Orthanc cannot be made to); the
// results it did take then go on to the chart (the embedded reference target) as
// ImagingStudy + DiagnosticReport transactions.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "iomtsim/loadgen/run.hpp"
#include "tiny_scenario.hpp"

using namespace iomtsim;
using namespace std::chrono_literals;

namespace {

constexpr const char* kFailed =
    R"({"00081198":{"vr":"SQ","Value":[{"00081150":{"vr":"UI","Value":["1.2.840.10008.5.1.4.1.1.3.1"]},)"
    R"("00081197":{"vr":"US","Value":[42752]}}]}})";
constexpr const char* kStored =
    R"({"00081199":{"vr":"SQ","Value":[{"00081150":{"vr":"UI","Value":["1.2.840.10008.5.1.4.1.1.3.1"]}}]}})";

// A PACS that answers by script: STOW-RS POSTs 200 with the instance stored, but every third
// 202 with it failed; a QIDO-RS GET finds the study it names. One thread per connection.
class ScriptedPacs {
 public:
  ScriptedPacs() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(fd_, 64) != 0 || ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      return;
    port_ = ntohs(a.sin_port);
    accept_ = std::thread([this] {
      for (;;) {
        const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0) return;
        conns_.emplace_back([this, c] { serve(c); });
      }
    });
  }
  ~ScriptedPacs() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    if (accept_.joinable()) accept_.join();
    for (auto& t : conns_) t.join();
  }
  std::uint16_t port() const { return port_; }
  std::uint64_t failed() const { return failed_; }
  std::uint64_t stored() const { return stored_; }
  std::uint64_t queries() const { return queries_; }

 private:
  void serve(int c) {
    std::string in;
    char buf[1 << 16];
    for (;;) {
      const auto head_end = in.find("\r\n\r\n");
      if (head_end == std::string::npos) {
        const auto n = ::read(c, buf, sizeof buf);
        if (n <= 0) break;
        in.append(buf, static_cast<std::size_t>(n));
        continue;
      }
      std::size_t length = 0;
      if (const auto at = in.find("Content-Length: "); at != std::string::npos && at < head_end)
        length = std::stoul(in.substr(at + 16));
      if (in.size() < head_end + 4 + length) {
        const auto n = ::read(c, buf, sizeof buf);
        if (n <= 0) break;
        in.append(buf, static_cast<std::size_t>(n));
        continue;
      }
      const bool post = in.starts_with("POST ");
      std::string status = "200 OK", body = "[]";
      if (const auto at = in.find("StudyInstanceUID="); !post && at < head_end) {
        const auto uid = in.substr(at + 17, in.find_first_of("& ", at) - at - 17);
        body = R"([{"0020000D":{"vr":"UI","Value":[")" + uid +
               R"("]},"00201208":{"vr":"IS","Value":[100]}}])";
        ++queries_;
      }
      in.erase(0, head_end + 4 + length);
      if (post) {
        if (++posts_ % 3 == 0) {
          status = "202 Accepted";
          body = kFailed;
          ++failed_;
        } else {
          body = kStored;
          ++stored_;
        }
      }
      const std::string out = "HTTP/1.1 " + status +
                              "\r\nContent-Type: application/dicom+json\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + body;
      if (::write(c, out.data(), out.size()) != static_cast<ssize_t>(out.size())) break;
    }
    ::close(c);
  }

  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread accept_;
  std::vector<std::thread> conns_;  // touched by the accept thread only, joined after it
  std::atomic<std::uint64_t> posts_{0}, failed_{0}, stored_{0}, queries_{0};
};

TEST(StowAnswers, FailedSopSequenceIsARejectionWithItsReason) {
  std::uint64_t failed = 0, stored = 0, queries = 0;
  reports::Report report;
  {
    ScriptedPacs pacs;
    ASSERT_NE(pacs.port(), 0);
    auto s = loadgen::tiny_scenarios::tiny(3, 0);
    s.time.speed = 120;
    s.target.request_timeout = 10s;
    s.target.imaging = scenarios::ImagingTarget{false, "127.0.0.1", pacs.port(), "/dicom-web"};
    auto& o = s.cohorts[0].operations;
    o.model.imaging.procedures_per_day = 1500;
    o.model.imaging.results_per_procedure = 2;
    o.model.imaging.ultrasound_bytes = physiology::Distribution::constant(32.0 * 1024);
    o.imaging = {scenarios::PayloadFormat::FhirR4, "lan"};
    loadgen::RunOptions opt;
    opt.threads = 1;
    opt.write_files = false;
    opt.progress = loadgen::ProgressMode::None;
    opt.drain_timeout = 5s;
    std::ostringstream log;
    opt.log = &log;
    report = loadgen::run(s, opt).report;
    failed = pacs.failed();
    stored = pacs.stored();
    queries = pacs.queries();
  }
  const auto& d = report.ops.delivery;
  ASSERT_GT(failed, 0u);
  ASSERT_GT(stored, 0u);
  // Blood gases go to the FHIR target; every DICOM answer of the PACS is counted as it said.
  EXPECT_EQ(d.imaging_results[reports::Outcome::Rejected], failed);
  EXPECT_GE(d.imaging_results[reports::Outcome::Acknowledged], stored);
  bool reason = false;
  for (const auto& e : report.outcome_codes.errors)
    if (e.protocol == "dicomweb" && e.code == "202") {
      EXPECT_EQ(e.text, "FailedSOPSequence: 1 instance, FailureReason 0xA700 (out of resources)");
      EXPECT_EQ(e.count, failed);
      reason = true;
    }
  EXPECT_TRUE(reason) << "no dicomweb 202 reason in outcome_codes";
  // Only what the PACS stored goes on to the chart, and the reference target takes it.
  EXPECT_EQ(d.imaging_reports.generated, stored);
  EXPECT_EQ(d.imaging_reports[reports::Outcome::Acknowledged], stored);
  EXPECT_TRUE(d.balanced());
  // What it stored is then found by QIDO-RS (one query a study at least); what it refused
  // is never looked for.
  EXPECT_EQ(report.ops.scores.imaging_retrievable, stored);
  EXPECT_GT(queries, 0u);
}

}  // namespace
