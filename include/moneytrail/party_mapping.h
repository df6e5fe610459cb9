// KYC by mapping: a bank's own customer or signature-card export (CSV: name, date of birth,
// address, phone, e-mail, identity number, the accounts held) read through a small TOML mapping,
// as transactions are (docs/format/party-mapping.md), into the KYC layout that `moneytrail
// generate` writes and every KYC reader takes: parties.csv and accounts.csv
// (docs/resolve.md). Statement banners fill the holder of an account no export names
// (`[banner] holder`, stored with the ingest that read the statement); every account row says
// where its holder came from (`holder_source`), and the custody record keeps each export's
// SHA-256, its mapping and its rejected rows.
//
// Example:
//   MT_ASSIGN_OR_RETURN(PartyExport kyc, ReadPartyExports({"signature-cards.csv"}, {"bank.toml"}));
//   MT_ASSIGN_OR_RETURN(std::vector<BannerHolder> banners, BannerHolders(store));
//   AddBannerHolders(banners, kyc);
//   // write kyc.parties_csv, kyc.accounts_csv, kyc.CustodyJson() to a directory; then
//   // `moneytrail resolve DIR/parties.csv --store STORE` attaches them.
#ifndef MONEYTRAIL_PARTY_MAPPING_H_
#define MONEYTRAIL_PARTY_MAPPING_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "moneytrail/ingest.h"
#include "moneytrail/status.h"
#include "moneytrail/store.h"

namespace moneytrail {

// One export file as read.
struct PartySource {
  std::string path;
  std::string sha256;         // of the original bytes
  std::string mapping;        // "PATH sha256:HEX" of the mapping used
  std::string encoding;       // the mapping's declared encoding
  uint64_t rows_read = 0;     // rows_read == rows_accepted + rows_rejected
  uint64_t rows_accepted = 0;
  uint64_t rows_rejected = 0;
  uint64_t accounts = 0;      // account rows it produced
};

// A holder named by a statement's banner (`[banner] holder`), as the ingest stored it.
struct BannerHolder {
  std::string bank, account;  // the statement account
  std::string holder;         // the name as printed
  std::string source;         // the statement file's path
  uint64_t line = 0;          // the banner line that names the holder
};

// The KYC tables made from exports (and banners), in the native layout.
struct PartyExport {
  // party_id,kind,first_name,middle_name,last_name,business_name,date_of_birth,address,city,
  // region,postcode,country,phone,email,id_number,industry_code,source,line
  std::string parties_csv;
  // bank,account,kind,holder_party_id,opened,holder_source: holder_source is "export FILE:LINE"
  // or "statement banner FILE:LINE".
  std::string accounts_csv;
  std::vector<PartySource> sources;
  std::vector<RejectedRow> rejects;  // every rejected row, with file, line, field and reason
  std::vector<BannerHolder> banner_holders_used;
  uint64_t parties = 0;
  uint64_t accounts = 0;
  // The custody record (JSON): the sources, the banner holders used, the rejects.
  std::string CustodyJson() const;
};

// Reads each file with the one mapping of `mappings` that fits it (its header is found and has
// every named column; none or several fitting is an error naming the file and each misfit).
// A row that cannot be read (no name, a kind the mapping does not know, a bad date of birth,
// invalid bytes, an account listed twice) is rejected with its reason; the call fails when
// more than `max_rejects` rows are rejected in all, or when a file has rows of which none is
// accepted. Errors: NotFound (a missing file or mapping), InvalidArgument (a mapping error naming
// the key and the nearest valid one, a file no mapping fits, too many rejects).
Result<PartyExport> ReadPartyExports(const std::vector<std::filesystem::path>& files,
                                     const std::vector<std::filesystem::path>& mappings,
                                     uint64_t max_rejects = 1000);

// The banner holders stored by every statement ingest of `store` (commit files
// statement-holders.csv), in commit order. DataLoss when one is malformed.
Result<std::vector<BannerHolder>> BannerHolders(const store::Store& store);

// Adds a party and an account row for each banner holder whose account no row of `kyc` names
// (the first banner per account wins); kind "business" when the name ends in a company word
// (LLC, INC, CORP, ...), else "person" with the name split into first, middle and last.
// Records each one used in kyc.banner_holders_used.
void AddBannerHolders(const std::vector<BannerHolder>& banners, PartyExport& kyc);

}  // namespace moneytrail

#endif  // MONEYTRAIL_PARTY_MAPPING_H_
