#pragma once
// FHIR search parameters as the store understands them: the query string of
// GET [base]/Observation?… parsed into typed constraints, with a reason for anything it
// cannot serve (the server answers 400 with it rather than ignore a parameter and return
// more than was asked for).
//
//   identifier=urn:iomtsim:reading|17,18     token list: system|value, |value (no system),
//                                            value (any system), system| (any value)
//   code=http://loinc.org|8867-4             token list on the code's codings
//   subject=Patient/p3 (or patient=p3)       reference list
//   date=ge2024-05-01&date=lt2024-05-02      effective time, prefixes eq ne gt ge lt le sa
//                                            eb, any precision from a year to fractions
//                                            of a second (the value's implicit range, as
//                                            the FHIR spec defines it)
//   _lastUpdated=gt2024-05-01T08:00:00.123456Z  the same prefixes on meta.lastUpdated
//   _count=100 (0..1000)  _summary=count  _sort=_lastUpdated  _cursor=<opaque>  _format=json
//
// Times are Unix nanoseconds; a range is [start, end). Values are %-decoded; '+' is kept
// (it is a zone sign in a FHIR instant).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace iomtsim::reference_target {

struct Token {
  std::optional<std::string> system;  // nullopt: any system; "" : no system
  std::string value;                  // "" with a system: any value of that system
  bool operator==(const Token&) const = default;
};

// One prefixed time constraint: the stored instant t matches when it is in the set the
// prefix gives for the value's range [start, end).
struct TimeConstraint {
  enum class Prefix : std::uint8_t { Eq, Ne, Gt, Ge, Lt, Le };
  Prefix prefix = Prefix::Eq;
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  bool matches(std::int64_t t) const;
  bool operator==(const TimeConstraint&) const = default;
};

struct SearchQuery {
  std::vector<Token> identifiers;            // OR
  std::vector<Token> codes;                  // OR
  std::vector<std::string> subjects;         // OR; as written ("Patient/x" or "x")
  std::vector<TimeConstraint> dates;         // AND
  std::vector<TimeConstraint> last_updated;  // AND
  std::size_t count = 100;
  bool summary_count = false;
  std::int64_t cursor = 0;  // page after this store sequence number (0: from the start)
  // The query as given minus _cursor, to build `next` links from.
  std::string base_query;
};

struct SearchParse {
  SearchQuery query;
  std::string error;  // empty when it parsed
};

// `allowed` lists the non-underscore parameters this resource type takes (e.g.
// {"identifier","code","subject","patient","date"}); others are refused.
SearchParse parse_search(std::string_view query_string,
                         const std::vector<std::string_view>& allowed);

// A FHIR date, dateTime or instant of any precision -> its range [start, end) in Unix ns.
// Without a zone the time is taken as UTC. nullopt if it is none of those.
struct TimeRange {
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
};
std::optional<TimeRange> parse_fhir_date_range(std::string_view text);

// %XX decoding ('+' kept).
std::string url_decode(std::string_view s);
// A token "system|value" or "value".
Token parse_token(std::string_view text);

}  // namespace iomtsim::reference_target
