#include "generate/csv_writer.h"

#include <fmt/compile.h>
#include <fmt/format.h>

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <cstdio>
#include <vector>

#include "generate/calendar.h"
#include "generate/ordered_blocks.h"
#include "generate/tables.h"

namespace moneytrail::generate_internal {
namespace {

// Upper bound of one row's length: fragments are bounded by the world's tables.
constexpr size_t kMaxRow = 512;

inline char* Put(char* p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}
// Copies a short string whose source is followed by at least 32 readable bytes (the world's
// arena is padded, Padded strings are 48 bytes): a fixed-size copy avoids a memcpy call per field.
inline char* PutPadded(char* p, std::string_view s) {
  if (s.empty()) return p;
  if (s.size() <= 32) {
    std::memcpy(p, s.data(), 32);
    return p + s.size();
  }
  return Put(p, s);
}
struct Padded {
  char text[48] = {};
  std::string_view view() const { return std::string_view(text, std::strlen(text)); }
};
struct PaddedNames {
  Padded channel[kChannelCount], currency[kCurrencyCount], typology[kTypologyCount], ibm_format[kChannelCount],
      ibm_currency[kCurrencyCount];
  PaddedNames() {
    auto set = [](Padded& p, std::string_view s) { std::memcpy(p.text, s.data(), std::min<size_t>(s.size(), 40)); };
    for (int c = 0; c < kChannelCount; ++c) {
      set(channel[c], ChannelName(static_cast<Channel>(c)));
      set(ibm_format[c], IbmPaymentFormat(static_cast<Channel>(c)));
    }
    for (int c = 0; c < kCurrencyCount; ++c) {
      set(currency[c], CurrencyCode(static_cast<Currency>(c)));
      set(ibm_currency[c], CurrencyIbmName(static_cast<Currency>(c)));
    }
    for (int t = 0; t < kTypologyCount; ++t) set(typology[t], kTypologyNames[t]);
  }
};
const PaddedNames& Names() {
  static const PaddedNames names;
  return names;
}
inline char* Put2(char* p, uint32_t v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
  return p + 2;
}
inline char* PutUint(char* p, uint64_t v) {
  char tmp[24];
  int n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) *p++ = tmp[--n];
  return p;
}
inline char* PutCents(char* p, int64_t cents) {
  p = PutUint(p, static_cast<uint64_t>(cents / 100));
  *p++ = '.';
  return Put2(p, static_cast<uint32_t>(cents % 100));
}

std::string Csv(std::string_view s) {
  if (s.find_first_of(",\"\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Typo(std::string_view name, uint32_t seed) {
  std::string s(name);
  if (s.size() < 3) return s + s.back();
  size_t pos = 1 + (seed >> 2) % (s.size() - 2);
  switch (seed % 3) {
    case 0: std::swap(s[pos], s[pos + 1]); break;
    case 1: s.erase(pos, 1); break;
    default: s[pos] = "aeiourn"[(seed >> 8) % 7]; break;
  }
  return s;
}

std::string Lower(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') out += static_cast<char>(c - 'A' + 'a');
    else if (c != '\'' && c != ' ') out += c;
  }
  return out;
}

// Formats rows [0, count) in parallel blocks with `row(out, i)` and writes them in order as they
// are ready (a pipeline: the writes overlap the formatting and copy blocks still in cache). The
// block buffers are reused, so they stop growing after the first few blocks.
template <typename RowFn>
Status WriteRows(const std::string& path, std::string_view header, size_t count, RowFn row) {
  constexpr size_t kBlock = 4096;
  const size_t blocks = (count + kBlock - 1) / kBlock;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return ErrnoError("cannot create " + path, errno);
  bool ok = std::fwrite(header.data(), 1, header.size(), f) == header.size();
  const size_t tokens = 2 * static_cast<size_t>(tbb::this_task_arena::max_concurrency()) + 2;
  std::vector<fmt::memory_buffer> out(tokens);
  FormatAndWriteInOrder(
      blocks, tokens,
      [&](size_t b) {
        fmt::memory_buffer& block = out[b % tokens];
        block.clear();
        for (size_t i = b * kBlock; i < std::min(count, (b + 1) * kBlock); ++i) row(block, i);
      },
      [&](size_t b) {
        const fmt::memory_buffer& block = out[b % tokens];
        ok = ok && std::fwrite(block.data(), 1, block.size(), f) == block.size();
      });
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) return IoError("cannot write " + path);
  return Status::Ok();
}

}  // namespace

