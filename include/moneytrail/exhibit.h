// Exhibit packs that reproduce (issue 21, item 5; docs/exhibits.md). An exhibit pack freezes one
// subject's analysis in a directory: the configuration that made it (exhibit.json: the store,
// its manifest SHA-256, the subject's accounts, every manual inclusion or exclusion with who,
// when and why, the engine version), the schedules computed from the records (a chronological
// transaction schedule and a monthly summary, FRE 1006 summaries), the exact source rows behind
// every schedule line with their files' SHA-256, an XLSX companion, FollowTheMoney entities of
// the subject's money, a FRE 902(14) certification template listing every file, its hash and the
// method, and optionally the case's report.pdf. MANIFEST.json lists every file with its SHA-256
// and is signed with Ed25519 (libsodium) into MANIFEST.sig.
//
// Reproduce verifies the signature and every file's hash, then re-runs the analysis from the
// store and configuration the pack names and compares each reproduced file byte for byte.
//
// Example:
//   exhibit::ExhibitOptions o{.source = "case", .subject = "E3727", .out = "exhibit-1",
//                             .key = "exhibit.key"};
//   MT_ASSIGN_OR_RETURN(exhibit::ExhibitResult r, exhibit::WriteExhibit(o));
//   MT_ASSIGN_OR_RETURN(exhibit::ReproduceResult check, exhibit::Reproduce("exhibit-1"));
//   if (!check.identical()) std::cout << check.Text();
//
// Thread safety: the functions share no state; two writers must not use the same --out.
#ifndef MONEYTRAIL_EXHIBIT_H_
#define MONEYTRAIL_EXHIBIT_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "moneytrail/status.h"

namespace moneytrail::exhibit {

// ---- Signing keys (Ed25519, libsodium) -------------------------------------------------------

struct SigningKey {
  std::string secret;  // crypto_sign_SECRETKEYBYTES raw bytes; never printed or written to a pack
  std::string public_key;  // crypto_sign_PUBLICKEYBYTES raw bytes
};

// The key at `path`, or a new one written there (mode 0600, parent directories created) when no
// file exists. The file holds one line: "moneytrail-ed25519-secret-key " + 128 hex digits.
// DataLoss names the path when the file is not such a key; IoError when it cannot be written.
Result<SigningKey> LoadOrCreateKey(const std::filesystem::path& path);
// Where a key lives when --key is not given: $MONEYTRAIL_KEY, else
// $XDG_CONFIG_HOME/moneytrail/exhibit-ed25519.key, else $HOME/.config/moneytrail/....
std::filesystem::path DefaultKeyPath();
// "SHA256:" + the first 32 hex digits of SHA-256(public key), in groups of four.
std::string Fingerprint(std::string_view public_key);
// The detached signature (raw bytes) of `message`.
std::string Sign(const SigningKey& key, std::string_view message);
// True when `signature` is `public_key`'s signature of `message`.
bool Verify(std::string_view public_key, std::string_view message, std::string_view signature);

// ---- Packs ---------------------------------------------------------------------------------

struct ExhibitOptions {
  // A case directory (its custody.json names the store; the subject may then be an entity or
  // a rank of subjects.csv, and the case's report.pdf is frozen in the pack) or a store.
  std::filesystem::path source;
  // An account label ("011:826A9593B"), several separated by spaces, or with a case an entity
  // id ("E3727") or rank ("1") of its subjects.csv.
  std::string subject;
  std::filesystem::path out;  // created; must not exist or be empty
  std::filesystem::path key;  // empty: DefaultKeyPath()
  // Manual inclusions and exclusions, CSV: transaction,action,who,when,why (action "include"
  // or "exclude"; every field required). Empty: none.
  std::filesystem::path adjustments;
  std::string exhibit_number;  // printed on the certification; empty: "1"
  std::string preparer;        // who prepared the pack (the certification's declarant)
  // Creation time written to the configuration (seconds since 1970); 0: SOURCE_DATE_EPOCH or now.
  int64_t created = 0;
};

struct ExhibitResult {
  std::filesystem::path out;
  std::string fingerprint;     // the signing key's
  std::filesystem::path key;   // where the key is
  bool key_created = false;
  uint64_t schedule_lines = 0;
  std::vector<std::string> files;     // relative names, as MANIFEST.json lists them
  std::vector<std::string> warnings;  // e.g. a source file missing: its rows are not in the pack
};

// Writes the pack. InvalidArgument for an unknown subject or a bad adjustments row (file, line,
// field, value); FailedPrecondition when `out` exists and is not empty.
Result<ExhibitResult> WriteExhibit(const ExhibitOptions& options);

struct Difference {
  std::string file;
  std::string what;  // "SHA-256 differs from MANIFEST.json", "line 12: expected ..., got ..."
};

struct ReproduceResult {
  bool signature_valid = false;
  std::string fingerprint;  // of the key that signed the pack
  uint64_t files_checked = 0;
  uint64_t files_reproduced = 0;
  uint64_t case_files_compared = 0;  // case files re-run through the investigation's stages
  std::vector<Difference> tampered;      // a file whose bytes differ from the signed manifest
  std::vector<Difference> differences;   // a reproduced file that differs from the pack's
  std::vector<std::string> notes;        // e.g. report.pdf is frozen, not re-run
  bool identical() const { return signature_valid && tampered.empty() && differences.empty(); }
  // A report in words, one finding per line.
  std::string Text() const;
};

// Re-runs the investigation a case's custody.json describes, every stage in order with its
// manual exclusions and inclusions, and returns the case files that differ (file, what) and
// notes. `case_custody` is the text of the pack's case-custody.json. Supplied by the caller
// (the CLI passes cases::RerunCase) so that this module depends on no analysis module. An error
// when the investigation cannot run at all.
// `case_dir` is the case directory the pack was made from (exhibit.json's case_dir), where the
// recorded files may still be read to name the first differing line.
using CaseRerunner = std::function<Result<std::vector<Difference>>(
    std::string_view case_custody, const std::filesystem::path& case_dir,
    std::vector<std::string>& notes, uint64_t& files_compared)>;

// Verifies `dir` and re-runs its analysis (see the file comment); when the pack was made from a
// case (it holds case-custody.json) and `rerun_case` is given, also re-runs the case's
// investigation through its stages and reports each case file that differs as
// "case/<path>". An error only when the pack cannot be read at all (no MANIFEST.json, or a
// configuration that names no readable store); every other finding is in the result.
Result<ReproduceResult> Reproduce(const std::filesystem::path& dir, const CaseRerunner& rerun_case = {});

}  // namespace moneytrail::exhibit

#endif  // MONEYTRAIL_EXHIBIT_H_
