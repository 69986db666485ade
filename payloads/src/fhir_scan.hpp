#pragma once
// Private: one pass over a FHIR JSON document (Observation or Bundle of Observations) that
// keeps only what the Observation decoder looks at, without building a tree.
//
// Each field records what the DOM decoder's accessors would have returned for it: a
// string member is present only if its value is a JSON string; an object that is not an
// object has no members; a repeated key replaces the earlier value entirely (nlohmann
// keeps the last one). Arrays that are searched in order (code.coding, identifier,
// extension, valueCodeableConcept.coding) are folded element by element into the result
// of that search, so nothing is stored per element. Views point into the text or into the
// scanner's storage for strings that had escapes; both outlive the callbacks.
#include <cstdint>
#include <optional>
#include <string_view>

#include "fhir_decode_dom.hpp"
#include "json_scanner.hpp"
#include "iomtsim/physiology/vital.hpp"

namespace iomtsim::payloads::detail {

using OptText = std::optional<std::string_view>;

struct ObservationFields {
  bool is_object = false;
  OptText resource_type;
  OptText status;
  // code.coding: an array with at least one element; the first LOINC (or system-less)
  // code, and the vital of the first such code that is known (search stops there).
  bool coding_present = false;
  std::string_view first_code;
  std::optional<physiology::Vital> vital;
  OptText subject_reference;
  bool device_present = false;
  OptText device_reference;
  OptText effective_date_time;
  OptText effective_instant;
  bool effective_period_present = false;
  OptText effective_period_start;
  bool value_quantity_present = false;
  bool quantity_value_is_number = false;
  double quantity_value = 0.0;
  OptText quantity_code;
  OptText quantity_system;
  OptText quantity_unit;
  bool value_concept_present = false;
  std::optional<int> acvpu_level;  // first coding whose code is an ACVPU letter
  // identifier: the last urn:iomtsim:reading value that parsed, or the first that did not.
  std::uint64_t reading_id = 0;
  bool reading_id_bad = false;
  std::uint8_t flags = 0;  // last urn:iomtsim:flags extension with an unsigned valueInteger
  bool data_absent = false;   // a dataAbsentReason member (of any type)
  bool questionable = false;  // interpretation[].coding[].code "questionable"
};

// Receives each Bundle entry as soon as it is scanned (in order), so a Bundle is decoded
// in one pass. `resource` is null when the entry has no "resource" member or is not an
// object. Returns false once it needs no more entries (the rest is still validated).
class BundleEntrySink {
 public:
  virtual void restart() = 0;  // a repeated "entry" key: forget the entries so far
  virtual bool entry(const ObservationFields* resource) = 0;

 protected:
  ~BundleEntrySink() = default;
};

struct FhirDocument {
  bool is_object = false;     // false: valid JSON, but not an object
  ObservationFields top;      // the top-level object read as an Observation
  OptText bundle_id;          // Bundle.id
  bool entry_present = false;
  bool entry_is_array = false;
};

// Scans the scanner's text from the start; false if it is not valid JSON. Views in `doc`
// live as long as `scanner`. Entries go to `entries` only when `expect`
// is not Observation (then "entry" is skipped), and top-level Observation fields other
// than resourceType are read only when `expect` is not Bundle.
bool scan_fhir_document(JsonScanner& scanner, FhirExpect expect, FhirDocument& doc,
                        BundleEntrySink& entries);

}  // namespace iomtsim::payloads::detail
