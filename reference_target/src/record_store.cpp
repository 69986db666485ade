#include "record_store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <variant>

#include "iomtsim/payloads/codes.hpp"
#include "iomtsim/payloads/fhir.hpp"
#include "iomtsim/payloads/fhir_alerts.hpp"
#include "iomtsim/payloads/reference_map.hpp"

namespace iomtsim::reference_target {
namespace {

constexpr std::string_view kReadingSystem = "urn:iomtsim:reading";
constexpr std::int64_t kCopyBit = 1;    // the second copy of a duplicated reading
constexpr std::int64_t kServerBit = 2;  // key is a server number ("s<n>"), no identifier

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Unix ns -> the smallest microsecond count whose ns value is >= it.
std::int64_t ceil_us(std::int64_t ns) { return ns >= 0 ? (ns + 999) / 1000 : ns / 1000; }

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql) {
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
        SQLITE_OK)
      throw std::runtime_error(std::string("store: ") + sqlite3_errmsg(db) + " in " +
                               std::string(sql));
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  sqlite3_stmt* get() const { return stmt_; }
  void reset() const {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

// A SQL text under construction with its bound values (all integers or text).
struct Sql {
  std::string text;
  std::vector<std::variant<std::int64_t, std::string>> args;
  void bind(sqlite3_stmt* s) const {
    for (std::size_t i = 0; i < args.size(); ++i) {
      const int at = static_cast<int>(i) + 1;
      if (const auto* v = std::get_if<std::int64_t>(&args[i]))
        sqlite3_bind_int64(s, at, *v);
      else {
        const auto& t = std::get<std::string>(args[i]);
        sqlite3_bind_text(s, at, t.data(), static_cast<int>(t.size()), SQLITE_TRANSIENT);
      }
    }
  }
};

void add_time(Sql& sql, std::string_view column, const TimeConstraint& c, bool micros) {
  using P = TimeConstraint::Prefix;
  const std::int64_t start = micros ? ceil_us(c.start_ns) : c.start_ns;
  const std::int64_t end = micros ? ceil_us(c.end_ns) : c.end_ns;
  const std::string col(column);
  switch (c.prefix) {
    case P::Eq:
      sql.text += " AND " + col + " >= ? AND " + col + " < ?";
      sql.args.emplace_back(start);
      sql.args.emplace_back(end);
      break;
    case P::Ne:
      sql.text += " AND (" + col + " < ? OR " + col + " >= ?)";
      sql.args.emplace_back(start);
      sql.args.emplace_back(end);
      break;
    case P::Gt:
      sql.text += " AND " + col + " >= ?";
      sql.args.emplace_back(end);
      break;
    case P::Ge:
      sql.text += " AND " + col + " >= ?";
      sql.args.emplace_back(start);
      break;
    case P::Lt:
      sql.text += " AND " + col + " < ?";
      sql.args.emplace_back(start);
      break;
    case P::Le:
      sql.text += " AND " + col + " < ?";
      sql.args.emplace_back(end);
      break;
  }
}

// "Patient/p12" or "p12" -> (index, nullopt); another id -> (nullopt, id).
std::pair<std::optional<physiology::PatientIndex>, std::string> subject_of(std::string_view ref) {
  if (ref.starts_with("Patient/")) ref.remove_prefix(8);
  if (ref.size() > 1 && ref.front() == 'p') {
    physiology::PatientIndex p = 0;
    const auto [end, ec] = std::from_chars(ref.data() + 1, ref.data() + ref.size(), p);
    if (ec == std::errc() && end == ref.data() + ref.size() && p < PatientNames::kFirst)
      return {p, {}};
  }
  return {std::nullopt, std::string(ref)};
}

std::string logical_id(std::int64_t key, std::int64_t copy) {
  std::string id = (copy & kServerBit) ? "s" + std::to_string(key)
                                       : std::to_string(static_cast<std::uint64_t>(key));
  if (copy & kCopyBit) id += "-2";
  return id;
}

// Escapes a string for a JSON string literal (ids and URLs we build; ids are checked).
std::string json_string(std::string_view s) { return nlohmann::json(std::string(s)).dump(); }

}  // namespace

// --- PatientNames -----------------------------------------------------------------

std::optional<physiology::PatientIndex> PatientNames::intern(std::string_view id) {
  std::lock_guard lock(mutex_);
  if (auto it = by_id_.find(std::string(id)); it != by_id_.end()) return it->second;
  if (names_.size() >= max_) return std::nullopt;
  const auto index = static_cast<physiology::PatientIndex>(kFirst + names_.size());
  names_.emplace_back(id);
  by_id_.emplace(std::string(id), index);
  return index;
}

std::optional<std::string> PatientNames::name(physiology::PatientIndex p) const {
  if (p < kFirst) return std::nullopt;
  std::lock_guard lock(mutex_);
  const std::size_t i = p - kFirst;
  if (i >= names_.size()) return std::nullopt;
  return names_[i];
}

std::optional<physiology::PatientIndex> PatientNames::find(std::string_view id) const {
  std::lock_guard lock(mutex_);
  if (auto it = by_id_.find(std::string(id)); it != by_id_.end()) return it->second;
  return std::nullopt;
}

// --- RecordStore ------------------------------------------------------------------

struct RecordStore::Impl {
  StoreConfig cfg;
  std::string base;
  std::int64_t epoch_ns;
  const PatientNames* names;
  sqlite3* db = nullptr;
  // One connection, one mutex: the writer's transactions and the readers' queries take
  // turns. (A batch commits in a few milliseconds; reads are rarer than writes.)
  mutable std::mutex mutex;
  std::unique_ptr<Statement> insert;
  std::unique_ptr<Statement> insert_res, insert_ident;
  std::int64_t last_seq = 0;
  std::uint64_t rows = 0;
  std::uint64_t resources = 0;
  std::uint64_t next_resource_id = 1;
  std::int64_t last_retention_us = 0;

