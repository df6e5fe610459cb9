// Withdrawing a source from a store (StoreWriter::Withdraw; docs/format/store.md, Withdrawing a
// source): the segments before the source's own are kept, its segment and the later ones are
// rewritten without its rows by re-interning every kept row in the order the ingest interned it,
// so that the result is the store a fresh ingest of the remaining sources would have written.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "dictionary.h"
#include "moneytrail/file_util.h"
#include "moneytrail/store.h"
#include "state.h"
#include "writer_rep.h"

namespace moneytrail::store {
namespace {

constexpr char kStatementLines[] = "statement-lines.csv";
// Sources that set account attributes and no rows (io/account_files.cc).
bool SetsAttributes(const SourceRecord& s) {
  return s.format == "amlsim-labels" || s.format == "balances";
}

std::string Describe(const SourceRecord& s) {
  return "source " + std::to_string(s.index) + " " + s.path + " (sha256 " + s.sha256.substr(0, 16) +
         ")";
}

bool IsHex(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) != 0;
  });
}

// The index of the source `wanted` names: a SHA-256 (or a prefix of at least 8 hex digits) or
// a recorded path.
Result<uint32_t> FindSource(const std::vector<SourceRecord>& sources, const std::string& wanted) {
  std::vector<uint32_t> found;
  if (wanted.size() >= 8 && IsHex(wanted)) {
    std::string lower = wanted;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const SourceRecord& s : sources) {
      if (s.sha256.compare(0, lower.size(), lower) == 0) found.push_back(s.index);
    }
  }
  if (found.empty()) {
    for (const SourceRecord& s : sources) {
      if (s.path == wanted) found.push_back(s.index);
    }
  }
  if (found.size() == 1) return found[0];
  std::string list;
  const std::vector<uint32_t>& shown = found.empty() ? std::vector<uint32_t>{} : found;
  if (found.empty()) {
    for (const SourceRecord& s : sources) {
      if (list.size() > 2000) break;
      list += "\n  " + Describe(s);
    }
    return NotFoundError("no source of the store is '" + wanted +
                         "' (give its SHA-256, a prefix of at least 8 hex digits, or its path as "
                         "recorded); the sources are:" + (list.empty() ? " none" : list));
  }
  for (uint32_t i : shown) list += "\n  " + Describe(sources[i]);
  return InvalidArgumentError("'" + wanted + "' names " + std::to_string(found.size()) +
                              " sources; name one by its SHA-256:" + list);
}

// statement-lines.csv's rows: transaction,source,line,role,pattern (io/statement_reconcile.h).
// The first two fields are numbers; `rest` keeps the others as written (line, role and the
// pattern, quoted when it needs it), so that a renumbered row is otherwise byte for byte.
struct CitedLine {
  uint64_t transaction = 0;
  uint32_t source = 0;
  std::string rest;  // "line,role,pattern"
  std::string line() const { return rest.substr(0, rest.find(',')); }
  std::string role() const {
    const size_t a = rest.find(',');
    if (a == std::string::npos) return {};
    return rest.substr(a + 1, rest.find(',', a + 1) - a - 1);
  }
};

Result<std::vector<CitedLine>> ParseStatementLines(const std::string& name, const std::string& text) {
  std::vector<CitedLine> out;
  size_t at = text.find('\n');  // after the header
  for (size_t number = 2; at != std::string::npos && at + 1 < text.size(); ++number) {
    const size_t begin = at + 1;
    at = text.find('\n', begin);
    const std::string_view row(text.data() + begin,
                               (at == std::string::npos ? text.size() : at) - begin);
    const size_t c1 = row.find(',');
    const size_t c2 = c1 == std::string_view::npos ? c1 : row.find(',', c1 + 1);
    CitedLine c;
    unsigned long long t = 0, s = 0;
    int used = 0;
    if (c2 == std::string_view::npos ||
        std::sscanf(std::string(row.substr(0, c2)).c_str(), "%llu,%llu%n", &t, &s, &used) != 2 ||
        static_cast<size_t>(used) != c2 || s > 0xFFFFFFFFull) {
      return DataLossError(name + ": line " + std::to_string(number) + " '" + std::string(row) +
                           "': expected transaction,source,line,role,pattern");
    }
    c.transaction = t;
    c.source = static_cast<uint32_t>(s);
    c.rest = std::string(row.substr(c2 + 1));
    out.push_back(std::move(c));
  }
  return out;
}

