#include "generate/statement_describe.h"

#include <fmt/format.h>

#include <array>

#include "generate/csv_writer.h"
#include "generate/rng.h"
#include "generate/tables.h"

namespace moneytrail::generate_internal {
namespace {

// What a line says, before the layout's words.
enum Kind : uint8_t {
  kCashDepositBranch, kCashDepositAtm, kCashWithdrawalBranch, kCashWithdrawalAtm,
  kWireOut, kWireIn, kAchPayrollIn, kAchIn, kAchOut, kZelleOut, kZelleIn, kCard,
  kCheckOut, kCheckIn, kTransferOut, kTransferIn, kTransmitterOut, kTransmitterIn, kKindCount,
};

// The three banks' words for each kind; named fields: name, acct (" ACCT ...1234" or empty),
// branch, atm, city, st, bank, cc, wcc (a wire's country: cc, or alpha-3 where cc is also a US
// state code), ref, check, mt, purpose.
using Words = std::array<std::string_view, kKindCount>;
constexpr Words kFirstCoastWords = {
    "CASH DEPOSIT BR {branch} {city} {st}", "ATM CASH DEPOSIT {atm} {city} {st}",
    "CASH WITHDRAWAL BR {branch} {city} {st}", "ATM WITHDRAWAL {atm} {city} {st}",
    "WIRE OUT BNF:{name}{acct} BBK:{bank} {wcc} REF:{ref}", "WIRE IN ORIG:{name}{acct} OGB:{bank} {wcc} REF:{ref}",
    "ACH CREDIT {name} PAYROLL{acct} REF:{ref}", "ACH CREDIT {name} {purpose}{acct} REF:{ref}",
    "ACH DEBIT {name} {purpose}{acct} REF:{ref}", "ZELLE TO {name}{acct} REF:{ref}",
    "ZELLE FROM {name}{acct} REF:{ref}", "POS PURCHASE {name} {city} {st}",
    "CHECK #{check}", "DEPOSIT CHECK #{check} {name}{acct}",
    "ONLINE TRANSFER TO {name}{acct} REF:{ref}", "ONLINE TRANSFER FROM {name}{acct} REF:{ref}",
    "{mt} TO {name}{acct} {cc} REF:{ref}", "{mt} FROM {name}{acct} {cc} REF:{ref}"};
constexpr Words kPrairieWords = {
    "Cash Deposit Branch {branch} {city} {st}", "ATM Cash Deposit {atm} {city} {st}",
    "Cash Withdrawal Branch {branch} {city} {st}", "ATM Withdrawal {atm} {city} {st}",
    "Wire Out BNF:{name}{acct} BBK:{bank} {wcc}", "Wire In ORIG:{name}{acct} OGB:{bank} {wcc}",
    "ACH Credit {name} Payroll{acct}", "ACH Credit {name} {purpose}{acct}",
    "ACH Debit {name} {purpose}{acct}", "Zelle Payment To {name}{acct}",
    "Zelle Payment From {name}{acct}", "Debit Card Purchase {name} {city} {st}",
    "Check #{check} Paid To {name}{acct}", "Check Deposit #{check} {name}{acct}",
    "Transfer To {name}{acct}", "Transfer From {name}{acct}",
    "{mt} To {name}{acct} {cc}", "{mt} From {name}{acct} {cc}"};
constexpr Words kSonoranWords = {
    "CASH DEPOSIT - BRANCH {branch} - {city}, {st}", "ATM DEPOSIT - {atm} - {city}, {st}",
    "CASH WITHDRAWAL - BRANCH {branch} - {city}, {st}", "ATM WITHDRAWAL - {atm} - {city}, {st}",
    "WIRE TRANSFER OUT BNF:{name}{acct} BBK:{bank} {wcc}", "WIRE TRANSFER IN ORIG:{name}{acct} OGB:{bank} {wcc}",
    "ACH DEPOSIT {name} PAYROLL{acct}", "ACH DEPOSIT {name} {purpose}{acct}",
    "ACH WITHDRAWAL {name} {purpose}{acct}", "ZELLE SENT TO {name}{acct}",
    "ZELLE RECEIVED FROM {name}{acct}", "CARD PURCHASE {name} {city} {st}",
    "CHECK #{check} PAYEE {name}{acct}", "DEPOSITED CHECK #{check} {name}{acct}",
    "INTERNAL TRANSFER TO {name}{acct}", "INTERNAL TRANSFER FROM {name}{acct}",
    "{mt} SENT TO {name}{acct} {cc}", "{mt} RECEIVED FROM {name}{acct} {cc}"};

constexpr std::string_view kAcctForm[kLayoutCount] = {" ACCT ...{}", " Acct ...{}", " ACCT *{}"};

// Spanish names of the world's name tables as a Spanish-speaking credit union member writes them.
constexpr std::pair<std::string_view, std::string_view> kAccents[] = {
    {"Jose", "José"},         {"Maria", "María"},       {"Lucia", "Lucía"},         {"Sofia", "Sofía"},
    {"Ramon", "Ramón"},       {"Hernandez", "Hernández"}, {"Lopez", "López"},       {"Gonzalez", "González"},
    {"Perez", "Pérez"},       {"Sanchez", "Sánchez"},   {"Ramirez", "Ramírez"},     {"Gomez", "Gómez"},
    {"Diaz", "Díaz"},         {"Gutierrez", "Gutiérrez"}, {"Alvarez", "Álvarez"},   {"Jimenez", "Jiménez"},
    {"Vasquez", "Vásquez"},   {"Martinez", "Martínez"}, {"Rodriguez", "Rodríguez"}, {"Chavez", "Chávez"},
    {"Muller", "Müller"},     {"Nunez", "Núñez"},       {"Ibanez", "Ibáñez"},       {"Peña", "Peña"}};

struct Side {
  std::string name;
  std::string last4;  // of an account in the world or an outside account; empty otherwise
  std::string bank;
  std::string_view cc = "US";
  uint32_t city = 0xFFFF;
};

std::string Unquote(std::string_view s) {
  if (s.size() < 2 || s.front() != '"') return std::string(s);
  std::string out;
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    out += s[i];
    if (s[i] == '"') ++i;
  }
  return out;
}

std::string CounterpartyBank(const World& world, uint32_t bank) {
  if (bank < kLayoutCount) return Upper(BankDisplayName(static_cast<Layout>(bank)));
  return fmt::format("BANK {}", world.bank_id(bank));
}

Side Describe(const World& world, uint32_t node_index) {
  const Node& node = world.nodes()[node_index];
  Side side;
  side.city = node.city;
  if (node.kind == NodeKind::kAccount) {
    const Account& account = world.accounts()[node.account];
    side.name = PartyName(world, account.party);
    const std::string number = AccountNumber(node.account);
    side.last4 = number.substr(number.size() - 4);
    side.bank = CounterpartyBank(world, account.bank);
    return side;
  }
  side.name = Unquote(world.Name(node_index));
  std::string_view key = world.Key(node_index);
  size_t colon = key.find(':');
  if (node.kind == NodeKind::kExternal) {
    side.bank = std::string(key.substr(0, colon));
    if (key.size() - colon - 1 >= 4) side.last4 = std::string(key.substr(key.size() - 4));
    if (node.country != 0xFF) side.cc = Countries()[node.country].code;
  }
  return side;
}

bool IsPerson(const World& world, uint32_t node) {
  const Node& n = world.nodes()[node];
  return n.kind == NodeKind::kAccount && !world.accounts()[n.account].business;
}
bool IsBusiness(const World& world, uint32_t node) {
  const Node& n = world.nodes()[node];
  return n.kind == NodeKind::kAccount && world.accounts()[n.account].business;
}

Kind KindOf(const World& world, const Tx& tx, bool debit, uint32_t other) {
  switch (tx.channel) {
    case Channel::kCashDeposit:
    case Channel::kCashWithdrawal: {
      const Node& desk = world.nodes()[other];
      bool atm = world.Atm(desk.bank, desk.city) == other;
      if (tx.channel == Channel::kCashDeposit) return atm ? kCashDepositAtm : kCashDepositBranch;
      return atm ? kCashWithdrawalAtm : kCashWithdrawalBranch;
    }
    case Channel::kWire: return debit ? kWireOut : kWireIn;
    case Channel::kCard: return kCard;
    case Channel::kCheque: return debit ? kCheckOut : kCheckIn;
    case Channel::kInternal: return debit ? kTransferOut : kTransferIn;
    case Channel::kMoneyTransmitter: return debit ? kTransmitterOut : kTransmitterIn;
    default: break;  // ACH
  }
  if (IsPerson(world, tx.source) && IsPerson(world, tx.dest)) return debit ? kZelleOut : kZelleIn;
  if (!debit && IsBusiness(world, tx.source) && IsPerson(world, tx.dest)) return kAchPayrollIn;
  return debit ? kAchOut : kAchIn;
}

}  // namespace