  void exec(const char* sql) const {
    char* err = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string why = err ? err : "unknown error";
      sqlite3_free(err);
      throw std::runtime_error("store: " + why + " in " + sql);
    }
  }
  std::int64_t scalar(const char* sql) const {
    Statement s(db, sql);
    return sqlite3_step(s.get()) == SQLITE_ROW ? sqlite3_column_int64(s.get(), 0) : 0;
  }

  void render(sqlite3_stmt* s, std::string& out) const;
  std::uint64_t apply_retention();
  StoreAnswer find_resources(std::string_view type, const SearchQuery& q,
                             std::vector<std::pair<std::string, std::string>>* found) const;
};

RecordStore::RecordStore(const StoreConfig& cfg, std::string fhir_base, std::int64_t epoch_unix_ms,
                         const PatientNames* names)
    : impl_(std::make_unique<Impl>()) {
  auto& m = *impl_;
  m.cfg = cfg;
  m.base = std::move(fhir_base);
  m.epoch_ns = epoch_unix_ms * 1'000'000;
  m.names = names;
  const bool memory = cfg.path == ":memory:";
  if (sqlite3_open_v2(cfg.path.c_str(), &m.db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string why = m.db ? sqlite3_errmsg(m.db) : "out of memory";
    sqlite3_close(m.db);
    m.db = nullptr;
    throw std::runtime_error("store: cannot open " + cfg.path + ": " + why);
  }
  try {
    if (!memory) {
      m.exec("PRAGMA journal_mode=WAL");
      m.exec("PRAGMA synchronous=NORMAL");
    } else {
      // Nothing to recover in memory, and a transaction is never rolled back: a rollback
      // journal would only copy every page a batch touches.
      m.exec("PRAGMA journal_mode=OFF");
    }
    m.exec("PRAGMA temp_store=MEMORY");
    m.exec(
        "CREATE TABLE IF NOT EXISTS obs(seq INTEGER PRIMARY KEY, k INTEGER NOT NULL, "
        "copy INTEGER NOT NULL, patient INTEGER NOT NULL, device INTEGER NOT NULL, "
        "vital INTEGER NOT NULL, value REAL NOT NULL, flags INTEGER NOT NULL, "
        "eff INTEGER NOT NULL, unit_alt INTEGER NOT NULL, subj TEXT)");
    m.exec("CREATE INDEX IF NOT EXISTS obs_k ON obs(k)");
    // One index only: each costs about 4 % of the target's ingest rate (the bench in
    // bench/reference_target/store_bench.cpp). Subject, code and date searches scan (in
    // lastUpdated order, bounded by store.max_observations); identifier searches, which
    // the read-back makes, use the index.
    m.exec("DROP INDEX IF EXISTS obs_patient");
    m.exec(
        "CREATE TABLE IF NOT EXISTS res(type TEXT NOT NULL, id TEXT NOT NULL, "
        "body TEXT NOT NULL, updated INTEGER NOT NULL, PRIMARY KEY(type, id))");
    m.exec(
        "CREATE TABLE IF NOT EXISTS res_ident(type TEXT NOT NULL, sys TEXT NOT NULL, "
        "val TEXT NOT NULL, id TEXT NOT NULL)");
    m.exec("CREATE INDEX IF NOT EXISTS res_ident_val ON res_ident(type, val, sys)");
    m.insert = std::make_unique<Statement>(m.db, "INSERT INTO obs VALUES(?,?,?,?,?,?,?,?,?,?,?)");
    m.insert_res = std::make_unique<Statement>(m.db, "INSERT INTO res VALUES(?,?,?,?)");
    m.insert_ident = std::make_unique<Statement>(m.db, "INSERT INTO res_ident VALUES(?,?,?,?)");
    m.last_seq = m.scalar("SELECT COALESCE(MAX(seq),0) FROM obs");
    m.rows = static_cast<std::uint64_t>(m.scalar("SELECT COUNT(*) FROM obs"));
    m.resources = static_cast<std::uint64_t>(m.scalar("SELECT COUNT(*) FROM res"));
    m.next_resource_id = static_cast<std::uint64_t>(m.scalar("SELECT COUNT(*) FROM res")) + 1;
  } catch (...) {
    m.insert.reset();
    m.insert_res.reset();
    m.insert_ident.reset();
    sqlite3_close(m.db);
    throw;
  }
}

RecordStore::~RecordStore() {
  auto& m = *impl_;
  m.insert.reset();
  m.insert_res.reset();
  m.insert_ident.reset();
  sqlite3_close(m.db);
}

std::size_t RecordStore::write(const std::vector<StoredReading>& batch, std::uint64_t& evicted) {
  auto& m = *impl_;
  evicted = 0;
  if (batch.empty()) return 0;
  std::lock_guard lock(m.mutex);
  m.exec("BEGIN");
  // The batch's lastUpdated times, taken now (just before the commit), strictly increasing.
  std::int64_t seq = std::max(now_us(), m.last_seq + 1);
  sqlite3_stmt* s = m.insert->get();
  std::size_t written = 0;
  for (const auto& sr : batch) {
    const auto& r = sr.reading;
    sqlite3_bind_int64(s, 1, seq);
    const bool server = sr.server_number != 0;
    sqlite3_bind_int64(s, 2, static_cast<std::int64_t>(server ? sr.server_number : r.id));
    sqlite3_bind_int64(s, 3, (sr.second_copy ? kCopyBit : 0) | (server ? kServerBit : 0));
    sqlite3_bind_int64(s, 4, r.patient);
    sqlite3_bind_int64(s, 5, r.device);
    sqlite3_bind_int64(s, 6, static_cast<int>(r.vital));
    sqlite3_bind_double(s, 7, r.value);
    sqlite3_bind_int64(s, 8, r.flags);
    sqlite3_bind_int64(s, 9, r.device_time.time_since_epoch().count() + m.epoch_ns);
    sqlite3_bind_int64(s, 10, sr.unit_altered ? 1 : 0);
    std::optional<std::string> subject;
    if (m.names && r.patient >= PatientNames::kFirst) subject = m.names->name(r.patient);
    if (subject)
      sqlite3_bind_text(s, 11, subject->data(), static_cast<int>(subject->size()),
                        SQLITE_TRANSIENT);
    else
      sqlite3_bind_null(s, 11);
    if (sqlite3_step(s) == SQLITE_DONE) {
      ++written;
      ++seq;
    }
    sqlite3_reset(s);
  }
  m.exec("COMMIT");
  m.last_seq = seq - 1;
  m.rows += written;
  evicted = m.apply_retention();
  return written;
}

std::uint64_t RecordStore::Impl::apply_retention() {
  std::uint64_t gone = 0;
  if (cfg.max_observations > 0 && rows > cfg.max_observations) {
    // Past the cap by a little (1 %) before deleting, so a delete is not paid per batch.
    const std::uint64_t slack = std::max<std::uint64_t>(1, cfg.max_observations / 100);
    if (rows >= cfg.max_observations + slack || slack == 1) {
      const std::uint64_t excess = rows - cfg.max_observations;
      Statement del(db,
                    "DELETE FROM obs WHERE seq <= (SELECT seq FROM obs ORDER BY seq LIMIT 1 "
                    "OFFSET ?)");
      sqlite3_bind_int64(del.get(), 1, static_cast<std::int64_t>(excess - 1));
      sqlite3_step(del.get());
      const auto n = static_cast<std::uint64_t>(sqlite3_changes(db));
      rows -= std::min(rows, n);
      gone += n;
    }
  }
  if (cfg.retention > Duration::zero()) {
    const std::int64_t now = now_us();
    if (now - last_retention_us >= 1'000'000) {  // at most once a second
      last_retention_us = now;
      Statement del(db, "DELETE FROM obs WHERE seq < ?");
      sqlite3_bind_int64(
          del.get(), 1,
          now - std::chrono::duration_cast<std::chrono::microseconds>(cfg.retention).count());
      sqlite3_step(del.get());
      const auto n = static_cast<std::uint64_t>(sqlite3_changes(db));
      rows -= std::min(rows, n);
      gone += n;
    }
  }
  return gone;
}

// Columns: seq k copy patient device vital value flags eff unit_alt subj.
void RecordStore::Impl::render(sqlite3_stmt* s, std::string& out) const {
  const std::int64_t seq = sqlite3_column_int64(s, 0);
  const std::int64_t key = sqlite3_column_int64(s, 1);
  const std::int64_t copy = sqlite3_column_int64(s, 2);
  physiology::Reading r;
  r.id = (copy & kServerBit) ? 0 : static_cast<std::uint64_t>(key);
  r.patient = static_cast<physiology::PatientIndex>(sqlite3_column_int64(s, 3));
  r.device = static_cast<physiology::DeviceIndex>(sqlite3_column_int64(s, 4));
  r.vital = static_cast<physiology::Vital>(sqlite3_column_int64(s, 5));
  r.value = sqlite3_column_double(s, 6);
  r.flags = static_cast<std::uint8_t>(sqlite3_column_int64(s, 7));
  r.device_time = physiology::SimTime{physiology::Duration{sqlite3_column_int64(s, 8) - epoch_ns}};
  const bool unit_alt = sqlite3_column_int64(s, 9) != 0;
  std::string subj;
  if (sqlite3_column_type(s, 10) == SQLITE_TEXT)
    subj = reinterpret_cast<const char*>(sqlite3_column_text(s, 10));

  std::string obs;
  payloads::append_observation(obs, r, {.epoch_unix_ms = epoch_ns / 1'000'000});
  // Server metadata after resourceType.
  constexpr std::string_view kHead = R"({"resourceType":"Observation",)";
  std::string meta = R"("id":")" + logical_id(key, copy) +
                     R"(","meta":{"versionId":"1","lastUpdated":")" +
                     payloads::format_fhir_time_us(seq * 1000) + R"("},)";
  if (obs.starts_with(kHead)) obs.insert(kHead.size(), meta);
  if (copy & kServerBit) {  // it came with no identifier: it has none
    const auto at = obs.find(R"("identifier":[)");
    const auto end = at == std::string::npos ? at : obs.find("}],", at);
    if (end != std::string::npos) obs.erase(at, end + 3 - at);
  }
  if (!subj.empty()) {
    constexpr std::string_view kSubject = R"("subject":{"reference":"Patient/)";
    const auto at = obs.find(kSubject);
    const auto end = at == std::string::npos ? at : obs.find('"', at + kSubject.size());
    if (end != std::string::npos)
      obs.replace(at + kSubject.size(), end - at - kSubject.size(), subj);
  }
  if (unit_alt) {
    // A unit that is not the vital's: what a pipeline that mislabels units would store.
    const std::string_view right = payloads::codes(r.vital).ucum;
    const std::string wrong = right == "%" ? "/min" : "%";
    const auto vq = obs.find(R"("valueQuantity":{)");
    if (vq != std::string::npos) {
      for (std::string_view key_name : {R"("unit":")", R"("code":")"}) {
        const auto at = obs.find(key_name, vq);
        const auto end = at == std::string::npos ? at : obs.find('"', at + key_name.size());
        if (end != std::string::npos)
          obs.replace(at + key_name.size(), end - at - key_name.size(), wrong);
      }
    }
  }
  out += R"({"fullUrl":")";
  out += base;
  out += "/Observation/";
  out += logical_id(key, copy);
  out += R"(","resource":)";
  out += obs;
  out += R"(,"search":{"mode":"match"}})";
}

