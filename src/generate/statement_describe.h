// The description text of a bank statement line (`--statements`, docs/generator.md
// "Statements"): each of the three statement banks writes a transaction in its own words, in the
// common US forms ("CASH DEPOSIT BR 3355 INDIANAPOLIS IN", "WIRE OUT BNF:... BBK:... MX",
// "ZELLE FROM JOSE LUNA", "CHECK #1043", ...), carrying the channel, the counterparty's name,
// the branch or merchant city and state, the country of a wire's other side, check numbers, the
// last four digits of a counterparty account and a reference shared by both sides of a transfer.
#ifndef MONEYTRAIL_SRC_GENERATE_STATEMENT_DESCRIBE_H_
#define MONEYTRAIL_SRC_GENERATE_STATEMENT_DESCRIBE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "generate/tx.h"
#include "generate/world.h"

namespace moneytrail::generate_internal {

// The statement layouts, one per statement bank (bank index 0, 1, 2 of the world).
enum class Layout : uint8_t {
  kFirstCoast,  // big national bank: Date,Description,Debit,Credit,Balance; $2,500.00; UTF-8
  kPrairie,     // credit union: banner, signed amounts + CR/DR, 2-digit years, Windows-1252
  kSonoran,     // regional bank: ISO dates, (50.00) debits, check and reference columns, totals
};
inline constexpr int kLayoutCount = 3;

// Folder and display name of a layout ("firstcoast", "First Coast National Bank").
std::string_view LayoutFolder(Layout layout);
std::string_view BankDisplayName(Layout layout);

struct LineText {
  std::string description;  // UTF-8 (kPrairie's may hold accented letters)
  std::string reference;    // shared by both sides of a transfer; empty for cash and card rows
  uint32_t check_number = 0;  // cheques only
};

// The words of `layout`'s statement for transaction `tx` (world id `id`) on the statement of
// its source (`debit`) or destination account. Deterministic in (seed, id).
LineText Describe(const World& world, Layout layout, const Tx& tx, uint64_t id, bool debit, uint64_t seed);

// kPrairie's spelling of a name: accented letters where the name has them in Spanish
// ("María López"), UTF-8.
std::string Accented(std::string_view name);

// ASCII upper case (kFirstCoast and kSonoran print names in capitals).
std::string Upper(std::string_view s);

}  // namespace moneytrail::generate_internal

#endif  // MONEYTRAIL_SRC_GENERATE_STATEMENT_DESCRIBE_H_