std::string PartyName(const World& world, uint32_t index) {
  const Party& party = world.parties()[index];
  if (party.business) {
    std::string_view word = party.first == 0 ? BusinessWords()[party.word] : LastNames()[party.last];
    return fmt::format("{} {}", word, Industries()[party.industry].stem);
  }
  std::string_view first = FirstNames()[party.first];
  if ((party.variant & kVariantNickname) && !Nickname(first).empty()) first = Nickname(first);
  std::string last(LastNames()[party.last]);
  if (party.variant & kVariantTypo) last = Typo(last, party.typo_seed);
  return fmt::format("{} {}", first, last);
}

std::string PartyId(uint32_t party) { return fmt::format("P{:08d}", party + 1); }
std::string EntityId(uint32_t entity) { return fmt::format("E{:07d}", entity + 1); }

std::string_view IbmPaymentFormat(Channel channel) {
  switch (channel) {
    case Channel::kCashDeposit:
    case Channel::kCashWithdrawal:
    case Channel::kCash: return "Cash";
    case Channel::kCard: return "Credit Card";
    case Channel::kCheque: return "Cheque";
    case Channel::kAch:
    case Channel::kInternal: return "ACH";
    case Channel::kCrypto: return "Bitcoin";
    case Channel::kReinvestment: return "Reinvestment";
    default: return "Wire";  // wire, money transmitter
  }
}

Currency ReceivedCurrency(const World& world, uint32_t dest) {
  uint8_t country = world.nodes()[dest].country;
  return country == 0xFF ? Currency::kUsd : Countries()[country].currency;
}

std::vector<RowNode> MakeRowNodes(const World& world) {
  const auto& nodes = world.nodes();
  std::vector<RowNode> out(nodes.size() + 1);
  tbb::parallel_for(uint32_t{0}, static_cast<uint32_t>(nodes.size()), [&](uint32_t i) {
    RowNode& e = out[i];
    e.kind = nodes[i].kind;
    e.country = nodes[i].country;
    std::string_view native = world.NativeFragment(i), ibm = world.IbmFragment(i);
    if (native.size() <= sizeof(e.native) && ibm.size() <= native.size() &&
        native.substr(native.size() - ibm.size()) == ibm) {
      std::memcpy(e.native, native.data(), native.size());
      e.native_size = static_cast<uint8_t>(native.size());
      e.ibm_offset = static_cast<uint8_t>(native.size() - ibm.size());
    } else {
      e.native_size = kNotInline;
    }
  });
  return out;
}

