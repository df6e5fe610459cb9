// The one way moneytrail turns a JSON value into text. Strings in a store come from evidence and
// may hold bytes that are not UTF-8 (a city "M\xC9XICO" from a Latin-1 file); nlohmann's default
// dump throws type_error.316 on them, which aborted verbs. JsonText replaces each invalid byte
// sequence with U+FFFD and never throws on content.
//
// Example:
//   std::string line = JsonText(j);         // one line
//   std::string doc = JsonText(j, 2) + "\n";  // indented
#ifndef MONEYTRAIL_JSON_TEXT_H_
#define MONEYTRAIL_JSON_TEXT_H_

#include <nlohmann/json.hpp>
#include <string>

namespace moneytrail {

// `j` as JSON text: compact when indent < 0, else indented by `indent` spaces; non-ASCII kept as
// UTF-8; invalid UTF-8 replaced by U+FFFD. Works for nlohmann::json and nlohmann::ordered_json.
template <class Json>
std::string JsonText(const Json& j, int indent = -1) {
  return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace moneytrail

#endif  // MONEYTRAIL_JSON_TEXT_H_
