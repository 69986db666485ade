#pragma once
// The reference target as its own process (`iomtsim target --config FILE`, every port 0),
// for tests that measure what it holds: its memory comes from /proc/PID/status, its
// counters from GET /metrics. The process is stopped with SIGTERM by the destructor.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

namespace iomtsim::testing {

class TargetProcess {
 public:
  // `yaml` is the config (ports are forced to 0). `nofile_soft`: the open-file soft limit
  // the process starts with (the hard limit is left as it is).
  explicit TargetProcess(const std::string& yaml, std::optional<std::uint64_t> nofile_soft = {});
  ~TargetProcess();
  TargetProcess(const TargetProcess&) = delete;
  TargetProcess& operator=(const TargetProcess&) = delete;

  bool ready() const { return http_port != 0; }
  // A field of /proc/PID/status in KiB ("VmRSS", "VmHWM"); 0 if unreadable.
  std::uint64_t status_kib(const std::string& field) const;
  std::uint64_t rss_mib() const { return status_kib("VmRSS") / 1024; }
  std::uint64_t hwm_mib() const { return status_kib("VmHWM") / 1024; }
  // One Prometheus series from GET /metrics, e.g.
  // iomtsim_target_refusals_total{protocol="http",reason="too_deep"}; -1 if absent.
  double metric(const std::string& series) const;
  // Whether the process is still running.
  bool alive() const;
  // SIGTERM, then the exit code (-1 on a signal or a time-out).
  int stop();

  pid_t pid = -1;
  std::uint16_t http_port = 0;
  std::uint16_t mllp_port = 0;
  std::uint16_t proto_port = 0;
  std::string stderr_text() const;

 private:
  std::string config_path_;
  int out_fd_ = -1;
  int err_fd_ = -1;
  bool stopped_ = false;
  int exit_code_ = 0;
};

// Raises this process's open-file soft limit to at least `want` (as far as the hard limit
// allows); returns the soft limit in force afterwards.
std::uint64_t raise_own_nofile(std::uint64_t want);

}  // namespace iomtsim::testing