void FormatRows(const World& world, std::span<const RowNode> row_nodes, std::span<const Tx> txs, Buffer* native,
                Buffer* ibm) {
  if (txs.empty()) return;
  const PaddedNames& names = Names();
  const int64_t day_start = txs.front().time / 86400 * 86400;
  CivilDate date = CivilFromDays(static_cast<int32_t>(day_start / 86400));
  std::string date_native = fmt::format("{:04d}-{:02d}-{:02d}T", date.year, date.month, date.day);
  std::string date_ibm = fmt::format("{:04d}/{:02d}/{:02d} ", date.year, date.month, date.day);
  char* n = native ? native->Reserve(txs.size() * kMaxRow) : nullptr;
  char* b = ibm ? ibm->Reserve(txs.size() * kMaxRow) : nullptr;
  // The entries of the ends of the row kAhead rows on are fetched while this row is written.
  constexpr size_t kAhead = 16;
  const RowNode* entries = row_nodes.data();
  for (size_t i = 0; i < std::min(kAhead, txs.size()); ++i) {
    __builtin_prefetch(entries + txs[i].source);
    __builtin_prefetch(entries + txs[i].dest);
  }
  // Copies an end's native or IBM fragment: 32 fixed bytes from the entry (or the arena).
  auto put_native = [&](char* p, uint32_t node) {
    const RowNode& e = entries[node];
    if (e.native_size == kNotInline) return PutPadded(p, world.NativeFragment(node));
    std::memcpy(p, e.native, 32);
    return p + e.native_size;
  };
  auto put_ibm = [&](char* p, uint32_t node) {
    const RowNode& e = entries[node];
    if (e.native_size == kNotInline) return PutPadded(p, world.IbmFragment(node));
    std::memcpy(p, e.native + e.ibm_offset, 32);
    return p + (e.native_size - e.ibm_offset);
  };
  for (size_t row = 0; row < txs.size(); ++row) {
    const Tx& tx = txs[row];
    if (row + kAhead < txs.size()) {
      __builtin_prefetch(entries + txs[row + kAhead].source);
      __builtin_prefetch(entries + txs[row + kAhead].dest);
    }
    auto secs = static_cast<uint32_t>(tx.time - day_start);
    uint32_t hh = secs / 3600, mm = secs / 60 % 60, ss = secs % 60;
    const RowNode& dest = entries[tx.dest];
    Currency received = dest.country == 0xFF ? Currency::kUsd : Countries()[dest.country].currency;
    int64_t received_cents = ConvertFromUsd(tx.amount, received);
    bool laundering = tx.typology != Typology::kNone;
    if (n != nullptr) {
      n = Put(n, date_native);
      n = Put2(n, hh);
      *n++ = ':';
      n = Put2(n, mm);
      *n++ = ':';
      n = Put2(n, ss);
      n = Put(n, "Z,");
      n = put_native(n, tx.source);
      *n++ = ',';
      n = put_native(n, tx.dest);
      *n++ = ',';
      n = PutCents(n, tx.amount);
      n = Put(n, ",USD,");
      n = PutCents(n, received_cents);
      *n++ = ',';
      n = PutPadded(n, names.currency[static_cast<int>(received)].view());
      *n++ = ',';
      n = PutPadded(n, names.channel[static_cast<int>(tx.channel)].view());
      *n++ = ',';
      std::string_view location;
      std::string_view counterparty;
      if (tx.channel == Channel::kCashDeposit) {
        location = world.Location(tx.source);
      } else if (tx.channel == Channel::kCashWithdrawal || dest.kind == NodeKind::kMerchant ||
                 dest.kind == NodeKind::kExternal) {
        location = world.Location(tx.dest);
      }
      if (dest.kind == NodeKind::kMerchant || dest.kind == NodeKind::kExternal) counterparty = world.Name(tx.dest);
      if (tx.channel == Channel::kMoneyTransmitter && tx.transmitter > 0) {
        counterparty = MoneyTransmitters()[tx.transmitter - 1];
      }
      n = location.empty() ? Put(n, ",,") : PutPadded(n, location);
      *n++ = ',';
      if (dest.kind == NodeKind::kMerchant) n = PutUint(n, world.nodes()[tx.dest].mcc);
      *n++ = ',';
      n = tx.channel == Channel::kMoneyTransmitter ? Put(n, counterparty) : PutPadded(n, counterparty);
      n = Put(n, laundering ? ",1," : ",0,");
      n = PutPadded(n, names.typology[static_cast<int>(tx.typology)].view());
      *n++ = '\n';
    }
    if (b != nullptr) {
      b = Put(b, date_ibm);
      b = Put2(b, hh);
      *b++ = ':';
      b = Put2(b, mm);
      *b++ = ',';
      b = put_ibm(b, tx.source);
      *b++ = ',';
      b = put_ibm(b, tx.dest);
      *b++ = ',';
      b = PutCents(b, received_cents);
      *b++ = ',';
      b = PutPadded(b, names.ibm_currency[static_cast<int>(received)].view());
      *b++ = ',';
      b = PutCents(b, tx.amount);
      b = Put(b, ",US Dollar,");
      b = PutPadded(b, names.ibm_format[static_cast<int>(tx.channel)].view());
      b = Put(b, laundering ? ",1\n" : ",0\n");
    }
  }
  if (native) native->Commit(n);
  if (ibm) ibm->Commit(b);
}

