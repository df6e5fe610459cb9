// The description grammar's every result on a list of descriptions, for proving that a change
// to the grammar or its matching leaves every field and its provenance as it was (issue #19,
// bench/RESULTS-statements.md "Session 16"), and the CPU it took per primary pattern.
//
// Usage: grammar_dump [--grammar FILE.toml] [--repeat N] < DESCRIPTIONS.tsv > RESULTS.tsv
//   DESCRIPTIONS.tsv: one description per line, "OUTFLOW<TAB>DESCRIPTION[<TAB>anything]"
//   (OUTFLOW 1 when the money leaves the account, 0 when it enters).
//   RESULTS.tsv: per line, the outflow, the description, the primary pattern ("-" when none),
//   the channel, then every field set as field=value@pattern in the order set (provenance).
//   stderr: the thread's CPU per description (median of N passes; each pass is a fresh grammar, so
//   every description is matched, none is read from the cache) and the wall time per primary
//   pattern (its share: a loaded machine inflates wall times).
// Two builds (or two grammar files) prove the same results with `cmp` on their outputs.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/enrich.h"

namespace {

using moneytrail::enrich::Enrichment;
using moneytrail::enrich::Grammar;

std::string_view FieldValue(const Enrichment& e, std::string_view field) {
  if (field == "counterparty_name") return e.counterparty_name;
  if (field == "counterparty_key") return e.counterparty_key;
  if (field == "counterparty_account") return e.counterparty_account;
  if (field == "counterparty_bank") return e.counterparty_bank;
  if (field == "branch") return e.branch;
  if (field == "city") return e.city;
  if (field == "region") return e.region;
  if (field == "country") return e.country;
  if (field == "check_number") return e.check_number;
  if (field == "reference") return e.reference;
  if (field == "channel") return e.channel ? moneytrail::ChannelName(*e.channel) : "";
  return "?";
}

}  // namespace

int main(int argc, char** argv) {
  std::string grammar_file;
  int repeat = 1;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--grammar" && i + 1 < argc) {
      grammar_file = argv[++i];
    } else if (a == "--repeat" && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else {
      std::cerr << "usage: grammar_dump [--grammar FILE.toml] [--repeat N] < in.tsv > out.tsv\n";
      return 2;
    }
  }
  auto load = [&]() {
    auto g = grammar_file.empty() ? Grammar::Parse(Grammar::UsBanksToml(), "us-banks.toml")
                                  : Grammar::Load(grammar_file);
    if (!g.ok()) {
      std::cerr << g.status().ToString() << "\n";
      std::exit(1);
    }
    return *std::move(g);
  };
  std::vector<std::pair<bool, std::string>> rows;
  std::string line;
  while (std::getline(std::cin, line)) {
    size_t tab = line.find('\t');
    if (tab == std::string::npos) continue;
    size_t end = line.find('\t', tab + 1);
    rows.emplace_back(line.substr(0, tab) == "1",
                      line.substr(tab + 1, end == std::string::npos ? end : end - tab - 1));
  }
  std::map<std::string, double> seconds_by_pattern;
  std::map<std::string, size_t> count_by_pattern;
  std::vector<double> passes;
  std::string out;
  Enrichment e;
  for (int pass = 0; pass < repeat; ++pass) {
    Grammar grammar = load();  // a fresh id: nothing cached
    timespec cpu_start{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu_start);
    for (const auto& [outflow, description] : rows) {
      auto start = std::chrono::steady_clock::now();
      bool matched = grammar.Apply(description, outflow, e);
      double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::string key = matched ? e.pattern : std::string("(none)");
      seconds_by_pattern[key] += s;
      if (pass == 0) {
        ++count_by_pattern[key];
        out += outflow ? "1\t" : "0\t";
        out += description;
        out += '\t';
        out += matched ? e.pattern : std::string("-");
        for (const auto& [field, id] : e.provenance) {
          out += '\t';
          out += field;
          out += '=';
          out += FieldValue(e, field);
          out += '@';
          out += id;
        }
        out += '\n';
      }
    }
    timespec cpu_end{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu_end);
    passes.push_back(static_cast<double>(cpu_end.tv_sec - cpu_start.tv_sec) +
                     1e-9 * static_cast<double>(cpu_end.tv_nsec - cpu_start.tv_nsec));
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::sort(passes.begin(), passes.end());
  double median = passes[passes.size() / 2];
  std::fprintf(stderr, "%zu descriptions, %d passes, median %.3f s, %.2f us per description\n",
               rows.size(), repeat, median, 1e6 * median / static_cast<double>(rows.size()));
  for (const auto& [id, s] : seconds_by_pattern) {
    size_t n = count_by_pattern[id];
    std::fprintf(stderr, "  %-26s %7zu descriptions  %7.3f s per pass  %6.2f us each\n",
                 id.c_str(), n, s / repeat, 1e6 * s / repeat / static_cast<double>(n));
  }
  return 0;
}