std::string_view LayoutFolder(Layout layout) {
  constexpr std::string_view kFolders[kLayoutCount] = {"firstcoast", "prairie-cu", "sonoran"};
  return kFolders[static_cast<int>(layout)];
}

std::string_view BankDisplayName(Layout layout) {
  constexpr std::string_view kNames[kLayoutCount] = {"First Coast National Bank", "Prairie Federal Credit Union",
                                                     "Sonoran Community Bank"};
  return kNames[static_cast<int>(layout)];
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string Accented(std::string_view name) {
  std::string out;
  size_t i = 0;
  while (i < name.size()) {
    size_t end = name.find(' ', i);
    if (end == std::string_view::npos) end = name.size();
    std::string_view word = name.substr(i, end - i);
    for (const auto& [plain, accented] : kAccents) {
      if (word == plain) {
        word = accented;
        break;
      }
    }
    out += word;
    if (end < name.size()) out += ' ';
    i = end + 1;
  }
  return out;
}

LineText Describe(const World& world, Layout layout, const Tx& tx, uint64_t id, bool debit, uint64_t seed) {
  const uint32_t other = debit ? tx.dest : tx.source;
  const Kind kind = KindOf(world, tx, debit, other);
  const Side side = Describe(world, other);
  const bool upper = layout != Layout::kPrairie;
  LineText text;
  const uint64_t h = Mix64(StreamSeed(seed, kDomainStatement, id, 1));
  const bool cash_or_card = kind <= kCashWithdrawalAtm || kind == kCard;
  if (!cash_or_card) text.reference = fmt::format("{:012d}", h % 1'000'000'000'000ULL);
  if (kind == kCheckOut || kind == kCheckIn) text.check_number = 1001 + static_cast<uint32_t>((h >> 40) % 8999);

  std::string name = upper ? Upper(side.name) : Accented(side.name);
  std::string city, st;
  if (side.city != 0xFFFF) {
    const City& c = Cities()[side.city];
    city = upper ? Upper(c.name) : std::string(c.name);
    st = std::string(c.region);
  }
  uint32_t branch = 0;
  const Node& other_node = world.nodes()[other];
  if (other_node.kind == NodeKind::kCash) branch = 1000 + other_node.city * 40u + other_node.bank;
  std::string acct;
  if (!side.last4.empty() && !cash_or_card) {
    acct = fmt::format(fmt::runtime(kAcctForm[static_cast<int>(layout)]), side.last4);
  }
  std::string_view purpose = "PAYMENT";
  if (other == world.treasury_node()) purpose = "TAX";
  else if (IsBusiness(world, tx.source) && IsBusiness(world, tx.dest)) purpose = "VENDOR PMT";
  std::string mt;
  if (tx.transmitter > 0) mt = std::string(MoneyTransmitters()[tx.transmitter - 1]);
  if (kind == kTransmitterOut || kind == kTransmitterIn) {
    if (mt.empty()) mt = "MONEY TRANSFER";
    if (mt.find("MONEY TRANSFER") == std::string::npos) mt += " MONEY TRANSFER";
  }
  if (!upper && purpose == "PAYMENT") purpose = "Payment";
  if (!upper && purpose == "VENDOR PMT") purpose = "Vendor Pmt";
  // A wire's bank field ends with the bank's country. Where the ISO alpha-2 code is also a US
  // state's postal code (CO, CA, IN, DE), a US statement's reader cannot tell Colombia from
  // Colorado, so the wire prints the alpha-3 code, as many banks' wire details do.
  std::string_view wcc = side.cc;
  if (wcc == "CO") wcc = "COL";
  else if (wcc == "CA") wcc = "CAN";
  else if (wcc == "IN") wcc = "IND";
  else if (wcc == "DE") wcc = "DEU";
  const Words& words = layout == Layout::kFirstCoast ? kFirstCoastWords
                       : layout == Layout::kPrairie  ? kPrairieWords
                                                     : kSonoranWords;
  text.description = fmt::format(
      fmt::runtime(words[kind]), fmt::arg("name", name), fmt::arg("acct", acct), fmt::arg("branch", branch),
      fmt::arg("atm", fmt::format("A{:04d}", branch)), fmt::arg("city", city), fmt::arg("st", st),
      fmt::arg("bank", side.bank), fmt::arg("cc", side.cc), fmt::arg("wcc", wcc),
      fmt::arg("ref", text.reference),
      fmt::arg("check", text.check_number), fmt::arg("mt", mt), fmt::arg("purpose", purpose));
  return text;
}

}  // namespace moneytrail::generate_internal
