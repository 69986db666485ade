#pragma once
// Bounds on what a JSON document may cost a receiver, checked before (or while) it is
// decoded. A JSON tree costs far more than its text: "[[[[…" of 16 MiB is 16 million
// nested arrays, over a gigabyte as a DOM. Receivers refuse such documents with a reason
// of their own instead of building them.
//
//   if (payloads::json_nesting_depth(body, 32) > 32) refuse("nested deeper than 32");
//
// Every DOM-based decoder of this module also parses under fixed bounds (depth and number
// of values, json_read.hpp), so a caller that skips this check still cannot be made to
// build a tree larger than a small multiple of its input.
#include <cstddef>
#include <string_view>

namespace iomtsim::payloads {

// The deepest nesting of arrays and objects in `text` ("1" is 0, "[1]" is 1, "[{}]" is 2),
// counting only brackets outside strings. Stops as soon as the depth passes `stop_after`
// and returns stop_after + 1 then, so a hostile document costs one short pass. Does not
// validate: for invalid JSON the number is a bound the decoder's own error comes after.
std::size_t json_nesting_depth(std::string_view text, std::size_t stop_after);

}  // namespace iomtsim::payloads
