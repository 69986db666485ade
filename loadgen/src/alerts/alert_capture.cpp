#include "alert_capture.hpp"

#include <nlohmann/json.hpp>
#include <ostream>

#include "../connect/secrets.hpp"
#include "fhir_alert_reader.hpp"
#include "iomtsim/payloads/fhir_alerts.hpp"
#include "pcd04_listener.hpp"

namespace iomtsim::loadgen::detail {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kMaxSeen = 1'000'000;  // alert ids remembered for de-duplication

HeaderList fhir_headers(const Credentials* creds) {
  HeaderList h = {{"Accept", "application/fhir+json"}, {"Content-Type", "application/fhir+json"}};
  if (creds) {
    for (const auto& x : creds->headers()) h.push_back(x);
    if (auto a = creds->authorization(); !a.empty()) h.emplace_back("Authorization", a);
  }
  return h;
}

}  // namespace

std::string subscription_resource(const std::string& type, const std::string& endpoint,
                                  const std::string& secret) {
  const nlohmann::json sub = {
      {"resourceType", "Subscription"},
      {"status", "requested"},
      {"reason", "iomtsim scores the alerts of this pipeline"},
      {"criteria", type + "?"},
      {"channel",
       {{"type", "rest-hook"},
        {"endpoint", endpoint},
        {"payload", "application/fhir+json"},
        {"header", nlohmann::json::array({"Authorization: Bearer " + secret})}}}};
  return sub.dump();
}

AlertCapture::AlertCapture(AlertCaptureSetup setup, Sink sink, ToScenario to_scenario)
    : setup_(std::move(setup)), sink_(std::move(sink)), to_scenario_(std::move(to_scenario)) {}

AlertCapture::~AlertCapture() { stop(); }

void AlertCapture::start_listeners() {
  auto on_heard = [this](std::vector<HeardAlert> a) { heard(std::move(a)); };
  if (setup_.webhook) {
    webhook_ = std::make_unique<WebhookIntake>(*setup_.webhook, on_heard);
    webhook_->start();
  }
  if (setup_.pcd04) {
    pcd04_ = std::make_unique<Pcd04Listener>(setup_.pcd04->host, setup_.pcd04->port, on_heard);
    pcd04_->start();
  }
}

std::string AlertCapture::webhook_url() const { return webhook_ ? webhook_->url() : std::string(); }
std::uint16_t AlertCapture::pcd04_port() const { return pcd04_ ? pcd04_->port() : 0; }

void AlertCapture::start_readers(std::int64_t since_unix_ns, std::ostream& log,
                                 std::optional<Url> fhir) {
  if (fhir) setup_.fhir = fhir;
  auto on_heard = [this](std::vector<HeardAlert> a) { heard(std::move(a)); };
  if (setup_.mqtt) {
    mqtt_ = std::make_unique<MqttAlerts>(*setup_.mqtt, on_heard);
    if (!mqtt_->start(std::chrono::seconds(5)))
      log << "alerts: not yet subscribed to " << setup_.mqtt->topic << " on " << setup_.mqtt->host
          << ":" << setup_.mqtt->port << " (still trying)\n";
  }
  // The FHIR reader polls, and reads the Observations that alerts from the other channels
  // name: none is needed when no channel is open.
  if (!setup_.fhir || !(setup_.poll || setup_.subscribe || webhook_ || mqtt_ || pcd04_)) return;
  reader_ = std::make_unique<FhirAlertReader>(*setup_.fhir, setup_.fhir_tls, setup_.fhir_creds,
                                              setup_.poll, on_heard);
  reader_->start(since_unix_ns);
  if (!setup_.subscribe || !webhook_) return;
  subscriptions_client_ =
      std::make_unique<HttpClient>(*setup_.fhir, setup_.fhir_tls, "FHIR subscriptions");
  for (const auto& type : setup_.subscription_types) {
    const auto sub = subscription_resource(type, webhook_url() + "/fhir", setup_.webhook->secret);
    auto r = subscriptions_client_->request("POST", "Subscription", sub,
                                            fhir_headers(setup_.fhir_creds.get()));
    const auto body = nlohmann::json::parse(r.body, nullptr, false);
    if (r.status / 100 == 2 && body.is_object() && body.contains("id") && body["id"].is_string()) {
      subscriptions_.push_back("Subscription/" + body["id"].get<std::string>());
    } else {
      log << "alerts: the FHIR server did not take a Subscription for " << type << ": "
          << (r.status ? "HTTP " + std::to_string(r.status) + " " +
                             redact(payloads::operation_outcome_reason(r.body))
                       : r.error)
          << '\n';
    }
  }
}