StoreAnswer RecordStore::read_observation(std::string_view id) const {
  auto& m = *impl_;
  std::string_view rest = id;
  std::int64_t copy = 0;
  if (rest.ends_with("-2")) {
    copy |= kCopyBit;
    rest.remove_suffix(2);
  }
  if (rest.starts_with('s')) {
    copy |= kServerBit;
    rest.remove_prefix(1);
  }
  std::uint64_t key = 0;
  const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), key);
  if (ec != std::errc() || end != rest.data() + rest.size() || rest.empty())
    return {404, "no Observation " + std::string(id)};
  std::lock_guard lock(m.mutex);
  Statement s(m.db, "SELECT * FROM obs WHERE k = ? AND copy = ? ORDER BY seq LIMIT 1");
  sqlite3_bind_int64(s.get(), 1, static_cast<std::int64_t>(key));
  sqlite3_bind_int64(s.get(), 2, copy);
  if (sqlite3_step(s.get()) != SQLITE_ROW) return {404, "no Observation " + std::string(id)};
  std::string entry;
  m.render(s.get(), entry);
  // The entry wraps the resource: take the resource back out.
  const auto at = entry.find(R"("resource":)") + 11;
  const auto end_at = entry.rfind(R"(,"search":)");
  return {200, entry.substr(at, end_at - at), {}};
}

