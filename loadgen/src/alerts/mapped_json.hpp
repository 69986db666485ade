#pragma once
// Alerts in JSON a pipeline chose itself, read through the scenario's field map
// (alerts.webhook_fields: property -> field, dotted paths allowed), or iomtsim's own alert
// JSON when there is no map, or FHIR alert resources (a "resourceType" member), for the
// webhook and the MQTT alert topic.
//
// Mapped values: patient a string (a Patient id or reference, or an identifier) or an integer
// (iomtsim's patient index when nothing was provisioned, else an id); time an ISO 8601
// instant or a number of Unix seconds; trigger an "Observation/<id>" reference or an iomtsim
// reading id (number or decimal text); severity high/medium/low/info (or moderate, urgent…);
// score a number; rule and alert_id text (or numbers).
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "heard_alert.hpp"

namespace iomtsim::loadgen::detail {

// One body: an object, or an array of objects, or a FHIR resource / Bundle. Appends what it
// reads to `out`; returns an error text ("" when every alert in it was read).
std::string read_alert_json(std::string_view body, const std::map<std::string, std::string>& fields,
                            const char* source, std::vector<HeardAlert>& out);

}  // namespace iomtsim::loadgen::detail
