// The bounded parse: nlohmann's own parser drives a small tree builder through its SAX
// interface, so validation (and what is accepted) is exactly json::parse's, and the
// builder refuses to go past the bounds. Building happens as values arrive: no second pass.
#include "json_read.hpp"

#include <vector>

namespace iomtsim::payloads::detail {
namespace {

using nlohmann::json;

class BoundedBuilder {
 public:
  BoundedBuilder(json& root, const JsonBounds& bounds) : root_(root), bounds_(bounds) {}

  bool null() { return add(nullptr) != nullptr; }
  bool boolean(bool v) { return add(v) != nullptr; }
  bool number_integer(json::number_integer_t v) { return add(v) != nullptr; }
  bool number_unsigned(json::number_unsigned_t v) { return add(v) != nullptr; }
  bool number_float(json::number_float_t v, const json::string_t&) { return add(v) != nullptr; }
  bool string(json::string_t& v) { return add(std::move(v)) != nullptr; }
  bool binary(json::binary_t& v) { return add(json::binary(std::move(v))) != nullptr; }
  bool start_object(std::size_t) { return open(json::value_t::object); }
  bool start_array(std::size_t) { return open(json::value_t::array); }
  bool key(json::string_t& k) {
    key_ = std::move(k);
    return true;
  }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    failed_ = Failure::Syntax;
    return false;
  }

  enum class Failure { None, Syntax, Depth, Values };
  Failure failed() const { return failed_; }

 private:
  // Places a value where the parser is: the root, the next array element, or the member
  // named by the last key (replacing an earlier one of the same name, as json::parse does).
  json* add(json&& v) {
    if (++values_ > bounds_.max_values) {
      failed_ = Failure::Values;
      return nullptr;
    }
    if (stack_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    json& parent = *stack_.back();
    if (parent.is_array()) {
      parent.get_ref<json::array_t&>().push_back(std::move(v));
      return &parent.get_ref<json::array_t&>().back();
    }
    json& slot = parent.get_ref<json::object_t&>()[key_];
    slot = std::move(v);
    return &slot;
  }
  bool open(json::value_t type) {
    if (stack_.size() >= bounds_.max_depth) {
      failed_ = Failure::Depth;
      return false;
    }
    json* c = add(json(type));
    if (c == nullptr) return false;
    // Safe to keep: only the innermost open container grows, so no open one moves.
    stack_.push_back(c);
    return true;
  }
  bool close() {
    stack_.pop_back();
    return true;
  }

  json& root_;
  const JsonBounds& bounds_;
  std::vector<json*> stack_;
  json::string_t key_;
  std::size_t values_ = 0;
  Failure failed_ = Failure::None;
};

}  // namespace

bool parse_json_bounded(std::string_view text, const JsonBounds& bounds, json& out,
                        std::string& why) {
  out = json();
  BoundedBuilder builder(out, bounds);
  if (json::sax_parse(text.begin(), text.end(), &builder)) return true;
  out = json(json::value_t::discarded);
  switch (builder.failed()) {
    case BoundedBuilder::Failure::Depth:
      why = "JSON nested deeper than " + std::to_string(bounds.max_depth) + " levels";
      break;
    case BoundedBuilder::Failure::Values:
      why = "JSON has more than " + std::to_string(bounds.max_values) + " values";
      break;
    default:
      why = "invalid JSON";
      break;
  }
  return false;
}

}  // namespace iomtsim::payloads::detail
