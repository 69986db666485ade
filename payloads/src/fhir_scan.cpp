// Every member handler first resets what it captures and then reads its value: that is
// how a repeated key ends up with the last value only, as in nlohmann's DOM. Values of an
// unexpected type are skipped (still validated) and leave the field absent, as the DOM
// decoder's type-checked accessors see them.
#include "fhir_scan.hpp"

#include "fhir_decode_common.hpp"
#include "iomtsim/payloads/codes.hpp"

namespace iomtsim::payloads::detail {
namespace {

// A string value, or absent (and skipped) for any other type.
bool text_member(JsonScanner& s, OptText& out) {
  if (s.peek() == '"') {
    std::string_view v;
    if (!s.read_string(v)) return false;
    out = v;
    return true;
  }
  out.reset();
  return s.skip_value();
}

// An object whose members go to `member(key)`, or (any other type) skipped.
template <class F>
bool object_member(JsonScanner& s, F&& member) {
  if (s.peek() != '{') return s.skip_value();
  return s.object(member);
}

// Each element of an array handed to `element()` if it is an object; other elements and
// non-arrays skipped. Returns false on a syntax error only.
template <class Begin, class Member, class End>
bool object_elements(JsonScanner& s, bool& is_array, Begin&& begin, Member&& member, End&& end) {
  is_array = s.peek() == '[';
  if (!is_array) return s.skip_value();
  return s.array([&] {
    begin();
    if (s.peek() == '{') {
      if (!s.object(member)) return false;
    } else if (!s.skip_value()) {
      return false;
    }
    end();
    return true;
  });
}

bool scan_code(JsonScanner& s, ObservationFields& o) {
  const auto reset = [&o] {
    o.coding_present = false;
    o.first_code = {};
    o.vital.reset();
  };
  reset();
  return object_member(s, [&](std::string_view key) {
    if (key != "coding") return s.skip_value();
    reset();
    OptText system, code;
    bool is_array = false, any = false;
    const bool ok = object_elements(
        s, is_array,
        [&] {
          system.reset();
          code.reset();
          any = true;
        },
        [&](std::string_view k) {
          if (k == "system") return text_member(s, system);
          if (k == "code") return text_member(s, code);
          return s.skip_value();
        },
        [&] {
          if (o.vital || !code || (system && *system != kLoincSystem)) return;
          if (o.first_code.empty()) o.first_code = *code;
          o.vital = vital_from_loinc(*code);
        });
    o.coding_present = is_array && any;
    return ok;
  });
}

// {"reference": "..."} (subject, device).
bool scan_reference(JsonScanner& s, OptText& reference) {
  reference.reset();
  return object_member(s, [&](std::string_view key) {
    return key == "reference" ? text_member(s, reference) : s.skip_value();
  });
}

bool scan_value_quantity(JsonScanner& s, ObservationFields& o) {
  o.value_quantity_present = true;
  o.quantity_value_is_number = false;
  o.quantity_code.reset();
  o.quantity_system.reset();
  o.quantity_unit.reset();
  return object_member(s, [&](std::string_view key) {
    if (key == "value") {
      const char c = s.peek();
      o.quantity_value_is_number = c == '-' || (c >= '0' && c <= '9');
      if (!o.quantity_value_is_number) return s.skip_value();
      JsonNumber n;
      if (!s.read_number(n)) return false;
      o.quantity_value = n.as_double();
      return true;
    }
    if (key == "code") return text_member(s, o.quantity_code);
    if (key == "system") return text_member(s, o.quantity_system);
    if (key == "unit") return text_member(s, o.quantity_unit);
    return s.skip_value();
  });
}

bool scan_value_concept(JsonScanner& s, ObservationFields& o) {
  o.value_concept_present = true;
  o.acvpu_level.reset();
  return object_member(s, [&](std::string_view key) {
    if (key != "coding") return s.skip_value();
    o.acvpu_level.reset();
    OptText code;
    bool is_array = false;
    return object_elements(
        s, is_array, [&] { code.reset(); },
        [&](std::string_view k) { return k == "code" ? text_member(s, code) : s.skip_value(); },
        [&] {
          if (!o.acvpu_level && code) o.acvpu_level = acvpu_from_letter(*code);
        });
  });
}

bool scan_identifier(JsonScanner& s, ObservationFields& o) {
  o.reading_id = 0;
  o.reading_id_bad = false;
  OptText system, value;
  bool is_array = false;
  return object_elements(
      s, is_array,
      [&] {
        system.reset();
        value.reset();
      },
      [&](std::string_view k) {
        if (k == "system") return text_member(s, system);
        if (k == "value") return text_member(s, value);
        return s.skip_value();
      },
      [&] {
        if (o.reading_id_bad || system != kReadingSystem) return;
        const auto id = value ? parse_unsigned<std::uint64_t>(*value) : std::nullopt;
        if (id) o.reading_id = *id;
        o.reading_id_bad = !id;
      });
}

bool scan_extension(JsonScanner& s, ObservationFields& o) {
  o.flags = 0;
  OptText url;
  std::optional<std::uint64_t> value;
  bool is_array = false;
  return object_elements(
      s, is_array,
      [&] {
        url.reset();
        value.reset();
      },
      [&](std::string_view k) {
        if (k == "url") return text_member(s, url);
        if (k != "valueInteger") return s.skip_value();
        value.reset();
        const char c = s.peek();
        if (c != '-' && !(c >= '0' && c <= '9')) return s.skip_value();
        JsonNumber n;
        if (!s.read_number(n)) return false;
        if (n.kind == JsonNumber::Kind::Unsigned) value = n.unsigned_value;
        return true;
      },
      [&] {
        if (url == kFlagsExtensionUrl && value)
          o.flags = static_cast<std::uint8_t>(*value & kWireFlags);
      });
}

// interpretation: CodeableConcepts whose codings may say "questionable" (IEEE 11073
// measurement status). A repeated "coding" key replaces that concept's earlier one.
bool scan_interpretation(JsonScanner& s, ObservationFields& o) {
  o.questionable = false;
  bool is_array = false, concept_says = false;
  return object_elements(
      s, is_array, [&] { concept_says = false; },
      [&](std::string_view key) {
        if (key != "coding") return s.skip_value();
        concept_says = false;
        bool codings = false;
        OptText code;
        return object_elements(
            s, codings, [&] { code.reset(); },
            [&](std::string_view k) { return k == "code" ? text_member(s, code) : s.skip_value(); },
            [&] { concept_says = concept_says || (code && *code == "questionable"); });
      },
      [&] { o.questionable = o.questionable || concept_says; });
}

// One member of an object read as an Observation.
bool scan_observation_member(JsonScanner& s, std::string_view key, ObservationFields& o) {
  switch (key.size()) {
    case 4:
      if (key == "code") return scan_code(s, o);
      break;
    case 6:
      if (key == "status") return text_member(s, o.status);
      if (key == "device") {
        o.device_present = true;
        return scan_reference(s, o.device_reference);
      }
      break;
    case 7:
      if (key == "subject") return scan_reference(s, o.subject_reference);
      break;
    case 9:
      if (key == "extension") return scan_extension(s, o);
      break;
    case 10:
      if (key == "identifier") return scan_identifier(s, o);
      break;
    case 12:
      if (key == "resourceType") return text_member(s, o.resource_type);
      break;
    case 13:
      if (key == "valueQuantity") return scan_value_quantity(s, o);
      break;
    case 15:
      if (key == "effectivePeriod") {
        o.effective_period_present = true;
        o.effective_period_start.reset();
        return object_member(s, [&](std::string_view k) {
          return k == "start" ? text_member(s, o.effective_period_start) : s.skip_value();
        });
      }
      break;
    case 14:
      if (key == "interpretation") return scan_interpretation(s, o);
      break;
    case 16:
      if (key == "effectiveInstant") return text_member(s, o.effective_instant);
      if (key == "dataAbsentReason") {
        o.data_absent = true;
        return s.skip_value();
      }
      break;
    case 17:
      if (key == "effectiveDateTime") return text_member(s, o.effective_date_time);
      break;
    case 20:
      if (key == "valueCodeableConcept") return scan_value_concept(s, o);
      break;
    default: break;
  }
  return s.skip_value();
}

// A value read as an Observation resource (a Bundle entry's resource).
bool scan_observation(JsonScanner& s, ObservationFields& o) {
  o = ObservationFields{};
  if (s.peek() != '{') return s.skip_value();
  o.is_object = true;
  return s.object([&](std::string_view key) { return scan_observation_member(s, key, o); });
}

bool scan_entries(JsonScanner& s, FhirDocument& doc, BundleEntrySink& sink) {
  sink.restart();
  doc.entry_present = true;
  doc.entry_is_array = s.peek() == '[';
  if (!doc.entry_is_array) return s.skip_value();
  bool wanted = true;
  ObservationFields resource;
  return s.array([&] {
    if (!wanted) return s.skip_value();
    if (s.peek() != '{') {
      wanted = sink.entry(nullptr);
      return s.skip_value();
    }
    bool has_resource = false;
    const bool ok = s.object([&](std::string_view key) {
      if (key != "resource") return s.skip_value();
      has_resource = true;
      return scan_observation(s, resource);
    });
    if (ok) wanted = sink.entry(has_resource ? &resource : nullptr);
    return ok;
  });
}

}  // namespace

bool scan_fhir_document(JsonScanner& s, FhirExpect expect, FhirDocument& doc,
                        BundleEntrySink& entries) {
  doc = FhirDocument{};
  if (!s.begin()) return false;
  if (s.peek() != '{') return s.skip_value() && s.finish();
  doc.is_object = true;
  doc.top.is_object = true;
  const bool ok = s.object([&](std::string_view key) {
    if (expect != FhirExpect::Observation) {
      if (key == "entry") return scan_entries(s, doc, entries);
      if (key == "id") return text_member(s, doc.bundle_id);
      if (expect == FhirExpect::Bundle) {
        return key == "resourceType" ? text_member(s, doc.top.resource_type) : s.skip_value();
      }
    }
    return scan_observation_member(s, key, doc.top);
  });
  return ok && s.finish();
}

}  // namespace iomtsim::payloads::detail