StoreAnswer RecordStore::search_observations(std::string_view query_string) const {
  auto& m = *impl_;
  auto parsed = parse_search(query_string, {"identifier", "code", "subject", "patient", "date"});
  if (!parsed.error.empty()) return {400, parsed.error, {}};
  const SearchQuery& q = parsed.query;
  Sql where;
  where.text = " WHERE seq > ?";
  where.args.emplace_back(q.cursor);
  if (!q.identifiers.empty()) {
    // Ours all have the system urn:iomtsim:reading (and none when server-numbered).
    bool any_value = false;
    std::string in;
    for (const auto& t : q.identifiers) {
      if (t.system && *t.system != kReadingSystem) continue;  // another system, or "|v"
      if (t.value.empty()) {
        any_value = true;
        continue;
      }
      std::uint64_t v = 0;
      const auto [end, ec] = std::from_chars(t.value.data(), t.value.data() + t.value.size(), v);
      if (ec != std::errc() || end != t.value.data() + t.value.size()) continue;
      in += in.empty() ? "?" : ",?";
      where.args.emplace_back(static_cast<std::int64_t>(v));
    }
    if (any_value)
      where.text += " AND (copy & 2) = 0";
    else if (in.empty())
      where.text += " AND 0";
    else
      where.text += " AND k IN (" + in + ") AND (copy & 2) = 0";
  }
  if (!q.codes.empty()) {
    std::string in;
    for (const auto& t : q.codes) {
      if (t.system && *t.system != "http://loinc.org") continue;
      for (const auto v : physiology::kAllVitals) {
        if (payloads::codes(v).loinc != t.value) continue;
        in += in.empty() ? "" : ",";
        in += std::to_string(static_cast<int>(v));
      }
    }
    where.text += in.empty() ? " AND 0" : " AND vital IN (" + in + ")";
  }
  if (!q.subjects.empty()) {
    std::string ors;
    for (const auto& ref : q.subjects) {
      const auto [index, name] = subject_of(ref);
      ors += ors.empty() ? "" : " OR ";
      if (index) {
        ors += "(patient = ? AND subj IS NULL)";
        where.args.emplace_back(static_cast<std::int64_t>(*index));
      } else {
        ors += "subj = ?";
        where.args.emplace_back(name);
      }
    }
    where.text += " AND (" + ors + ")";
  }
  for (const auto& c : q.dates) add_time(where, "eff", c, false);
  for (const auto& c : q.last_updated) add_time(where, "seq", c, true);

  std::lock_guard lock(m.mutex);
  if (q.summary_count || q.count == 0) {  // _count=0 asks for the total only
    Statement s(m.db, "SELECT COUNT(*) FROM obs" + where.text);
    where.bind(s.get());
    const auto n = sqlite3_step(s.get()) == SQLITE_ROW ? sqlite3_column_int64(s.get(), 0) : 0;
    return {200,
            R"({"resourceType":"Bundle","type":"searchset","total":)" + std::to_string(n) + "}",
            {}};
  }
  Statement s(m.db, "SELECT * FROM obs" + where.text + " ORDER BY seq LIMIT ?");
  where.bind(s.get());
  sqlite3_bind_int64(s.get(), static_cast<int>(where.args.size()) + 1,
                     static_cast<std::int64_t>(q.count) + 1);
  std::string entries;
  std::size_t n = 0;
  std::int64_t last = 0;
  bool more = false;
  while (sqlite3_step(s.get()) == SQLITE_ROW) {
    if (n == q.count) {
      more = true;
      break;
    }
    if (n++) entries += ',';
    m.render(s.get(), entries);
    last = sqlite3_column_int64(s.get(), 0);
  }
  std::string body =
      R"({"resourceType":"Bundle","type":"searchset","link":[{"relation":"self","url":)" +
      json_string(m.base + "/Observation?" + q.base_query) + "}";
  if (more) {
    body += R"(,{"relation":"next","url":)" +
            json_string(m.base + "/Observation?" + q.base_query +
                        (q.base_query.empty() ? "" : "&") + "_cursor=" + std::to_string(last)) +
            "}";
  }
  body += R"(],"entry":[)" + entries + "]}";
  return {200, std::move(body), {}};
}