// Appends old row `t` to `cols`, interning its keys in `w` in the order io's Ingester::Merge
// interns a row's keys, with `source_file` as its source index.
Status AppendRow(StoreWriter& w, const Store& old, uint64_t t, uint32_t source_file,
                 TransactionColumns& cols) {
  const AccountKey& from = old.account(old.source()[t]);
  const AccountKey& to = old.account(old.destination()[t]);
  MT_ASSIGN_OR_RETURN(AccountId src, w.InternAccount(from.kind, from.bank, from.number));
  MT_ASSIGN_OR_RETURN(AccountId dst, w.InternAccount(to.kind, to.bank, to.number));
  const uint16_t old_paid = old.paid_currency()[t], old_received = old.received_currency()[t];
  MT_ASSIGN_OR_RETURN(uint16_t paid_currency, w.InternCurrency(old.currency(old_paid)));
  uint16_t received_currency = paid_currency;
  if (old_received != old_paid) {
    MT_ASSIGN_OR_RETURN(received_currency, w.InternCurrency(old.currency(old_received)));
  }
  uint32_t location = kNoLocation;
  if (old.location()[t] != kNoLocation) {
    const Location& l = old.location_entry(old.location()[t]);
    MT_ASSIGN_OR_RETURN(location, w.InternLocation(old.string(l.city), old.string(l.region),
                                                   old.string(l.country)));
  }
  MT_ASSIGN_OR_RETURN(uint32_t counterparty, w.InternString(old.string(old.counterparty()[t])));
  MT_ASSIGN_OR_RETURN(uint32_t typology, w.InternString(old.string(old.typology()[t])));
  cols.time.push_back(old.time()[t]);
  cols.source.push_back(src);
  cols.destination.push_back(dst);
  cols.amount_paid.push_back(old.amount_paid_units()[t]);
  cols.paid_scale.push_back(old.paid_scale()[t]);
  cols.paid_currency.push_back(paid_currency);
  cols.amount_received.push_back(old.amount_received_units()[t]);
  cols.received_scale.push_back(old.received_scale()[t]);
  cols.received_currency.push_back(received_currency);
  cols.channel.push_back(old.channel()[t]);
  cols.location.push_back(location);
  cols.mcc.push_back(old.mcc()[t]);
  cols.counterparty.push_back(counterparty);
  cols.label.push_back(old.label()[t]);
  cols.typology.push_back(typology);
  cols.source_file.push_back(source_file);
  cols.source_line.push_back(old.source_line()[t]);
  return Status::Ok();
}

// Sets in `w` the account attributes old segment `seg` set, in its order, accounts and
// currencies interned again. `scratch` is sized to the old store's accounts.
Status CopyAttributes(StoreWriter& w, const Store& old, const std::filesystem::path& dir,
                      const SegmentRecord& seg, std::vector<AccountAttributes>& scratch) {
  std::vector<std::pair<AccountId, AccountAttributes>> entries;
  MT_RETURN_IF_ERROR(store_internal::ReadAttributes(
      store_internal::SegmentDir(dir, seg.name) / "attributes.dict", seg.attributes,
      static_cast<uint32_t>(old.currency_count()), scratch, &entries));
  for (auto& [a, attributes] : entries) {
    if (attributes.balance_currency != 0) {
      MT_ASSIGN_OR_RETURN(attributes.balance_currency,
                          w.InternCurrency(old.currency(attributes.balance_currency)));
    }
    const AccountKey& k = old.account(a);
    MT_ASSIGN_OR_RETURN(AccountId id, w.InternAccount(k.kind, k.bank, k.number));
    w.SetAccountAttributes(id, attributes);
  }
  return Status::Ok();
}

// statement-lines.csv of a rewritten commit: lines of the withdrawn source dropped (counted in
// `citations_removed`), transaction ids and source indices renumbered. `new_id[t - first]` is
// the new id of old row t >= first (UINT64_MAX: withdrawn).
Result<std::string> RenumberStatementLines(const std::string& segment, const std::string& text,
                                           uint32_t withdrawn, uint64_t old_count,
                                           uint64_t first, const std::vector<uint64_t>& new_id,
                                           uint64_t& citations_removed) {
  const std::string name = std::string("segments/") + segment + "/" + kStatementLines;
  MT_ASSIGN_OR_RETURN(std::vector<CitedLine> lines, ParseStatementLines(name, text));
  std::string out = text.substr(0, text.find('\n') + 1);
  for (const CitedLine& c : lines) {
    if (c.source == withdrawn) {
      ++citations_removed;
      continue;
    }
    if (c.transaction >= old_count) {
      return DataLossError(name + ": transaction " + std::to_string(c.transaction) +
                           " is not in the store (" + std::to_string(old_count) +
                           " transactions)");
    }
    const uint64_t carrier = c.transaction < first ? c.transaction : new_id[c.transaction - first];
    if (carrier == UINT64_MAX) {
      return InternalError(name + ": a kept line is carried by a withdrawn row");
    }
    const uint32_t source = c.source < withdrawn ? c.source : c.source - 1;
    out += std::to_string(carrier) + "," + std::to_string(source) + "," + c.rest + "\n";
  }
  return out;
}

