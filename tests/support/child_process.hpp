#pragma once
// Ending a server a test started (Medplum, Orthanc): SIGTERM, a bounded wait for it to
// exit, then SIGKILL, so a server that hangs on shutdown never hangs the test.
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <chrono>
#include <thread>

namespace iomtsim::testing {

// Stops and reaps `pid` (no-op when it is not positive) and sets it to -1.
inline void stop_child(pid_t& pid, std::chrono::milliseconds grace) {
  if (pid <= 0) return;
  ::kill(pid, SIGTERM);
  int status = 0;
  bool gone = false;
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (!gone && std::chrono::steady_clock::now() < deadline) {
    gone = ::waitpid(pid, &status, WNOHANG) == pid;
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!gone) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  pid = -1;
}

}  // namespace iomtsim::testing
