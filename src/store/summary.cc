#include <fmt/format.h>

#include "moneytrail/store_summary.h"
#include "moneytrail/time_format.h"

namespace moneytrail::store {

Result<StoreSummary> Summarize(const Store& store) {
  // The columns read below: checked now (DataLoss) if the caller opened the store without them.
  MT_RETURN_IF_ERROR(store.CheckColumns(kSummaryColumns));
  StoreSummary s;
  s.dir = store.dir().string();
  s.manifest_sha256 = store.manifest_sha256();
  s.generation = store.generation();
  s.transactions = store.transaction_count();
  s.accounts = store.account_count();
  for (AccountId a = 0; a < store.account_count(); ++a) {
    s.nodes_by_kind[static_cast<int>(store.account(a).kind)]++;
    if (store.account_attributes(a).label == Label::kLaundering) ++s.accounts_labelled_laundering;
  }
  s.totals.resize(store.currency_count());
  for (uint16_t c = 0; c < store.currency_count(); ++c) s.totals[c].currency = store.currency(c);
  auto time = store.time();
  auto units = store.amount_paid_units();
  auto scale = store.paid_scale();
  auto currency = store.paid_currency();
  auto channel = store.channel();
  auto label = store.label();
  auto typology = store.typology();
  std::vector<uint64_t> typology_counts;
  for (size_t t = 0; t < s.transactions; ++t) {
    if (t == 0 || time[t] < s.first_time) s.first_time = time[t];
    if (t == 0 || time[t] > s.last_time) s.last_time = time[t];
    CurrencyTotal& total = s.totals[currency[t]];
    ++total.transactions;
    MT_RETURN_IF_ERROR(total.paid.Add(Decimal{units[t], scale[t]}));
    if (channel[t] < kChannelCount) s.channels[channel[t]]++;
    if (label[t] == static_cast<uint8_t>(Label::kLaundering)) ++s.laundering;
    else if (label[t] == static_cast<uint8_t>(Label::kLegitimate)) ++s.legitimate;
    else ++s.unlabelled;
    if (typology[t] != kNoString) {
      if (typology[t] >= typology_counts.size()) typology_counts.resize(typology[t] + 1);
      typology_counts[typology[t]]++;
    }
  }
  for (uint32_t id = 0; id < typology_counts.size(); ++id) {
    if (typology_counts[id] > 0) s.typologies[std::string(store.string(id))] = typology_counts[id];
  }
  std::erase_if(s.totals, [](const CurrencyTotal& t) { return t.transactions == 0; });
  s.sources = store.sources();
  s.withdrawals = store.withdrawals();
  if (store.holders() != nullptr) s.holders = *store.holders();
  return s;
}

nlohmann::json StoreSummary::ToJson() const {
  nlohmann::json j;
  j["store"] = dir;
  j["manifest_sha256"] = manifest_sha256;
  j["generation"] = generation;
  j["transactions"] = transactions;
  j["accounts"] = accounts;
  for (int k = 0; k < kNodeKindCount; ++k) {
    j["nodes_by_kind"][std::string(NodeKindName(static_cast<NodeKind>(k)))] = nodes_by_kind[k];
  }
  if (transactions > 0) {
    j["first_time"] = FormatIsoTime(first_time);
    j["last_time"] = FormatIsoTime(last_time);
  }
  j["totals_paid"] = nlohmann::json::array();
  for (const auto& t : totals) {
    j["totals_paid"].push_back(
        {{"currency", t.currency}, {"transactions", t.transactions}, {"amount", t.paid.ToString()}});
  }
  for (int c = 0; c < kChannelCount; ++c) {
    if (channels[c] > 0) j["channels"][std::string(ChannelName(static_cast<Channel>(c)))] = channels[c];
  }
  j["labels"] = {{"laundering", laundering}, {"legitimate", legitimate}, {"unlabelled", unlabelled},
                 {"accounts_labelled_laundering", accounts_labelled_laundering}};
  j["typologies"] = typologies;
  j["sources"] = nlohmann::json::array();
  for (const auto& s : sources) {
    j["sources"].push_back({{"index", s.index}, {"path", s.path}, {"sha256", s.sha256},
                            {"bytes", s.bytes}, {"rows_read", s.rows_read},
                            {"rows_accepted", s.rows_accepted}, {"rows_rejected", s.rows_rejected},
                            {"format", s.format}, {"mapping", s.mapping},
                            {"ingested_at", s.ingested_at}, {"rejects_file", s.rejects_file},
                            {"rows_merged", s.rows_merged}});
  }
  if (!withdrawals.empty()) {
    j["withdrawals"] = nlohmann::json::array();
    for (const WithdrawalRecord& w : withdrawals) {
      j["withdrawals"].push_back(
          {{"path", w.source.path}, {"sha256", w.source.sha256}, {"bytes", w.source.bytes},
           {"format", w.source.format}, {"ingested_at", w.source.ingested_at},
           {"rows_accepted", w.source.rows_accepted},
           {"transactions_removed", w.transactions_removed},
           {"citations_removed", w.citations_removed}, {"reason", w.reason}, {"by", w.by},
           {"withdrawn_at", w.withdrawn_at}, {"generation", w.generation},
           {"previous_generation", w.previous_generation}, {"history", w.history}});
    }
  }
  if (holders) {
    nlohmann::json files = nlohmann::json::array();
    for (const HoldersFile& f : holders->files) {
      files.push_back({{"name", f.name}, {"bytes", f.bytes}, {"sha256", f.sha256}, {"source", f.source}});
    }
    j["holders"] = {{"name", holders->name},       {"attached_at", holders->attached_at},
                    {"method", holders->method},   {"parties", holders->parties},
                    {"linked_accounts", holders->linked_accounts},
                    {"entities", holders->entities}, {"files", files}};
  }
  return j;
}

std::string StoreSummary::ToText() const {
  std::string out;
  out += fmt::format("store        {}\n", dir);
  out += fmt::format("manifest     sha256 {} (generation {})\n", manifest_sha256, generation);
  out += fmt::format("transactions {}\n", transactions);
  out += fmt::format("nodes        {} ({} accounts, {} cash, {} merchants, {} external)\n", accounts,
                     nodes_by_kind[0], nodes_by_kind[1], nodes_by_kind[2], nodes_by_kind[3]);
  if (transactions > 0) {
    out += fmt::format("time span    {} .. {}\n", FormatIsoTime(first_time), FormatIsoTime(last_time));
  }
  out += "totals paid\n";
  for (const auto& t : totals) {
    out += fmt::format("  {:<20} {:>12} tx  {:>26}\n", t.currency, t.transactions, t.paid.ToString());
  }
  out += "channels\n";
  for (int c = 0; c < kChannelCount; ++c) {
    if (channels[c] > 0) {
      out += fmt::format("  {:<20} {:>12}\n", ChannelName(static_cast<Channel>(c)), channels[c]);
    }
  }
  out += fmt::format("labels       {} laundering, {} legitimate, {} unlabelled; {} accounts labelled laundering\n",
                     laundering, legitimate, unlabelled, accounts_labelled_laundering);
  for (const auto& [name, count] : typologies) out += fmt::format("  {:<28} {:>10}\n", name, count);
  out += "sources\n";
  for (const auto& s : sources) {
    out += fmt::format("  [{}] {}\n      {} bytes, sha256 {}\n      format {}{}; {} read, {} accepted, {} rejected; at {}\n",
                       s.index, s.path, s.bytes, s.sha256, s.format,
                       s.mapping.empty() ? "" : " (" + s.mapping + ")", s.rows_read,
                       s.rows_accepted, s.rows_rejected, s.ingested_at);
    if (s.rows_merged != 0) {
      out += fmt::format("      {} of the accepted rows are copies of transactions another line "
                         "carries (overlapping downloads, mirror transfers)\n",
                         s.rows_merged);
    }
    if (!s.rejects_file.empty()) out += fmt::format("      rejects {}\n", s.rejects_file);
  }
  if (!withdrawals.empty()) out += "withdrawn sources\n";
  for (const WithdrawalRecord& w : withdrawals) {
    out += fmt::format("  {}\n      {} bytes, sha256 {}\n      format {}, ingested at {}; "
                       "withdrawn at {} by {} (generation {} -> {}): {} transactions removed{}\n"
                       "      reason: {}\n",
                       w.source.path, w.source.bytes, w.source.sha256, w.source.format,
                       w.source.ingested_at, w.withdrawn_at, w.by.empty() ? "(not named)" : w.by,
                       w.previous_generation, w.generation, w.transactions_removed,
                       w.citations_removed == 0
                           ? std::string()
                           : fmt::format(", {} citations removed", w.citations_removed),
                       w.reason);
    out += w.history.empty() ? "      previous generation not kept\n"
                             : fmt::format("      previous generation kept in {}\n", w.history);
  }
  if (holders) {
    out += fmt::format("holders      {} parties, {} linked accounts, {} entities; attached {} ({})\n",
                       holders->parties, holders->linked_accounts, holders->entities,
                       holders->attached_at, holders->name);
    out += fmt::format("      {}\n", holders->method);
    for (const HoldersFile& f : holders->files) {
      out += fmt::format("  {:<14} {} bytes, sha256 {}{}\n", f.name, f.bytes, f.sha256,
                         f.source.empty() ? "" : "\n      from " + f.source);
    }
  }
  return out;
}

}  // namespace moneytrail::store