// Refuses to withdraw `s` alone from a statement commit it shares with other sources, naming
// the transactions whose lines come from `s` and another source.
Status RefuseSharedStatementCommit(const Store& old, const SourceRecord& s,
                                   const std::vector<uint32_t>& others) {
  std::string names;
  for (uint32_t o : others) names += (names.empty() ? "" : ", ") + old.sources()[o].path;
  std::string joined;
  size_t joined_count = 0;
  Result<std::string> text = old.ReadCommitFile(s.segment, kStatementLines);
  if (text.ok()) {
    MT_ASSIGN_OR_RETURN(std::vector<CitedLine> lines, ParseStatementLines(kStatementLines, *text));
    std::map<uint64_t, std::vector<const CitedLine*>> by_transaction;
    for (const CitedLine& c : lines) by_transaction[c.transaction].push_back(&c);
    for (const auto& [t, cited] : by_transaction) {
      bool mine = false, other = false;
      for (const CitedLine* c : cited) (c->source == s.index ? mine : other) = true;
      if (!mine || !other) continue;
      if (++joined_count > 10) continue;
      joined += "\n  transaction " + std::to_string(t) + ":";
      for (const CitedLine* c : cited) {
        joined += " " + old.sources()[c->source].path + " line " + c->line() + " (" +
                  c->role() + ")";
      }
    }
  }
  std::string msg = "cannot withdraw " + Describe(s) +
                    " alone: it was ingested in one statement call with " + names +
                    ", whose balance, continuity, overlap and mirror checks and joins were "
                    "computed together, and the store cannot recompute them without it";
  if (joined_count > 0) {
    msg += "; " + std::to_string(joined_count) +
           " transactions cite lines of it and of another source (a join may have set their "
           "fields from both lines)" + (joined_count > 10 ? ", the first 10:" : ":") + joined;
  }
  return FailedPreconditionError(msg + "\nwithdraw each source of that call, then ingest again "
                                       "the ones to keep");
}

// Hard-links every file of the state `m` (read from `raw`) into dir/history/gen-N, so that it
// stays readable as a store of its own. Returns the relative path.
Result<std::string> KeepHistory(const std::filesystem::path& dir, const Manifest& m,
                                const std::string& raw) {
  char name[32];
  std::snprintf(name, sizeof name, "gen-%06llu", static_cast<unsigned long long>(m.generation));
  const std::filesystem::path history = dir / "history";
  const std::filesystem::path final_dir = history / name;
  const std::filesystem::path tmp = history / (std::string(name) + ".tmp");
  std::error_code ec;
  std::filesystem::remove_all(tmp, ec);
  std::filesystem::remove_all(final_dir, ec);  // a withdrawal that died before its commit
  std::filesystem::create_directories(tmp / "segments", ec);
  if (ec) return IoError("cannot create " + tmp.string() + ": " + ec.message());
  auto link_dir = [&](const std::filesystem::path& from, const std::filesystem::path& to) -> Status {
    std::error_code e;
    std::filesystem::create_directories(to, e);
    if (e) return IoError("cannot create " + to.string() + ": " + e.message());
    for (const auto& entry : std::filesystem::directory_iterator(from, e)) {
      std::filesystem::create_hard_link(entry.path(), to / entry.path().filename(), e);
      if (e) {
        return IoError("cannot link " + entry.path().string() + " into the history: " + e.message());
      }
    }
    if (e) return IoError("cannot list " + from.string() + ": " + e.message());
    return SyncDirectory(to);
  };
  for (const SegmentRecord& seg : m.segments) {
    MT_RETURN_IF_ERROR(link_dir(store_internal::SegmentDir(dir, seg.name),
                                store_internal::SegmentDir(tmp, seg.name)));
  }
  if (m.holders) {
    MT_RETURN_IF_ERROR(link_dir(store_internal::HoldersDir(dir, m.holders->name),
                                store_internal::HoldersDir(tmp, m.holders->name)));
    MT_RETURN_IF_ERROR(SyncDirectory(tmp / store_internal::kHoldersDirName));
  }
  MT_RETURN_IF_ERROR(WriteFileDurably(tmp / store_internal::kManifestName, raw));
  MT_RETURN_IF_ERROR(SyncDirectory(tmp / "segments"));
  MT_RETURN_IF_ERROR(SyncDirectory(tmp));
  std::filesystem::rename(tmp, final_dir, ec);
  if (ec) return IoError("cannot rename " + tmp.string() + ": " + ec.message());
  MT_RETURN_IF_ERROR(SyncDirectory(history));
  MT_RETURN_IF_ERROR(SyncDirectory(dir));
  return "history/" + std::string(name);
}

}  // namespace

