#pragma once
// The scenario format as a JSON Schema (draft 2020-12), generated from the same key
// tables the validator uses, so editors (e.g. the YAML language server's
// `# yaml-language-server: $schema=…`) complete keys and flag unknown ones. Quantities
// with units are strings with a pattern; the validator checks units and ranges that a
// schema cannot express.
#include <string>

namespace iomtsim::scenarios {

// Pretty-printed JSON, two-space indented.
std::string json_schema();

}  // namespace iomtsim::scenarios