std::uint64_t RecordStore::observation_count() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->rows;
}

// --- Patient and Device ------------------------------------------------------------

StoreAnswer RecordStore::Impl::find_resources(
    std::string_view type, const SearchQuery& q,
    std::vector<std::pair<std::string, std::string>>* found) const {
  // (id, body) of the matches, in id order; identifier tokens OR'ed.
  Sql sql;
  sql.text = "SELECT id, body FROM res WHERE type = ?";
  sql.args.emplace_back(std::string(type));
  if (!q.identifiers.empty()) {
    std::string ors;
    for (const auto& t : q.identifiers) {
      ors += ors.empty() ? "" : " OR ";
      ors += "id IN (SELECT id FROM res_ident WHERE type = ?";
      sql.args.emplace_back(std::string(type));
      if (!t.value.empty()) {
        ors += " AND val = ?";
        sql.args.emplace_back(t.value);
      }
      if (t.system) {
        ors += " AND sys = ?";
        sql.args.emplace_back(*t.system);
      }
      ors += ")";
    }
    sql.text += " AND (" + ors + ")";
  }
  sql.text += " ORDER BY updated LIMIT ?";
  Statement s(db, sql.text);
  sql.bind(s.get());
  sqlite3_bind_int64(s.get(), static_cast<int>(sql.args.size()) + 1,
                     static_cast<std::int64_t>(std::max<std::size_t>(q.count, 2)));
  while (sqlite3_step(s.get()) == SQLITE_ROW)
    found->emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0)),
                        reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 1)));
  return {};
}

