// `moneytrail kyc [EXPORT.csv...] --map M.toml --out DIR [--store STORE]`: KYC by mapping
// (docs/format/party-mapping.md). Reads a bank's customer or signature-card exports through
// their mappings into DIR/parties.csv and DIR/accounts.csv (the layout `moneytrail generate`
// writes and `resolve`, `scan`, `investigate --parties` read), with --store adds the holders
// named by the store's statement banners for accounts no export names, and writes the custody
// record DIR/kyc-custody.json. Then `moneytrail resolve DIR/parties.csv --store STORE` attaches
// them. A thin adapter over moneytrail/party_mapping.h.
#include <fmt/format.h>

#include <filesystem>
#include <memory>

#include "moneytrail/file_util.h"
#include "moneytrail/party_mapping.h"
#include "moneytrail/store.h"
#include "verb.h"

namespace {

struct Options {
  std::vector<std::string> files;
  std::vector<std::string> maps;
  std::string out;
  std::string store;
  uint64_t max_rejects = 1000;
};

moneytrail::Status Run(const Options& o) {
  using namespace moneytrail;
  if (o.files.empty() && o.store.empty()) {
    return InvalidArgumentError("give customer exports (with --map), --store STORE (its statement banners' holders), or both");
  }
  if (!o.files.empty() && o.maps.empty()) {
    return InvalidArgumentError("give the exports' mapping: --map FILE.toml (docs/format/party-mapping.md)");
  }
  PartyExport kyc;
  if (!o.files.empty()) {
    std::vector<std::filesystem::path> files(o.files.begin(), o.files.end());
    std::vector<std::filesystem::path> maps(o.maps.begin(), o.maps.end());
    MT_ASSIGN_OR_RETURN(kyc, ReadPartyExports(files, maps, o.max_rejects));
  }
  if (!o.store.empty()) {
    MT_ASSIGN_OR_RETURN(store::Store store, store::Store::Open(o.store));
    MT_ASSIGN_OR_RETURN(std::vector<BannerHolder> banners, BannerHolders(store));
    AddBannerHolders(banners, kyc);
  }
  if (kyc.parties == 0) {
    return InvalidArgumentError("no party: the exports hold none and no statement banner of the store names a holder");
  }
  const std::filesystem::path dir(o.out);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return IoError(o.out + ": cannot create the directory: " + ec.message());
  MT_RETURN_IF_ERROR(WriteFileAtomically(dir / "parties.csv", kyc.parties_csv));
  MT_RETURN_IF_ERROR(WriteFileAtomically(dir / "accounts.csv", kyc.accounts_csv));
  MT_RETURN_IF_ERROR(WriteFileAtomically(dir / "kyc-custody.json", kyc.CustodyJson()));
  for (const PartySource& s : kyc.sources) {
    fmt::print("{}: {} rows read, {} accepted, {} rejected, {} accounts  (sha256 {})\n", s.path,
               s.rows_read, s.rows_accepted, s.rows_rejected, s.accounts, s.sha256.substr(0, 16));
    fmt::print("  mapping: {}\n", s.mapping.substr(0, s.mapping.rfind(" sha256:")));
  }
  for (const BannerHolder& h : kyc.banner_holders_used) {
    fmt::print("{}:{}: holder {} from the statement banner at {}:{}\n", h.bank, h.account, h.holder,
               h.source, h.line);
  }
  for (const RejectedRow& r : kyc.rejects) fmt::print(stderr, "rejected: {}\n", r.ToString());
  fmt::print("wrote {} parties and {} accounts to {} (parties.csv, accounts.csv, kyc-custody.json)\n",
             kyc.parties, kyc.accounts, o.out);
  if (!o.store.empty()) {
    fmt::print("attach them: moneytrail resolve {} --store {}\n", (dir / "parties.csv").string(), o.store);
  }
  return Status::Ok();
}

void Setup(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<Options>();  // shared: owned by the parsed options and the action
  app.add_option("files", o->files, "Customer or signature-card exports (CSV)");
  app.add_option("--map", o->maps,
                 "TOML mapping of the exports (docs/format/party-mapping.md); repeat it for several "
                 "layouts: each file is read with the one that fits it");
  app.add_option("--out", o->out, "Directory for parties.csv, accounts.csv and kyc-custody.json")->required();
  app.add_option("--store", o->store,
                 "Also take the holders named by this store's statement banners, for accounts no export names");
  app.add_option("--max-rejects", o->max_rejects, "Fail if more rows than this are rejected")->default_val(1000);
  run = [o] {
    moneytrail::Status s = Run(*o);
    return s.ok() ? moneytrail::cli::kExitOk : moneytrail::cli::ReportError("kyc", s);
  };
}

const moneytrail::cli::VerbRegistration kKyc(
    "kyc", "Read customer / signature-card exports through a mapping into parties.csv and accounts.csv",
    Setup);

}  // namespace