Result<WithdrawalRecord> StoreWriter::Withdraw(const WithdrawRequest& request) {
  Rep& r = *rep_;
  if (r.spill_lost || r.rewrite_failed) {
    return FailedPreconditionError("an earlier commit to " + r.dir.string() +
                                   " failed on this writer; open the store again");
  }
  if (pending_transaction_count() > 0 || !r.pending_sources.empty() ||
      !r.pending_attributes.empty() || !r.pending_commit_files.empty() ||
      r.dicts.accounts.size() != r.committed_accounts) {
    return FailedPreconditionError("store " + r.dir.string() +
                                   ": commit the pending rows before withdrawing a source");
  }
  if (request.reason.find_first_not_of(" \t\r\n") == std::string::npos) {
    return InvalidArgumentError("a withdrawal needs a reason (--reason TEXT): the custody record "
                                "says why the source was withdrawn");
  }
  const Manifest before = r.manifest;
  MT_ASSIGN_OR_RETURN(const uint32_t withdrawn, FindSource(before.sources, request.source));
  const SourceRecord& gone = before.sources[withdrawn];
  const uint32_t first_seg = gone.segment;
  std::vector<uint32_t> companions;  // the other sources of its commit
  for (const SourceRecord& s : before.sources) {
    if (s.segment == first_seg && s.index != withdrawn) companions.push_back(s.index);
  }
  std::string raw_manifest;
  MT_ASSIGN_OR_RETURN(Manifest reread, store_internal::ReadManifest(r.dir, &raw_manifest));
  (void)reread;
  MT_ASSIGN_OR_RETURN(Store old, Store::Open(r.dir));
  const SegmentRecord& own = before.segments[first_seg];
  if (!companions.empty() && !own.commit_files.empty()) {
    return RefuseSharedStatementCommit(old, gone, companions);
  }
  if (!companions.empty() && own.attributes > 0) {
    bool attribute_source = SetsAttributes(gone);
    for (uint32_t c : companions) attribute_source |= SetsAttributes(before.sources[c]);
    if (attribute_source) {
      return FailedPreconditionError(
          "cannot withdraw " + Describe(gone) + " alone: its commit set " +
          std::to_string(own.attributes) + " account attributes (labels, opening balances) "
          "with other sources, and the store does not record which source set which; withdraw "
          "every source of that commit, then ingest again the ones to keep");
    }
  }

  // From here the writer's state is reset to the kept segments: a failure poisons it.
  std::vector<std::filesystem::path> written;
  std::string history;
  auto fail = [&](Status s) -> Status {
    r.rewrite_failed = true;
    std::error_code ignored;
    for (const auto& d : written) std::filesystem::remove_all(d, ignored);
    return s;
  };
  Manifest next;
  next.generation = before.generation + 1;
  next.holders = before.holders;
  next.withdrawals = before.withdrawals;
  next.segments.assign(before.segments.begin(), before.segments.begin() + first_seg);
  for (const SourceRecord& s : before.sources) {
    if (s.segment < first_seg) next.sources.push_back(s);
  }
  next.transactions = own.first_transaction;
  for (const SegmentRecord& seg : next.segments) next.accounts += seg.accounts_added;
  if (Status s = r.LoadState(next); !s.ok()) return fail(s);

  const uint64_t old_count = old.transaction_count();
  // New id of each old row from own.first_transaction on (UINT64_MAX: withdrawn).
  std::vector<uint64_t> new_id(old_count - own.first_transaction, UINT64_MAX);
  std::vector<uint64_t> removed_before(old_count - own.first_transaction + 1, 0);
  WithdrawalRecord record;
  record.source = gone;
  record.reason = request.reason;
  record.by = request.by;
  record.previous_generation = before.generation;
  record.generation = next.generation;
  auto new_source = [&](uint32_t s) { return s < withdrawn ? s : s - 1; };
  uint64_t next_id = own.first_transaction;
  std::vector<AccountAttributes> scratch(old.account_count());
  for (uint32_t k = first_seg; k < before.segments.size(); ++k) {
    const SegmentRecord& seg = before.segments[k];
    // The withdrawn source's own commit, when it held nothing else, goes as a whole.
    const bool drop_all = k == first_seg && companions.empty();
    const auto source_file = old.source_file();
    for (uint64_t t = seg.first_transaction; t < seg.first_transaction + seg.transactions; ++t) {
      const uint64_t local = t - own.first_transaction;
      removed_before[local + 1] = removed_before[local];
      if (source_file[t] == withdrawn || drop_all) {
        ++record.transactions_removed;
        ++removed_before[local + 1];
        continue;
      }
      new_id[local] = next_id++;
      if (Status st = AppendRow(*this, old, t, new_source(source_file[t]), r.pending); !st.ok()) {
        return fail(st);
      }
    }
    if (drop_all) continue;
    // The commit's attributes, after its rows (as the statement ingest sets opening balances).
    if (Status st = CopyAttributes(*this, old, r.dir, seg, scratch); !st.ok()) return fail(st);
    auto renumber = [&](uint64_t t) {
      return t - removed_before[std::min<uint64_t>(t - own.first_transaction,
                                                   removed_before.size() - 1)];
    };
    for (const SourceRecord& s : before.sources) {
      if (s.segment != k || s.index == withdrawn) continue;
      SourceRecord copy = s;
      copy.index = new_source(s.index);
      copy.first_transaction = renumber(s.first_transaction);
      copy.rejects_file.clear();
      std::string rejects;
      if (!s.rejects_file.empty()) {
        Result<std::string> text = ReadFileToString(r.dir / s.rejects_file);
        if (!text.ok()) return fail(text.status());
        const size_t eol = text->find('\n');  // the header, which the commit writes again
        rejects = eol == std::string::npos ? std::string() : text->substr(eol + 1);
      }
      r.pending_sources.emplace_back(std::move(copy), std::move(rejects));
    }
    for (const std::string& name : seg.commit_files) {
      Result<std::string> text = old.ReadCommitFile(k, name);
      if (!text.ok()) return fail(text.status());
      if (name == kStatementLines) {
        Result<std::string> renumbered = RenumberStatementLines(
            seg.name, *text, withdrawn, old_count, own.first_transaction, new_id,
            record.citations_removed);
        if (!renumbered.ok()) return fail(renumbered.status());
        *text = std::move(*renumbered);
      }
      r.pending_commit_files.emplace_back(name, std::move(*text));
    }
    char name[40];
    std::snprintf(name, sizeof name, "seg-%06llu-%03u",
                  static_cast<unsigned long long>(next.generation), k - first_seg);
    written.push_back(store_internal::SegmentDir(r.dir, name));
    SegmentRecord rebuilt;
    if (Status s = r.WriteSegment(name, static_cast<uint32_t>(next.segments.size()),
                                  next.transactions, rebuilt);
        !s.ok()) {
      return fail(s);
    }
    next.transactions += rebuilt.transactions;
    next.segments.push_back(std::move(rebuilt));
    for (auto& [source, rejects] : r.pending_sources) next.sources.push_back(source);
    r.ClearPending();
    r.MarkCommitted();
  }
  next.accounts = r.dicts.accounts.size();
  if (request.keep_history) {
    Result<std::string> kept = KeepHistory(r.dir, before, raw_manifest);
    if (!kept.ok()) return fail(kept.status());
    written.push_back(r.dir / *kept);
    record.history = *kept;
  }
  if (Status s = r.Step("dictionaries"); !s.ok()) return fail(s);
  record.withdrawn_at = store_internal::NowIso();
  next.withdrawals.push_back(record);
  next.version = store_internal::WrittenVersion(next);
  if (Status s = store_internal::ReplaceManifest(
          r.dir, next, [&](std::string_view n) { return r.Step(n); });
      !s.ok()) {
    return fail(s);
  }
  // Committed. The replaced segments stay until the next writer removes them (as any segment
  // the manifest does not name), so that a reader that read the old MANIFEST can still open it.
  r.manifest = std::move(next);
  MT_RETURN_IF_ERROR(SyncDirectory(r.dir));
  MT_RETURN_IF_ERROR(r.Step("manifest-rename"));
  return record;
}

}  // namespace moneytrail::store