void AlertCapture::finish(Clock::time_point deadline, std::ostream& log) {
  if (reader_) reader_->finish(deadline);
  if (subscriptions_client_) {
    std::uint64_t gone = 0;
    for (const auto& s : subscriptions_)
      if (subscriptions_client_->request("DELETE", s, {}, fhir_headers(setup_.fhir_creds.get()))
                  .status /
              100 ==
          2)
        ++gone;
    if (gone != subscriptions_.size())
      log << "alerts: " << subscriptions_.size() - gone << " Subscriptions could not be deleted\n";
  }
}

void AlertCapture::stop() {
  if (reader_) reader_->stop();
  if (mqtt_) mqtt_->stop();
  if (pcd04_) pcd04_->stop();
  if (webhook_) webhook_->stop();
}

AlertCaptureStats AlertCapture::stats() const {
  std::lock_guard lock(mutex_);
  AlertCaptureStats s = stats_;
  if (webhook_) {
    s.refused = webhook_->refused();
    s.unreadable += webhook_->bad_requests();
  }
  if (pcd04_) s.unreadable += pcd04_->unreadable();
  if (mqtt_) s.unreadable += mqtt_->unreadable();
  if (reader_) {
    s.fhir_requests = reader_->requests();
    s.polls = reader_->polls();
    s.first_error = reader_->first_error();
  }
  if (subscriptions_client_) s.fhir_requests += subscriptions_client_->requests();
  return s;
}

void AlertCapture::heard(std::vector<HeardAlert> alerts) {
  std::lock_guard lock(mutex_);
  for (auto& a : alerts) {
    ++stats_.heard;
    // A trigger named only by reference is read first (on the reader's thread), then comes
    // back here; de-duplication waits for that second arrival.
    const bool to_resolve = !a.trigger_reference.empty() && a.trigger_reading_id == 0 && reader_;
    if (!a.alert_id.empty() && !to_resolve) {
      if (seen_.contains(a.alert_id)) {
        ++stats_.duplicates;
        continue;
      }
      if (seen_.size() < kMaxSeen) seen_.insert(a.alert_id);
    }
    std::optional<physiology::PatientIndex> patient = a.patient;
    if (!patient && !a.patient_reference.empty())
      patient = setup_.directory->from_reference(a.patient_reference);
    if (!patient && !a.patient_identifier.empty())
      patient = setup_.directory->from_identifier(a.patient_identifier);
    if (!patient) {
      ++stats_.unmapped;
      if (stats_.first_unmapped.empty())
        stats_.first_unmapped =
            a.patient_reference.empty() ? a.patient_identifier : a.patient_reference;
      if (!a.alert_id.empty()) seen_.erase(a.alert_id);
      continue;
    }
    if (!setup_.shard.owns(*patient)) {
      ++stats_.other_shards;
      continue;  // its id stays seen: heard again, it is still another shard's
    }
    if (to_resolve) {
      --stats_.heard;  // counted again when it comes back
      reader_->resolve(std::move(a));
      continue;
    }
    deliver(a, *patient);
  }
}

void AlertCapture::deliver(HeardAlert& a, physiology::PatientIndex patient) {
  // Its own time, carried onto the steady clock through the receipt instant; never later
  // than receipt (a clock ahead of ours would otherwise put it in the future).
  Clock::time_point at = a.received_steady;
  if (a.time_unix_ns && *a.time_unix_ns < a.received_unix_ns)
    at -= std::chrono::duration_cast<Clock::duration>(
        std::chrono::nanoseconds(a.received_unix_ns - *a.time_unix_ns));
  physiology::Alert alert;
  alert.alert_id = a.alert_id;
  alert.patient = patient;
  alert.rule = a.rule;
  alert.score = a.score;
  alert.severity = a.severity.value_or(physiology::AlertSeverity::Medium);
  alert.trigger_time = a.trigger_time.value_or(physiology::SimTime{});
  alert.trigger_reading_id = a.trigger_reading_id;
  alert.received_time = to_scenario_(at);
  ++stats_.scored;
  scored_.fetch_add(1, std::memory_order_relaxed);
  sink_(alert, std::chrono::duration_cast<std::chrono::nanoseconds>(at.time_since_epoch()).count());
}

}  // namespace iomtsim::loadgen::detail