StoreAnswer RecordStore::create(std::string_view type, std::string_view text,
                                std::string_view if_none_exist) {
  auto& m = *impl_;
  const std::string t(type);
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return {400, "the body is not a JSON object", {}};
  if (!doc.contains("resourceType") || doc["resourceType"] != t)
    return {400, "resourceType must be '" + t + "' at [base]/" + t, {}};
  std::vector<std::pair<std::string, std::string>> idents;
  if (auto it = doc.find("identifier"); it != doc.end()) {
    if (!it->is_array()) return {400, t + ".identifier must be an array", {}};
    for (const auto& i : *it) {
      if (!i.is_object() || !i.contains("value") || !i["value"].is_string())
        return {400, t + ".identifier entries need a string value", {}};
      const std::string sys = i.contains("system") && i["system"].is_string()
                                  ? i["system"].get<std::string>()
                                  : std::string();
      idents.emplace_back(sys, i["value"].get<std::string>());
    }
  }
  std::lock_guard lock(m.mutex);
  if (!if_none_exist.empty()) {
    std::string_view cond = if_none_exist;
    if (const auto q = cond.find('?'); q != std::string_view::npos) cond = cond.substr(q + 1);
    auto parsed = parse_search(cond, {"identifier"});
    if (!parsed.error.empty()) return {400, "If-None-Exist: " + parsed.error, {}};
    if (parsed.query.identifiers.empty()) return {400, "If-None-Exist needs identifier=", {}};
    std::vector<std::pair<std::string, std::string>> found;
    parsed.query.count = 2;
    m.find_resources(type, parsed.query, &found);
    if (found.size() > 1) return {412, "If-None-Exist matches more than one " + t, {}};
    if (found.size() == 1) return {200, found[0].second, t + "/" + found[0].first + "/_history/1"};
  }
  if (m.resources >= m.cfg.max_resources)
    return {507,
            "the store holds store.max_resources (" + std::to_string(m.cfg.max_resources) +
                ") Patients and Devices already",
            {}};
  const std::string id =
      (type == "Patient" ? "pat-" : "dev-") + std::to_string(m.next_resource_id++);
  const std::int64_t updated = std::max(now_us(), m.last_seq + 1);
  doc["id"] = id;
  doc["meta"] = {{"versionId", "1"},
                 {"lastUpdated", payloads::format_fhir_time_us(updated * 1000)}};
  const std::string body = doc.dump();
  m.exec("BEGIN");
  auto* s = m.insert_res->get();
  sqlite3_bind_text(s, 1, t.data(), static_cast<int>(t.size()), SQLITE_TRANSIENT);
  sqlite3_bind_text(s, 2, id.data(), static_cast<int>(id.size()), SQLITE_TRANSIENT);
  sqlite3_bind_text(s, 3, body.data(), static_cast<int>(body.size()), SQLITE_TRANSIENT);
  sqlite3_bind_int64(s, 4, updated);
  sqlite3_step(s);
  m.insert_res->reset();
  for (const auto& [sys, val] : idents) {
    auto* si = m.insert_ident->get();
    sqlite3_bind_text(si, 1, t.data(), static_cast<int>(t.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(si, 2, sys.data(), static_cast<int>(sys.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(si, 3, val.data(), static_cast<int>(val.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(si, 4, id.data(), static_cast<int>(id.size()), SQLITE_TRANSIENT);
    sqlite3_step(si);
    m.insert_ident->reset();
  }
  m.exec("COMMIT");
  ++m.resources;
  return {201, body, t + "/" + id + "/_history/1"};
}

std::optional<std::string> RecordStore::find_by_identifier(std::string_view type,
                                                           std::string_view system,
                                                           std::string_view value) const {
  SearchQuery q;
  q.identifiers.push_back(Token{system.empty() ? std::nullopt : std::optional<std::string>(system),
                                std::string(value)});
  q.count = 2;
  std::vector<std::pair<std::string, std::string>> found;
  std::lock_guard lock(impl_->mutex);
  impl_->find_resources(type, q, &found);
  if (found.size() != 1) return std::nullopt;
  return found[0].first;
}

StoreAnswer RecordStore::read_resource(std::string_view type, std::string_view id) const {
  auto& m = *impl_;
  std::lock_guard lock(m.mutex);
  Statement s(m.db, "SELECT body FROM res WHERE type = ? AND id = ?");
  sqlite3_bind_text(s.get(), 1, type.data(), static_cast<int>(type.size()), SQLITE_TRANSIENT);
  sqlite3_bind_text(s.get(), 2, id.data(), static_cast<int>(id.size()), SQLITE_TRANSIENT);
  if (sqlite3_step(s.get()) != SQLITE_ROW)
    return {404, "no " + std::string(type) + " " + std::string(id), {}};
  return {200, reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0)), {}};
}

StoreAnswer RecordStore::search_resources(std::string_view type,
                                          std::string_view query_string) const {
  auto& m = *impl_;
  auto parsed = parse_search(query_string, {"identifier"});
  if (!parsed.error.empty()) return {400, parsed.error, {}};
  std::vector<std::pair<std::string, std::string>> found;
  {
    std::lock_guard lock(m.mutex);
    m.find_resources(type, parsed.query, &found);
  }
  if (found.size() > parsed.query.count) found.resize(parsed.query.count);
  std::string body = R"({"resourceType":"Bundle","type":"searchset",)";
  if (parsed.query.summary_count)
    return {200, body + R"("total":)" + std::to_string(found.size()) + "}", {}};
  body += R"("entry":[)";
  for (std::size_t i = 0; i < found.size(); ++i) {
    if (i) body += ',';
    body += R"({"fullUrl":)" +
            json_string(m.base + "/" + std::string(type) + "/" + found[i].first) +
            R"(,"resource":)" + found[i].second + R"(,"search":{"mode":"match"}})";
  }
  body += "]}";
  return {200, std::move(body), {}};
}

}  // namespace iomtsim::reference_target
