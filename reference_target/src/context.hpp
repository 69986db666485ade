#pragma once
// What every transport shares: config, counters, logs, faults, ingest, the registry of
// open connections (its limits, and so stop() and an injected crash can close them all)
// and the memory budget for bodies in flight.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "body_budget.hpp"
#include "connection_registry.hpp"
#include "faults.hpp"
#include "ingest.hpp"
#include "log.hpp"

namespace boost::asio {
class io_context;
}

namespace iomtsim::reference_target {

class FlagStore;

struct ServerContext {
  const TargetConfig& cfg;
  Metrics& metrics;
  const Log& log;
  Faults& faults;
  Ingest& ingest;
  ConnectionRegistry& connections;
  BodyBudget& bodies;
  std::atomic<bool>& crashed;        // after an injected crash nothing answers any more
  const FlagStore* flags = nullptr;  // the alerts as Flags (FHIR search); nullptr: none kept
  RecordStore* store = nullptr;      // the record (FHIR read/search/create); nullptr: none
};

// A listening socket with its accept loop. close() stops accepting (idempotent).
class Listener {
 public:
  virtual ~Listener() = default;
  virtual std::uint16_t port() const = 0;
  virtual void close() = 0;
};

// Each binds, listens and starts accepting; throws std::runtime_error if it cannot bind.
std::unique_ptr<Listener> start_http_listener(boost::asio::io_context& ioc, ServerContext& ctx);
std::unique_ptr<Listener> start_mllp_listener(boost::asio::io_context& ioc, ServerContext& ctx);
std::unique_ptr<Listener> start_proto_listener(boost::asio::io_context& ioc, ServerContext& ctx);

}  // namespace iomtsim::reference_target
