#pragma once
// SIGINT and SIGTERM ask the running command to stop (std::stop_source::request_stop)
// instead of ending the process: the run stops scheduling, accounts what is in flight and
// writes a report that says it was interrupted, by which signal and at what scenario time
// (exit code 128 + the signal: reports/verdict.hpp). Later signals change nothing (the
// first one names the stop); SIGKILL still ends the process at once.
//
// How: the constructor blocks both signals in the calling thread, so every thread started
// after it inherits the mask, and a thread of its own takes them with sigtimedwait. Build
// it first thing in a command, before any other thread exists (a thread with the signals
// unblocked would let one kill the process). A signal taken before the run itself started
// is not lost: the stop_source keeps the request and the run stops at its first check.
//
//   SignalStop signals;          // first thing in the command
//   o.stop = signals.control();
#include <atomic>
#include <stop_token>
#include <thread>

#include "iomtsim/sim/run_frame.hpp"

namespace iomtsim::cli {

class SignalStop {
 public:
  SignalStop();
  ~SignalStop();  // joins the waiting thread; signals stay blocked (the command is ending)
  SignalStop(const SignalStop&) = delete;
  SignalStop& operator=(const SignalStop&) = delete;

  std::stop_token token() const { return source_.get_token(); }
  // The signal that requested the stop (0 while none did).
  const std::atomic<int>& signal() const { return signal_; }
  // Both, as the libraries take them (RunOptions::stop, SimulateOptions::stop).
  sim::StopControl control() const { return {token(), &signal_}; }

 private:
  std::stop_source source_;
  std::atomic<int> signal_{0};
  std::atomic<bool> done_{false};
  std::thread waiter_;
};

}  // namespace iomtsim::cli
