#pragma once
// Quantities with units, as scenario files write them: "90s", "15 min", "2h", "120 mmHg",
// "38.5 C", "2 %", "5.5 mmol/L", "20 Mbps". A number and a unit, optionally separated
// by spaces. Each kind has one canonical unit that the rest of iomtsim uses:
//
//   kind         canonical   accepted units (common spellings too: see unit_spellings)
//   TimeSpan     seconds     us, ms, s, sec, min, h, hr, d, day(s), w, week(s) (and long forms)
//   Pressure     mmHg        mmHg, kPa, cmH2O
//   Temperature  Celsius     C, degC, °C, F, degF, °F
//   Fraction     0..1        %  (or a bare number, which is the fraction itself)
//   Glucose      mg/dL       mg/dL, mmol/L (mg/dl, mmol/l)
//   Mass         kg          kg, g, lb
//   PerMinute    /min        /min, bpm, brpm, per min (beats/min, breaths/min, …)
//   Frequency    Hz          Hz, kHz
//   Bandwidth    bit/s       bps, kbps, Mbps, Gbps (decimal multiples)
//   Bytes        bytes       B, KB, MB, GB, KiB, MiB, GiB
//   Age          years       y, yr, years, months
//   Volume       litres      L, mL
//   FlowRate     L/min       L/min
//   DrugMass     mg          mcg, ug, mg, g
//   InsulinUnits units       U, units
//   Ppm          ppm         ppm
//   Number       (none)      a bare number; a unit is an error
//
// A missing unit is an error for every kind except Fraction and Number: "90" could be
// seconds or minutes, and the file must say. A unit written in another case than the
// table's ("MMOL/L") is accepted when it matches exactly one unit of the kind, except
// for sizes and bandwidths, where b (bit) and B (byte) differ.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "iomtsim/physiology/time.hpp"

namespace iomtsim::scenarios {

enum class QuantityKind : unsigned char {
  TimeSpan,  // a duration
  Pressure,
  Temperature,
  Fraction,
  Glucose,
  Mass,
  PerMinute,
  Frequency,
  Bandwidth,
  Bytes,
  Age,
  Volume,
  FlowRate,
  DrugMass,
  InsulinUnits,
  Ppm,
  Number,
};

// "a duration", "a pressure", … for messages.
std::string_view describe(QuantityKind kind);
// The canonical unit as written in messages ("s", "mmHg", "" for fractions and numbers).
std::string_view canonical_unit(QuantityKind kind);
// Examples for "expected …" messages, e.g. "'90s', '15 min' or '2h'".
std::string_view examples(QuantityKind kind);

// The outcome of parsing one quantity. On failure `error` says what was expected, and
// `error_offset` is the character in the text where the problem starts (for a caret).
struct QuantityResult {
  std::optional<double> value;  // in the canonical unit of the kind
  std::string error;
  std::size_t error_offset = 0;
  std::string unit;  // the unit written, in its listed spelling ("mmol/L" for "mmol/l"); "" if bare
};

// Every spelling of a kind's units, for the guide: `name` as accepted, `listed` the
// spelling messages use for that unit, canonical = value * scale + offset.
struct UnitSpelling {
  std::string name;
  std::string listed_as;
  double scale = 1.0;
  double offset = 0.0;
  bool listed = false;  // one of the spellings messages list
};
std::vector<UnitSpelling> unit_spellings(QuantityKind kind);

// Parses `text` as a quantity of `kind`. Never throws. Rejects NaN, infinities and
// magnitudes above 1e15 (in the unit written) so later conversions cannot overflow.
QuantityResult parse_quantity(std::string_view text, QuantityKind kind);

// Durations to integer nanoseconds, rounding to the nearest; nullopt on overflow.
std::optional<physiology::Duration> seconds_to_duration(double seconds);

// Formats a canonical value for a message: "400 /min", "1.2", "-5 s", "2 %".
std::string format_quantity(double canonical_value, QuantityKind kind);

// A canonical value in the unit an author wrote (`unit` as QuantityResult::unit gives
// it): "3.9 mmol/L", "30 h". An empty unit gives durations in a natural unit ("366 d")
// and other kinds in their canonical unit.
std::string format_in_unit(double canonical_value, QuantityKind kind, std::string_view unit);

// A number of seconds in its natural unit, to four significant digits: "90 s",
// "15 min", "30 h", "366 d".
std::string format_duration(double seconds);

}  // namespace iomtsim::scenarios
