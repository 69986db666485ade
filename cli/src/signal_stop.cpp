#include "signal_stop.hpp"

#include <pthread.h>
#include <signal.h>

#include <ctime>

namespace iomtsim::cli {
namespace {

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

SignalStop::SignalStop() {
  const sigset_t set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  waiter_ = std::thread([this] {
    const sigset_t wait_for = stop_signals();
    const timespec tick{0, 100'000'000};  // notices the destructor within 0.1 s
    while (!done_.load()) {
      const int sig = sigtimedwait(&wait_for, nullptr, &tick);
      if (sig <= 0) continue;  // timed out, or interrupted
      int expected = 0;
      signal_.compare_exchange_strong(expected, sig);  // the first signal names the stop
      source_.request_stop();
    }
  });
}

SignalStop::~SignalStop() {
  done_.store(true);
  waiter_.join();
}

}  // namespace iomtsim::cli
