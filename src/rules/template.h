// Sentence templates of rules: "{subject} received {count} cash deposits totalling {sum} ...".
// docs/rules.md lists every placeholder.
#ifndef MONEYTRAIL_SRC_RULES_TEMPLATE_H_
#define MONEYTRAIL_SRC_RULES_TEMPLATE_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/status.h"

namespace moneytrail::rules::rules_internal {

// InvalidArgument naming the first unknown placeholder or an unclosed brace.
// {param.NAME} is known when NAME is in `params`.
Status CheckTemplate(std::string_view text, bool sequence, const std::vector<std::string>& params = {});

// Replaces each {name} by values[name] ("?" if absent: CheckTemplate prevents that for rules).
std::string RenderTemplate(std::string_view text, const std::map<std::string, std::string>& values);

// The sentence used when a rule has none.
std::string DefaultTemplate(bool sequence);

}  // namespace moneytrail::rules::rules_internal

#endif  // MONEYTRAIL_SRC_RULES_TEMPLATE_H_
