// `moneytrail exhibit CASE_OR_STORE --subject S --out DIR [--key FILE] [--adjust FILE.csv]`:
// adapter over exhibit::WriteExhibit (docs/exhibits.md). Prints the signing key's fingerprint,
// never the key.
#include <fmt/format.h>

#include "moneytrail/exhibit.h"
#include "verb.h"

namespace {

using namespace moneytrail;

struct Options {
  std::string source, subject, out, key, adjust, number, preparer;
};

int Run(const Options& o) {
  if (Status st = cli::CheckOutputs(nullptr, {{"--out", o.out}, {"--key", o.key}}); !st.ok()) {
    return cli::ReportError("exhibit", st);
  }
  exhibit::ExhibitOptions eo{.source = o.source, .subject = o.subject, .out = o.out,
                             .key = o.key, .adjustments = o.adjust, .exhibit_number = o.number,
                             .preparer = o.preparer};
  Result<exhibit::ExhibitResult> r = exhibit::WriteExhibit(eo);
  if (!r.ok()) return cli::ReportError("exhibit", r.status());
  fmt::print("exhibit pack {}: {} schedule lines, {} files, signed\n", r->out.string(),
             r->schedule_lines, r->files.size());
  fmt::print("signing key {}{}: fingerprint {}\n", r->key.string(),
             r->key_created ? " (created now)" : "", r->fingerprint);
  for (const std::string& w : r->warnings) fmt::print(stderr, "warning: {}\n", w);
  fmt::print("verify and re-run: moneytrail reproduce {}\n", r->out.string());
  return cli::kExitOk;
}

void Setup(CLI::App& app, std::function<int()>& run) {
  auto o = std::make_shared<Options>();  // shared: owned by the parsed options and the action
  app.add_option("source", o->source, "Case directory (its custody.json names the store) or store")
      ->required();
  app.add_option("--subject", o->subject,
                 "Account label (BANK:NUMBER, several space-separated), or with a case a subject "
                 "id or rank of subjects.csv")
      ->required();
  app.add_option("--out", o->out, "Pack directory to create (new or empty)")->required();
  app.add_option("--key", o->key,
                 "Ed25519 signing key file (created, mode 0600, when absent); default "
                 "$MONEYTRAIL_KEY or ~/.config/moneytrail/exhibit-ed25519.key");
  app.add_option("--adjust", o->adjust,
                 "Manual inclusions/exclusions CSV: transaction,action,who,when,why");
  app.add_option("--exhibit-number", o->number, "Exhibit number on the certification (default 1)");
  app.add_option("--preparer", o->preparer, "Who prepared the pack");
  run = [o] { return Run(*o); };
}

const moneytrail::cli::VerbRegistration kExhibit(
    "exhibit", "Freeze one subject's analysis as a signed exhibit pack that reproduces", Setup);

}  // namespace
