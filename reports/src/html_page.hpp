#pragma once
// The frame shared by the HTML renderers: XHTML-clean head with inline CSS, no scripts.
#include <string>

#include "xml_text.hpp"

namespace iomtsim::reports::html {

inline std::string page_begin(const std::string& title) {
  return "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
         "<meta charset=\"utf-8\"/>\n<title>" +
         xml::escape(title) +
         "</title>\n<style>\n"
         "body { font-family: sans-serif; margin: 1.5em; color: #222; max-width: 1100px; }\n"
         "table { border-collapse: collapse; margin: 0.5em 0 1em 0; }\n"
         "th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }\n"
         "th { background: #f0f0f0; } td.l, th.l { text-align: left; }\n"
         ".pass { color: #176d2c; font-weight: bold; } .fail { color: #b00020; font-weight: bold; "
         "}\n"
         "section { margin-bottom: 2em; } svg { display: block; margin: 0.5em 0; }\n"
         ".note { color: #555; font-size: 90%; }\n"
         "</style>\n</head>\n<body>\n<h1>" +
         xml::escape(title) + "</h1>\n";
}

inline std::string page_end() { return "</body>\n</html>\n"; }

inline std::string section(const std::string& id, const std::string& heading,
                           const std::string& body) {
  return "<section id=\"" + id + "\">\n<h2>" + xml::escape(heading) + "</h2>\n" + body +
         "</section>\n";
}

inline std::string cell(const std::string& s, bool left = false) {
  return std::string(left ? "<td class=\"l\">" : "<td>") + xml::escape(s) + "</td>";
}

}  // namespace iomtsim::reports::html
