#include "ops_json.hpp"

#include <cmath>

namespace iomtsim::reports::json_convert {

namespace {

std::int64_t ns(SimTime t) { return t.time_since_epoch().count(); }
SimTime at_ns(const Json& j) { return SimTime{Duration{j.get<std::int64_t>()}}; }
Json number_or_null(double v) { return std::isnan(v) ? Json() : Json(v); }

}  // namespace

Json ops_report(const OpsReport& o) {
  Json pumps = Json::array();
  for (const auto& a : o.pump_alarms)
    pumps.push_back(Json{{"event_id", a.event_id},
                         {"patient", a.patient},
                         {"kind", a.kind},
                         {"true_time_ns", ns(a.true_time)},
                         {"intended_send_ns", ns(a.intended_send)},
                         {"alerted", a.alerted},
                         {"alert_received_ns", ns(a.alert_received)}});
  Json tracks = Json::array();
  for (const auto& s : o.asset_tracks)
    tracks.push_back(Json{
        {"asset", s.asset}, {"zone", s.zone}, {"start_ns", ns(s.start)}, {"end_ns", ns(s.end)}});
  Json queries = Json::array();
  for (const auto& q : o.asset_queries)
    queries.push_back(Json{{"asset", q.asset},
                           {"query_time_ns", ns(q.query_time)},
                           {"answered", q.answered},
                           {"zone", q.zone},
                           {"fix_time_ns", ns(q.fix_time)},
                           {"response_time_ns", q.response_time.count()}});
  Json imaging = Json::array();
  for (const auto& i : o.imaging)
    imaging.push_back(Json{
        {"id", i.id},
        {"patient", i.patient},
        {"bytes", i.bytes},
        {"acquired_ns", ns(i.acquired)},
        {"intended_send_ns", ns(i.intended_send)},
        {"acked", i.acked},
        {"acked_ns", ns(i.acked_time)},
        {"to_pacs_ns", i.to_pacs_ns},
        {"to_chart_ns", i.to_chart_ns},
    });
  const auto& s = o.scores;
  Json scores{
      {"pump_alarms", Json{{"count", s.pump_alarms},
                           {"delivered", s.pump_alarms_delivered},
                           {"delivery_fraction", number_or_null(s.pump_delivery_fraction)},
                           {"latency", latency_summary(s.pump_alarm_latency)}}},
      {"assets", Json{{"queries", s.asset_queries},
                      {"correct", s.asset_correct},
                      {"unanswered", s.asset_unanswered},
                      {"correct_fraction", number_or_null(s.asset_correct_fraction)},
                      {"staleness", latency_summary(s.asset_staleness)},
                      {"locate_time", latency_summary(s.asset_locate_time)}}},
      {"imaging",
       Json{{"count", s.imaging_results},
            {"acknowledged", s.imaging_acked},
            {"bytes_acknowledged", s.imaging_bytes_acked},
            {"throughput_mib_s", number_or_null(s.imaging_throughput_mib_s)},
            {"result_latency", latency_summary(s.imaging_latency)},
            {"retrievable", s.imaging_retrievable},
            {"result_to_pacs", latency_summary(s.imaging_result_to_pacs)},
            {"charted", s.imaging_charted},
            {"result_to_chart", latency_summary(s.imaging_result_to_chart)},
            {"vitals_latency_during", latency_summary(o.vitals_latency_during_imaging)},
            {"vitals_latency_outside", latency_summary(o.vitals_latency_outside_imaging)}}}};
  const Json delivery_json{{"pump_events", delivery(o.delivery.pump_events)},
                           {"location_fixes", delivery(o.delivery.location_fixes)},
                           {"imaging_results", delivery(o.delivery.imaging_results)},
                           {"imaging_reports", delivery(o.delivery.imaging_reports)},
                           {"balanced", o.delivery.balanced()}};
  return Json{{"scores", std::move(scores)},
              {"delivery", delivery_json},
              {"pump_alarms", std::move(pumps)},
              {"asset_tracks", std::move(tracks)},
              {"asset_queries", std::move(queries)},
              {"imaging", std::move(imaging)},
              {"vitals_latency_during_imaging", histogram(o.vitals_latency_during_imaging)},
              {"vitals_latency_outside_imaging", histogram(o.vitals_latency_outside_imaging)}};
}

OpsReport ops_report(const Json& j) {
  OpsReport o;
  for (const auto& a : j.at("pump_alarms")) {
    PumpAlarmRecord r;
    r.event_id = a.at("event_id").get<std::uint64_t>();
    r.patient = a.at("patient").get<std::uint32_t>();
    r.kind = a.at("kind").get<std::string>();
    r.true_time = at_ns(a.at("true_time_ns"));
    r.intended_send = at_ns(a.at("intended_send_ns"));
    r.alerted = a.at("alerted").get<bool>();
    r.alert_received = at_ns(a.at("alert_received_ns"));
    o.pump_alarms.push_back(std::move(r));
  }
  for (const auto& s : j.at("asset_tracks"))
    o.asset_tracks.push_back({s.at("asset").get<std::uint32_t>(), s.at("zone").get<std::string>(),
                              at_ns(s.at("start_ns")), at_ns(s.at("end_ns"))});
  for (const auto& q : j.at("asset_queries"))
    o.asset_queries.push_back({q.at("asset").get<std::uint32_t>(), at_ns(q.at("query_time_ns")),
                               q.at("answered").get<bool>(), q.at("zone").get<std::string>(),
                               at_ns(q.at("fix_time_ns")),
                               Duration{q.at("response_time_ns").get<std::int64_t>()}});
  for (const auto& i : j.at("imaging")) {
    ImagingRecord r{i.at("id").get<std::uint64_t>(),
                    i.at("patient").get<std::uint32_t>(),
                    i.at("bytes").get<std::uint64_t>(),
                    at_ns(i.at("acquired_ns")),
                    at_ns(i.at("intended_send_ns")),
                    i.at("acked").get<bool>(),
                    at_ns(i.at("acked_ns"))};
    // Absent from reports written before the PACS and chart confirmations.
    r.to_pacs_ns = i.value("to_pacs_ns", std::int64_t{-1});
    r.to_chart_ns = i.value("to_chart_ns", std::int64_t{-1});
    o.imaging.push_back(r);
  }
  o.vitals_latency_during_imaging = histogram(j.at("vitals_latency_during_imaging"));
  o.vitals_latency_outside_imaging = histogram(j.at("vitals_latency_outside_imaging"));
  if (j.contains("delivery")) {  // absent from reports written before it was added
    const auto& d = j.at("delivery");
    o.delivery.pump_events = delivery(d.at("pump_events"));
    o.delivery.location_fixes = delivery(d.at("location_fixes"));
    o.delivery.imaging_results = delivery(d.at("imaging_results"));
    if (d.contains("imaging_reports"))  // absent from reports written before it was added
      o.delivery.imaging_reports = delivery(d.at("imaging_reports"));
  }
  return o;
}

}  // namespace iomtsim::reports::json_convert