Status WriteParties(const World& world, const std::string& path) {
  const auto& parties = world.parties();
  return WriteRows(
      path,
      "party_id,kind,first_name,middle_name,last_name,business_name,date_of_birth,address,city,region,"
      "postcode,country,phone,email,id_number,industry_code\n",
      parties.size(), [&](fmt::memory_buffer& out, size_t i) {
        const Party& party = parties[i];
        const City& city = Cities()[party.city];
        auto o = fmt::appender(out);
        uint32_t postcode = city.zip_base + (party.house / 100) % 40;
        std::string_view street = StreetNames()[party.street];
        if (party.business) {
          const Industry& industry = Industries()[party.industry];
          std::string_view word = party.first == 0 ? BusinessWords()[party.word] : LastNames()[party.last];
          std::string name = fmt::format(FMT_COMPILE("{} {}"), word, industry.stem);
          fmt::format_to(o, FMT_COMPILE("P{:08d},business,,,,{},,{} {}"), i + 1, Csv(name), party.house / 100,
                         street);
          if (party.house % 100 != 0) fmt::format_to(o, FMT_COMPILE(" Apt {}"), party.house % 100);
          fmt::format_to(o,
                         FMT_COMPILE(",{},{},{:05d},US,+1-{:03d}-555-{:04d},contact{}@{}.example.com,{:02d}-{:07d},{}\n"),
                         city.name, city.region, postcode, party.phone / 10000, party.phone % 10000, i + 1,
                         Lower(name), party.id_number / 10000000, party.id_number % 10000000, industry.naics);
          return;
        }
        std::string_view first = FirstNames()[party.first];
        if ((party.variant & kVariantNickname) && !Nickname(first).empty()) first = Nickname(first);
        std::string_view middle = party.middle == 0xFFFF || (party.variant & kVariantNoMiddle)
                                      ? std::string_view()
                                      : FirstNames()[party.middle];
        std::string last(LastNames()[party.last]);
        if (party.variant & kVariantTypo) last = Typo(last, party.typo_seed);
        CivilDate dob = CivilFromDays(party.birth_day);
        uint32_t month = dob.month, day = dob.day;
        if (party.variant & kVariantSwappedDate) {
          uint32_t reversed = (day % 10) * 10 + day / 10;  // 12 -> 21: a transposed day
          if (day <= 12 && day != month) std::swap(month, day);
          else if (reversed >= 1 && reversed <= 28) day = reversed;
        }
        fmt::format_to(o, FMT_COMPILE("P{:08d},person,{},{},{},,{:04d}-{:02d}-{:02d},{} {}"), i + 1, first, middle,
                       Csv(last), dob.year, month, day, party.house / 100, street);
        if (party.house % 100 != 0) fmt::format_to(o, FMT_COMPILE(" Apt {}"), party.house % 100);
        fmt::format_to(o, FMT_COMPILE(",{},{},{:05d},US,+1-{:03d}-555-{:04d},{}.{}{}@example.{},"), city.name,
                       city.region, postcode, party.phone / 10000, party.phone % 10000, Lower(first), Lower(last),
                       party.typo_seed % 100, (party.typo_seed >> 8) % 2 ? "com" : "net");
        if (party.id_number) fmt::format_to(o, FMT_COMPILE("{}{:08d}"), city.region, party.id_number);
        fmt::format_to(o, FMT_COMPILE(",\n"));
      });
}

Status WriteAccounts(const World& world, const std::string& path) {
  const auto& nodes = world.nodes();
  return WriteRows(path, "bank,account,kind,holder_party_id,opened\n", nodes.size(),
                   [&](fmt::memory_buffer& out, size_t i) {
                     const Node& node = nodes[i];
                     auto o = fmt::appender(out);
                     fmt::format_to(o, FMT_COMPILE("{},{},"), world.IbmFragment(static_cast<uint32_t>(i)),
                                    NodeKindName(node.kind));
                     if (node.kind == NodeKind::kAccount) {
                       const Account& account = world.accounts()[node.account];
                       CivilDate opened = CivilFromDays(account.opened_day);
                       fmt::format_to(o, FMT_COMPILE("P{:08d},{:04d}-{:02d}-{:02d}\n"), account.party + 1, opened.year,
                                      opened.month, opened.day);
                     } else {
                       fmt::format_to(o, FMT_COMPILE(",\n"));
                     }
                   });
}

Status WriteEntities(const World& world, const std::string& path) {
  const auto& parties = world.parties();
  return WriteRows(path, "party_id,entity_id\n", parties.size(), [&](fmt::memory_buffer& out, size_t i) {
    fmt::format_to(fmt::appender(out), FMT_COMPILE("P{:08d},E{:07d}\n"), i + 1, parties[i].entity + 1);
  });
}

}  // namespace moneytrail::generate_internal
