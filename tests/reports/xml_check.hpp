#pragma once
// A small XML well-formedness checker for our own generated output (HTML kept
// XHTML-clean, SVG, JUnit). Not a general parser: it accepts an XML declaration, one
// DOCTYPE, comments, elements with quoted attributes, text with the five predefined
// entities and numeric character references, and reports the first problem found.
#include <cctype>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace iomtsim::test {

struct XmlElement {
  std::string name;
  std::map<std::string, std::string> attributes;  // raw (still escaped) values
  std::string parent;
};

struct XmlCheck {
  bool ok = false;
  std::string error;
  std::vector<XmlElement> elements;  // in document order
  std::size_t count(std::string_view name) const {
    std::size_t n = 0;
    for (const auto& e : elements) n += e.name == name ? 1 : 0;
    return n;
  }
};

inline bool valid_entities(std::string_view s, std::string& error) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '<') {
      error = "raw '<' in text or attribute";
      return false;
    }
    if (s[i] != '&') continue;
    const auto end = s.find(';', i);
    if (end == std::string_view::npos) {
      error = "unterminated entity";
      return false;
    }
    const std::string_view ent = s.substr(i + 1, end - i - 1);
    const bool named = ent == "amp" || ent == "lt" || ent == "gt" || ent == "quot" || ent == "apos";
    bool numeric = ent.size() >= 2 && ent[0] == '#';
    if (numeric) {
      const bool hex = ent[1] == 'x';
      for (std::size_t k = hex ? 2 : 1; k < ent.size(); ++k)
        numeric = numeric && (hex ? std::isxdigit(static_cast<unsigned char>(ent[k]))
                                  : std::isdigit(static_cast<unsigned char>(ent[k])));
    }
    if (!named && !numeric) {
      error = "unknown entity &" + std::string(ent) + ";";
      return false;
    }
    i = end;
  }
  return true;
}

inline XmlCheck check_xml(std::string_view doc) {
  XmlCheck r;
  std::vector<std::string> stack;
  bool root_seen = false;
  std::size_t i = 0;
  auto fail = [&](const std::string& what) {
    r.ok = false;
    r.error = what + " at offset " + std::to_string(i);
    return r;
  };
  auto is_name_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' ||
           c == '.';
  };
  while (i < doc.size()) {
    if (doc[i] != '<') {
      const auto next = doc.find('<', i);
      const std::string_view text =
          doc.substr(i, next == std::string_view::npos ? doc.size() - i : next - i);
      if (stack.empty()) {
        for (char c : text)
          if (!std::isspace(static_cast<unsigned char>(c)))
            return fail("text outside the root element");
      }
      std::string err;
      if (!valid_entities(text, err)) return fail(err);
      i += text.size();
      continue;
    }
    if (doc.substr(i, 4) == "<!--") {
      const auto end = doc.find("-->", i);
      if (end == std::string_view::npos) return fail("unterminated comment");
      i = end + 3;
      continue;
    }
    if (doc.substr(i, 2) == "<?") {
      const auto end = doc.find("?>", i);
      if (end == std::string_view::npos || root_seen) return fail("bad processing instruction");
      i = end + 2;
      continue;
    }
    if (doc.substr(i, 9) == "<!DOCTYPE") {
      const auto end = doc.find('>', i);
      if (end == std::string_view::npos || root_seen) return fail("bad DOCTYPE");
      i = end + 1;
      continue;
    }
    const bool closing = doc.substr(i, 2) == "</";
    i += closing ? 2 : 1;
    std::string name;
    while (i < doc.size() && is_name_char(doc[i])) name += doc[i++];
    if (name.empty()) return fail("empty tag name");
    if (closing) {
      while (i < doc.size() && std::isspace(static_cast<unsigned char>(doc[i]))) ++i;
      if (i >= doc.size() || doc[i] != '>') return fail("malformed closing tag </" + name);
      ++i;
      if (stack.empty() || stack.back() != name)
        return fail("closing </" + name + "> does not match <" +
                    (stack.empty() ? "" : stack.back()) + ">");
      stack.pop_back();
      continue;
    }
    if (stack.empty() && root_seen) return fail("second root element <" + name + ">");
    XmlElement el{name, {}, stack.empty() ? "" : stack.back()};
    bool self_closing = false;
    while (true) {
      while (i < doc.size() && std::isspace(static_cast<unsigned char>(doc[i]))) ++i;
      if (i >= doc.size()) return fail("unterminated tag <" + name);
      if (doc[i] == '>') {
        ++i;
        break;
      }
      if (doc.substr(i, 2) == "/>") {
        i += 2;
        self_closing = true;
        break;
      }
      std::string attr;
      while (i < doc.size() && is_name_char(doc[i])) attr += doc[i++];
      if (attr.empty() || i >= doc.size() || doc[i] != '=')
        return fail("attribute without value in <" + name);
      ++i;
      if (i >= doc.size() || (doc[i] != '"' && doc[i] != '\''))
        return fail("unquoted attribute " + attr);
      const char q = doc[i++];
      const auto end = doc.find(q, i);
      if (end == std::string_view::npos) return fail("unterminated attribute " + attr);
      const std::string_view value = doc.substr(i, end - i);
      std::string err;
      if (!valid_entities(value, err)) return fail(err + " in attribute " + attr);
      if (el.attributes.count(attr)) return fail("duplicate attribute " + attr);
      el.attributes[attr] = std::string(value);
      i = end + 1;
    }
    r.elements.push_back(el);
    root_seen = true;
    if (!self_closing) stack.push_back(name);
  }
  if (!stack.empty()) return fail("unclosed <" + stack.back() + ">");
  if (!root_seen) return fail("no root element");
  r.ok = true;
  return r;
}

}  // namespace iomtsim::test
