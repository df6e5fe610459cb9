#include "moneytrail/export.h"

#include <cstdio>
#include <memory>

#include "moneytrail/csv.h"
#include "moneytrail/safe_text.h"
#include "moneytrail/time_format.h"

namespace moneytrail {
namespace {

std::string_view IbmPaymentFormat(Channel c) {
  switch (c) {
    case Channel::kReinvestment: return "Reinvestment";
    case Channel::kCheque: return "Cheque";
    case Channel::kCard: return "Credit Card";
    case Channel::kAch: return "ACH";
    case Channel::kCash:
    case Channel::kCashDeposit:
    case Channel::kCashWithdrawal: return "Cash";
    case Channel::kCrypto: return "Bitcoin";
    default: return "Wire";
  }
}

class BufferedFile {
 public:
  static Result<std::unique_ptr<BufferedFile>> Create(const std::filesystem::path& path) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) return ErrnoError("cannot create " + path.string(), errno);
    return std::unique_ptr<BufferedFile>(new BufferedFile(f, path));
  }
  ~BufferedFile() {
    if (file_ != nullptr) std::fclose(file_);
  }
  Status Write(std::string& buffer, bool force) {
    if (!force && buffer.size() < (1 << 20)) return Status::Ok();
    if (std::fwrite(buffer.data(), 1, buffer.size(), file_) != buffer.size()) {
      return ErrnoError("cannot write " + path_.string(), errno);
    }
    buffer.clear();
    return Status::Ok();
  }
  Status Close() {
    int rc = std::fclose(file_);
    file_ = nullptr;
    if (rc != 0) return ErrnoError("cannot write " + path_.string(), errno);
    return Status::Ok();
  }

 private:
  BufferedFile(std::FILE* f, std::filesystem::path p) : file_(f), path_(std::move(p)) {}
  std::FILE* file_;
  std::filesystem::path path_;
};

Status WriteExport(const store::Store& store, const std::filesystem::path& out,
                   const std::filesystem::path& tmp, ExportFormat format, const ExportOptions& options) {
  // Text cells only: numbers below are appended directly and stay numeric.
  const auto text = [&](std::string_view value, std::string& buf) {
    if (options.verbatim) {
      AppendCsvField(value, buf);
    } else {
      AppendSpreadsheetCsvField(value, buf);
    }
  };
  MT_ASSIGN_OR_RETURN(std::unique_ptr<BufferedFile> file, BufferedFile::Create(tmp));
  std::string buf;
  if (format == ExportFormat::kNative) {
    buf += "timestamp,source_kind,source_bank,source_account,dest_kind,dest_bank,dest_account,"
           "amount_paid,currency_paid,amount_received,currency_received,channel,city,region,"
           "country,mcc,counterparty,is_laundering,typology\n";
  } else {
    buf += "Timestamp,From Bank,Account,To Bank,Account,Amount Received,Receiving Currency,"
           "Amount Paid,Payment Currency,Payment Format,Is Laundering\n";
  }
  for (TransactionId t = 0; t < store.transaction_count(); ++t) {
    const store::AccountKey& src = store.account(store.source()[t]);
    const store::AccountKey& dst = store.account(store.destination()[t]);
    Label label = static_cast<Label>(store.label()[t]);
    if (format == ExportFormat::kNative) {
      buf += FormatIsoTime(store.time()[t]);
      buf += ',';
      buf += NodeKindName(src.kind);
      buf += ',';
      text(src.bank, buf);
      buf += ',';
      text(src.number, buf);
      buf += ',';
      buf += NodeKindName(dst.kind);
      buf += ',';
      text(dst.bank, buf);
      buf += ',';
      text(dst.number, buf);
      buf += ',';
      AppendDecimal(store.amount_paid(t), buf);
      buf += ',';
      text(store.currency(store.paid_currency()[t]), buf);
      buf += ',';
      AppendDecimal(store.amount_received(t), buf);
      buf += ',';
      text(store.currency(store.received_currency()[t]), buf);
      buf += ',';
      buf += ChannelName(static_cast<Channel>(store.channel()[t]));
      buf += ',';
      const store::Location& loc = store.location_entry(store.location()[t]);
      text(store.string(loc.city), buf);
      buf += ',';
      text(store.string(loc.region), buf);
      buf += ',';
      text(store.string(loc.country), buf);
      buf += ',';
      if (store.mcc()[t] != store::kNoMcc) {
        char mcc[8];
        std::snprintf(mcc, sizeof mcc, "%04u", static_cast<unsigned>(store.mcc()[t]));
        buf += mcc;
      }
      buf += ',';
      text(store.string(store.counterparty()[t]), buf);
      buf += ',';
      if (label != Label::kUnknown) buf += label == Label::kLaundering ? '1' : '0';
      buf += ',';
      text(store.string(store.typology()[t]), buf);
      buf += '\n';
    } else {
      buf += FormatIbmTime(store.time()[t]);
      buf += ',';
      text(src.bank, buf);
      buf += ',';
      text(src.number, buf);
      buf += ',';
      text(dst.bank, buf);
      buf += ',';
      text(dst.number, buf);
      buf += ',';
      AppendDecimal(store.amount_received(t), buf);
      buf += ',';
      text(store.currency(store.received_currency()[t]), buf);
      buf += ',';
      AppendDecimal(store.amount_paid(t), buf);
      buf += ',';
      text(store.currency(store.paid_currency()[t]), buf);
      buf += ',';
      buf += IbmPaymentFormat(static_cast<Channel>(store.channel()[t]));
      buf += ',';
      buf += label == Label::kLaundering ? '1' : '0';
      buf += '\n';
    }
    MT_RETURN_IF_ERROR(file->Write(buf, false));
  }
  MT_RETURN_IF_ERROR(file->Write(buf, true));
  MT_RETURN_IF_ERROR(file->Close());
  std::error_code ec;
  std::filesystem::rename(tmp, out, ec);
  if (ec) return IoError("cannot rename " + tmp.string() + " to " + out.string() + ": " + ec.message());
  return Status::Ok();
}

}  // namespace

Status ExportTransactions(const store::Store& store, const std::filesystem::path& out,
                          ExportFormat format, const ExportOptions& options) {
  std::filesystem::path tmp = out;
  tmp += ".tmp";
  Status s = WriteExport(store, out, tmp, format, options);
  if (!s.ok()) {
    std::error_code ignored;  // a failed export leaves no partial file (export.h)
    std::filesystem::remove(tmp, ignored);
  }
  return s;
}

}  // namespace moneytrail
