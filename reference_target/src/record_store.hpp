#pragma once
// The target's record: Observations made from the readings it acknowledged, and the
// Patient and Device resources clients created, in SQLite (from Debian's libsqlite3).
//
// Observations are kept as columns, not JSON (a write is a handful of integers), and
// rendered on read with payloads::append_observation, so what a client reads back has the
// shape the load generator sends, plus `id` and `meta.lastUpdated`.
//
// Ordering and lastUpdated: each Observation's store sequence number IS its lastUpdated in
// Unix microseconds, strictly increasing (a microsecond apart at least; at more than a
// million writes a second it would run ahead of the wall clock). One writer thread writes
// whole batches in one transaction, and assigns the batch's times just before committing
// it, so every Observation a reader can see has a lastUpdated below any it cannot see
// yet: a client polling `_lastUpdated=gt<the last it saw>` misses none and sees none twice.
//
// Logical ids: the reading id (decimal) for a reading that had an iomtsim identifier; for
// one that had none, "s<n>" with the number ingest gave it when it answered (the Location
// header named it); the second copy of a duplicated reading is "<id>-2".
//
// Threads: write() from the store's writer only; reads and creates from any thread. One
// connection behind one mutex: a read waits for a batch in progress to commit (a few
// milliseconds), which keeps ":memory:" and file stores alike. A file store is in WAL mode
// so that other processes (the sqlite3 shell) can read it while the target writes.
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fhir_search.hpp"
#include "iomtsim/physiology/reading.hpp"
#include "iomtsim/reference_target/config.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace iomtsim::reference_target {

// Patients that were named by an id other than p<index> get an index from here (ingest
// needs one per patient for the rules); the store renders their subject back by name.
// Bounded: past `max` names a new one is refused (nullopt).
class PatientNames {
 public:
  static constexpr physiology::PatientIndex kFirst = 0x80000000u;
  explicit PatientNames(std::size_t max) : max_(max) {}
  std::optional<physiology::PatientIndex> intern(std::string_view id);
  // The id for an interned index; nullopt for an ordinary p<index> one.
  std::optional<std::string> name(physiology::PatientIndex p) const;
  std::optional<physiology::PatientIndex> find(std::string_view id) const;

 private:
  std::size_t max_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, physiology::PatientIndex> by_id_;
  std::vector<std::string> names_;
};

// One reading on its way to the record, as the writer stores it.
struct StoredReading {
  physiology::Reading reading;      // device_time on the scenario clock (epoch_unix_ms away)
  std::uint64_t server_number = 0;  // non-zero: it had no identifier, its id is "s<n>"
  bool second_copy = false;         // the second copy of a duplicate: id "<id>-2"
  bool unit_altered = false;        // an alter fault: rendered with a wrong unit
};

struct StoreAnswer {
  unsigned status = 200;
  std::string body;      // a resource/Bundle, or the reason for an error status
  std::string location;  // creates: "Patient/<id>/_history/1"
};

class RecordStore {
 public:
  // Opens (creating if need be) the database. Throws std::runtime_error with SQLite's
  // reason if it cannot.
  RecordStore(const StoreConfig& cfg, std::string fhir_base, std::int64_t epoch_unix_ms,
              const PatientNames* names);
  ~RecordStore();
  RecordStore(const RecordStore&) = delete;
  RecordStore& operator=(const RecordStore&) = delete;

  // Writes a batch in one transaction; returns how many rows went in. Applies retention
  // afterwards (returns the rows it deleted in `evicted`).
  std::size_t write(const std::vector<StoredReading>& batch, std::uint64_t& evicted);

  StoreAnswer read_observation(std::string_view id) const;
  StoreAnswer search_observations(std::string_view query_string) const;

  // Patient and Device: create (with an optional If-None-Exist query, "identifier=s|v"),
  // read, search by identifier (and _id).
  StoreAnswer create(std::string_view type, std::string_view json, std::string_view if_none_exist);
  StoreAnswer read_resource(std::string_view type, std::string_view id) const;
  StoreAnswer search_resources(std::string_view type, std::string_view query_string) const;

  // The id of the one resource of `type` with this identifier; nullopt: none (or several).
  std::optional<std::string> find_by_identifier(std::string_view type, std::string_view system,
                                                std::string_view value) const;

  std::uint64_t observation_count() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace iomtsim::reference_target
