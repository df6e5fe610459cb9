// `moneytrail withdraw --store S --source FILE|SHA256 --reason TEXT [--by NAME]`: adapter over
// store::StoreWriter::Withdraw (docs/format/store.md, Withdrawing a source).
#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <filesystem>

#include "moneytrail/file_util.h"
#include "moneytrail/json_text.h"
#include "moneytrail/store.h"
#include "verb.h"

namespace {

struct Options {
  std::string store;
  std::string source;
  std::string reason;
  std::string by;
  bool no_history = false;
  bool json = false;
};

// The user running moneytrail, for the custody record when --by is not given.
std::string UserName() {
  if (const passwd* pw = ::getpwuid(::geteuid()); pw != nullptr && pw->pw_name != nullptr) {
    return pw->pw_name;
  }
  return "uid " + std::to_string(::geteuid());
}

int Run(const Options& o) {
  using namespace moneytrail;
  if (!std::filesystem::exists(std::filesystem::path(o.store) / "MANIFEST")) {
    return cli::ReportError("withdraw", NotFoundError("no store at " + o.store));
  }
  Result<std::unique_ptr<store::StoreWriter>> w = store::StoreWriter::Open(o.store);
  if (!w.ok()) return cli::ReportError("withdraw", w.status());
  store::WithdrawRequest request{.source = o.source,
                                 .reason = o.reason,
                                 .by = o.by.empty() ? UserName() : o.by,
                                 .keep_history = !o.no_history};
  // A file given by path: its recorded (absolute) path, or failing that its SHA-256 (a source
  // moved since it was ingested).
  std::error_code ec;
  const bool is_file = std::filesystem::is_regular_file(o.source, ec);
  if (is_file) request.source = std::filesystem::absolute(o.source).lexically_normal().string();
  Result<store::WithdrawalRecord> r = (*w)->Withdraw(request);
  if (!r.ok() && r.status().code() == StatusCode::kNotFound && is_file) {
    Result<std::string> bytes = ReadFileToString(o.source);
    if (!bytes.ok()) return cli::ReportError("withdraw", bytes.status());
    request.source = Sha256Hex(*bytes);
    r = (*w)->Withdraw(request);
  }
  if (!r.ok()) return cli::ReportError("withdraw", r.status());
  if (o.json) {
    nlohmann::json j = {{"store", o.store},
                        {"path", r->source.path},
                        {"sha256", r->source.sha256},
                        {"transactions_removed", r->transactions_removed},
                        {"citations_removed", r->citations_removed},
                        {"reason", r->reason},
                        {"by", r->by},
                        {"withdrawn_at", r->withdrawn_at},
                        {"generation", r->generation},
                        {"previous_generation", r->previous_generation},
                        {"history", r->history}};
    fmt::print("{}\n", JsonText(j, 2));
    return cli::kExitOk;
  }
  fmt::print("withdrew {} (sha256 {}): {} transactions removed{}; generation {} -> {}\n",
             r->source.path, r->source.sha256, r->transactions_removed,
             r->citations_removed == 0 ? ""
                                       : fmt::format(", {} citations removed", r->citations_removed),
             r->previous_generation, r->generation);
  if (!r->history.empty()) {
    fmt::print("previous generation kept readable in {}\n",
               (std::filesystem::path(o.store) / r->history).string());
  }
  return cli::kExitOk;
}

void Setup(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<Options>();  // shared: owned by the parsed options and the action
  app.add_option("--store", o->store, "Store directory")->required();
  app.add_option("--source", o->source,
                 "The source to withdraw: its file (recorded path, or the same bytes), its "
                 "SHA-256, or a prefix of at least 8 hex digits")
      ->required();
  app.add_option("--reason", o->reason, "Why it is withdrawn (kept in the custody record)")
      ->required();
  app.add_option("--by", o->by, "Who withdraws it (default: the user running moneytrail)");
  app.add_flag("--no-history", o->no_history,
               "Do not keep the previous generation readable under STORE/history/");
  app.add_flag("--json", o->json, "Print the withdrawal record as JSON");
  run = [o] { return Run(*o); };
}

const moneytrail::cli::VerbRegistration kWithdraw(
    "withdraw",
    "Withdraw an ingested source from a store in a new generation, with a custody record of "
    "who, when and why (it can then be ingested again)",
    Setup);

}  // namespace
