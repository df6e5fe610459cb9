// FollowTheMoney JSON lines (schema facts: followthemoney/schema/*.yaml of alephdata/
// followthemoney: Payment requires payer and beneficiary (range LegalEntity), payerAccount and
// beneficiaryAccount have range BankAccount, Ownership links owner (LegalEntity) to asset
// (Asset, which BankAccount extends), Note's `entity` points at any Thing, Thing requires name;
// entity ids match ^[0-9a-zA-Z]([0-9a-zA-Z.-]*[0-9a-zA-Z])?$).
#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "moneytrail/exports.h"
#include "moneytrail/file_util.h"
#include "moneytrail/json_text.h"
#include "moneytrail/time_format.h"

namespace moneytrail::exports {
namespace {

constexpr size_t kMaxFtmIdBytes = 128;

bool IdChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool ValidFtmId(std::string_view id) {
  if (id.empty() || id.size() > kMaxFtmIdBytes) return false;
  if (!IdChar(id.front()) || !IdChar(id.back())) return false;
  for (char c : id) {
    if (!IdChar(c) && c != '.' && c != '-') return false;
  }
  return true;
}

using Json = nlohmann::ordered_json;

void Add(Json& props, const char* name, std::string value) {
  if (value.empty()) return;
  props[name].push_back(std::move(value));
}

std::string Entity(const std::string& id, const char* schema, Json props) {
  Json j;
  j["id"] = id;
  j["schema"] = schema;
  j["properties"] = std::move(props);
  return JsonText(j) + "\n";
}

// "2025-09-01T00:00:00" (FtM dates are ISO 8601 without a zone; times are UTC).
std::string FtmDate(Timestamp t) {
  std::string iso = FormatIsoTime(t);
  if (!iso.empty() && iso.back() == 'Z') iso.pop_back();
  return iso;
}

}  // namespace

std::string FtmId(std::string_view prefix, std::string_view key) {
  std::string id = fmt::format("{}-{}", prefix, key);
  for (char& c : id) {
    if (c == ':' || c == '_' || c == ' ' || c == '/') c = '-';
  }
  if (ValidFtmId(id)) return id;
  return fmt::format("{}-{}", prefix, Sha256Hex(key).substr(0, 40));
}

std::string FtmJsonLines(const store::Store& store, const Parties& parties,
                         std::span<const TransactionId> transactions) {
  const auto src = store.source();
  const auto dst = store.destination();
  std::vector<bool> touched(store.account_count(), false);
  for (TransactionId t : transactions) {
    touched[src[t]] = true;
    touched[dst[t]] = true;
  }
  // The legal entity standing at each account: its holder's Person/Company, or a placeholder.
  std::vector<std::string> entity_of(store.account_count());
  std::string out;
  std::vector<bool> party_written;
  std::unordered_map<std::string, bool> written;
  for (AccountId a = 0; a < store.account_count(); ++a) {
    if (!touched[a]) continue;
    const store::AccountKey& key = store.account(a);
    const Holder* h = a < parties.by_account.size() ? &parties.by_account[a] : nullptr;
    if (h != nullptr && !h->party_id.empty()) {
      entity_of[a] = FtmId("party", h->party_id);
      if (written.emplace(entity_of[a], true).second) {
        Json p;
        Add(p, "name", h->name.empty() ? "party " + h->party_id : h->name);
        Add(p, "notes", "KYC party " + h->party_id + " (" + parties.origin + ")");
        out += Entity(entity_of[a], h->business ? "Company" : "Person", std::move(p));
      }
      continue;
    }
    // Placeholder: the holder is unknown, or the node is a cash desk, merchant or outside party.
    const std::string label = store.AccountLabel(a);
    entity_of[a] = FtmId("holder", label);
    Json p;
    if (key.kind == NodeKind::kAccount) {
      Add(p, "name", "Unknown holder of account " + label);
    } else {
      Add(p, "name", fmt::format("{} {} {}", NodeKindName(key.kind), key.bank, key.number));
    }
    Add(p, "notes", "placeholder made by moneytrail: the records do not name who this is");
    out += Entity(entity_of[a], "LegalEntity", std::move(p));
  }
  std::vector<std::string> account_id(store.account_count());
  for (AccountId a = 0; a < store.account_count(); ++a) {
    if (!touched[a] || store.account(a).kind != NodeKind::kAccount) continue;
    const store::AccountKey& key = store.account(a);
    account_id[a] = FtmId("acct", key.bank + ":" + key.number);
    Json p;
    Add(p, "name", store.AccountLabel(a));
    Add(p, "accountNumber", key.number);
    Add(p, "bankName", key.bank);
    out += Entity(account_id[a], "BankAccount", std::move(p));
  }
  for (AccountId a = 0; a < store.account_count(); ++a) {
    if (account_id[a].empty()) continue;
    Json p;
    Add(p, "owner", entity_of[a]);
    Add(p, "asset", account_id[a]);
    Add(p, "role", "account holder");
    out += Entity(FtmId("own", store.AccountLabel(a)), "Ownership", std::move(p));
  }
  const auto& sources = store.sources();
  std::map<uint32_t, std::set<std::string>> note_accounts;  // source file -> accounts it shows
  for (TransactionId t : transactions) {
    const std::string payment = FtmId("pay", std::to_string(t));
    Json p;
    Add(p, "payer", entity_of[src[t]]);
    Add(p, "payerAccount", account_id[src[t]]);
    Add(p, "beneficiary", entity_of[dst[t]]);
    Add(p, "beneficiaryAccount", account_id[dst[t]]);
    Add(p, "amount", FormatDecimal(store.amount_paid(t)));
    Add(p, "currency", std::string(store.currency(store.paid_currency()[t])));
    Add(p, "date", FtmDate(store.time()[t]));
    Add(p, "transactionNumber", std::to_string(t));
    Add(p, "programme", std::string(ChannelName(static_cast<Channel>(store.channel()[t]))));
    if (store.counterparty()[t] != store::kNoString) {
      Add(p, "purpose", "counterparty named in the record: " +
                            std::string(store.string(store.counterparty()[t])));
    }
    // Provenance on the payment itself (Interval has recordId and description), and per
    // source file a Note on the accounts its rows touch (Note's entity must be a Thing, which
    // a Payment is not).
    const uint32_t file = store.source_file()[t];
    Add(p, "recordId", fmt::format("source {} line {}", file, store.source_line()[t]));
    if (file < sources.size()) {
      Add(p, "description", fmt::format("read from {} line {} (SHA-256 {})", sources[file].path,
                                        store.source_line()[t], sources[file].sha256));
      for (AccountId a : {src[t], dst[t]}) {
        if (!account_id[a].empty()) note_accounts[file].insert(account_id[a]);
      }
    }
    out += Entity(payment, "Payment", std::move(p));
  }
  for (const auto& [file, ids] : note_accounts) {
    const store::SourceRecord& s = sources[file];
    Json n;
    Add(n, "name", "Source file " + s.path);
    Add(n, "description",
        fmt::format("Records read by moneytrail from {} (SHA-256 {}, {} bytes, {} rows read, {} "
                    "accepted, {} rejected, format {}, ingested {}); store manifest SHA-256 {}",
                    s.path, s.sha256, s.bytes, s.rows_read, s.rows_accepted, s.rows_rejected,
                    s.format, s.ingested_at, store.manifest_sha256()));
    for (const std::string& id : ids) Add(n, "entity", id);
    out += Entity(FtmId("note-source", std::to_string(file)), "Note", std::move(n));
  }
  return out;
}

}  // namespace moneytrail::exports
