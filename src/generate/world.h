// The generator's world: banks with branches and ATMs, KYC records (parties) grouped into true
// entities and households, accounts with the everyday profile of their holder, merchants, and
// outside counterparties. Every end of a transaction is a node (Account::node maps an account to
// its node). Each node keeps its CSV fragments pre-formatted so that writing a row is copying.
#ifndef MONEYTRAIL_SRC_GENERATE_WORLD_H_
#define MONEYTRAIL_SRC_GENERATE_WORLD_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "generate/rng.h"
#include "moneytrail/transaction.h"

namespace moneytrail::generate_internal {

inline constexpr uint32_t kNone = 0xFFFFFFFFu;
// Zero bytes kept after the arena's last fragment, so that writers may copy 32 bytes at a time.
inline constexpr size_t kArenaPadding = 64;

// How a KYC record differs from its entity's first record (truth for entity resolution).
enum VariantFlag : uint8_t {
  kVariantTypo = 1,        // a letter of the last name swapped, dropped or replaced
  kVariantNickname = 2,    // the first name as a nickname
  kVariantSwappedDate = 4, // day and month of birth transposed
  kVariantMoved = 8,       // another address (another city, sometimes)
  kVariantNoMiddle = 16,   // middle name left out
};

struct Party {
  uint32_t entity = 0;
  bool business = false;
  uint8_t variant = 0;      // VariantFlag bits; 0 for an entity's first record
  uint16_t first = 0, middle = 0xFFFF, last = 0;  // name table indices (persons)
  uint16_t word = 0, industry = 0;                // business name word, industry index
  uint16_t street = 0, city = 0;
  uint32_t house = 0;       // house number * 100 + apartment (0 = none)
  int32_t birth_day = 0;    // days since 1970-01-01 (persons)
  uint32_t phone = 0;       // area code * 10000 + line in the 555 exchange
  uint32_t id_number = 0;
  uint32_t typo_seed = 0;
};

// The everyday profile of an account (normal_life.cc reads it).
struct Account {
  uint32_t party = 0;
  uint32_t node = 0;
  uint16_t bank = 0, city = 0;
  bool business = false;
  bool cash_intensive = false;
  bool suppress_payroll = false;  // set by the planner for a trafficking front business
  uint16_t industry = 0xFFFF;
  int32_t opened_day = 0;
  uint32_t employer = kNone;   // business account paying this person's payroll
  uint32_t landlord = kNone;   // account receiving rent
  uint32_t utility = kNone;    // account receiving the monthly utility bill
  uint32_t insurer = kNone;
  uint32_t family = kNone;     // another household member's account
  uint32_t savings = kNone;    // the holder's second account
  uint32_t remit_node = kNone; // external beneficiary of remittances abroad
  uint32_t trade_node = kNone; // external supplier abroad (businesses)
  uint32_t pay_cents = 0, rent_cents = 0, bill_cents = 0, remit_cents = 0;
  float card_rate = 0;         // everyday card purchases per day
  float cash_scale = 0;        // businesses: median daily cash deposit, USD
  uint8_t pay_phase = 0, rent_day = 1, bill_day = 1, remit_day = 1, pay_kind = 0;
  uint8_t remit_mt = 0;        // money transmitter index + 1 when remitting via one (0: wire)
};

struct Node {
  NodeKind kind = NodeKind::kAccount;
  uint32_t account = 0xFFFFFFFFu;  // account index of an account node
  uint16_t bank = 0xFFFF;  // bank index for accounts and cash desks
  uint16_t city = 0xFFFF;  // city index, 0xFFFF when none
  uint16_t mcc = 0;        // merchants
  uint8_t country = 0xFF;  // Countries() index of an external node abroad
  uint32_t native_begin = 0, native_end = 0;  // "kind,bank,account" in the arena
  uint32_t ibm_begin = 0, ibm_end = 0;        // "bank,account"
  uint32_t key_begin = 0, key_end = 0;        // "bank:account"
  uint32_t location_begin = 0, location_end = 0;  // "city,region,country"
  uint32_t name_begin = 0, name_end = 0;      // counterparty name as printed (CSV-quoted)
};

struct WorldParams {
  uint64_t seed = 1;
  uint32_t accounts = 1000;
  uint32_t days = 10;
  int32_t start_day = 0;  // days since 1970-01-01
  double activity = 1.0;
};

class World {
 public:
  explicit World(const WorldParams& params);

  const WorldParams& params() const { return params_; }
  uint32_t account_count() const { return static_cast<uint32_t>(accounts_.size()); }
  uint32_t bank_count() const { return static_cast<uint32_t>(bank_ids_.size()); }
  const std::vector<Party>& parties() const { return parties_; }
  std::vector<Party>& mutable_parties() { return parties_; }
  uint32_t entity_count() const { return entity_count_; }
  const std::vector<Account>& accounts() const { return accounts_; }
  std::vector<Account>& mutable_accounts() { return accounts_; }
  const std::vector<Node>& nodes() const { return nodes_; }
  // The fragments' arena (Node::*_begin/_end index it), followed by kArenaPadding zero bytes.
  const char* arena_data() const { return arena_.data(); }
  const std::string& bank_id(uint32_t bank) const { return bank_ids_[bank]; }
  bool bank_is_national(uint32_t bank) const { return bank < national_banks_; }

  std::string_view NativeFragment(uint32_t node) const { return Slice(node, &Node::native_begin, &Node::native_end); }
  std::string_view IbmFragment(uint32_t node) const { return Slice(node, &Node::ibm_begin, &Node::ibm_end); }
  std::string_view Key(uint32_t node) const { return Slice(node, &Node::key_begin, &Node::key_end); }
  std::string_view Location(uint32_t node) const { return Slice(node, &Node::location_begin, &Node::location_end); }
  std::string_view Name(uint32_t node) const { return Slice(node, &Node::name_begin, &Node::name_end); }

  // Branch desk and ATM of `bank` in `city`, or kNone when the bank has no branch there.
  uint32_t Branch(uint32_t bank, uint32_t city) const { return branch_[bank * city_count_ + city]; }
  uint32_t Atm(uint32_t bank, uint32_t city) const { return atm_[bank * city_count_ + city]; }
  // A merchant with `mcc_index` (Mccs() index), in `city` when there is one.
  uint32_t Merchant(uint32_t mcc_index, uint32_t city, uint64_t r) const;
  // Accounts of persons / businesses living or registered in `city`.
  const std::vector<uint32_t>& PersonsIn(uint32_t city) const { return persons_by_city_[city]; }
  const std::vector<uint32_t>& BusinessesIn(uint32_t city) const { return businesses_by_city_[city]; }
  const std::vector<uint32_t>& Businesses() const { return businesses_; }
  const std::vector<uint32_t>& Persons() const { return persons_; }
  // Business accounts of an industry (Industries() index).
  const std::vector<uint32_t>& BusinessesOf(uint32_t industry) const { return industry_accounts_[industry]; }
  uint32_t treasury_node() const { return treasury_node_; }

  // Adds an outside counterparty abroad (country = Countries() index) named `name`.
  uint32_t AddExternal(uint8_t country, std::string_view name, Rng& rng);
  // Entities that hold accounts under two or more KYC records (a list of accounts each).
  const std::vector<std::vector<uint32_t>>& MultiIdentities() const { return multi_identity_; }
  // Picks a city index by population weight (border-only / far-only when asked).
  uint32_t PickCity(Rng& rng, int border = -1) const;
  // A bank with a branch in `city`.
  uint32_t PickBankIn(uint32_t city, Rng& rng) const;

 private:
  std::string_view Slice(uint32_t node, uint32_t Node::*b, uint32_t Node::*e) const {
    const Node& n = nodes_[node];
    return std::string_view(arena_).substr(n.*b, n.*e - n.*b);
  }
  void BuildBanks(Rng& rng);
  void BuildMerchants(Rng& rng);
  void BuildPartiesAndAccounts(Rng& rng);
  void AssignProfiles(Rng& rng);
  uint32_t NewAccount(uint32_t party, uint32_t bank, uint32_t city, bool business, Rng& rng);
  void SetFragments(Node& node, std::string_view kind, std::string_view bank,
                    std::string_view account, std::string_view location, std::string_view name);
  void AddPersonProfile(uint32_t account, Rng& rng);
  void AddBusinessProfile(uint32_t account, Rng& rng);

  WorldParams params_;
  uint32_t city_count_ = 0;
  uint32_t national_banks_ = 0;
  uint32_t entity_count_ = 0;
  std::vector<std::string> bank_ids_;
  std::vector<uint32_t> branch_, atm_;
  std::vector<Party> parties_;
  std::vector<Account> accounts_;
  std::vector<Node> nodes_;
  std::string arena_;
  std::vector<std::vector<uint32_t>> merchants_by_mcc_;            // [mcc]
  std::vector<std::vector<uint32_t>> merchants_by_city_mcc_;       // [city * mccs + mcc]
  std::vector<std::vector<uint32_t>> persons_by_city_, businesses_by_city_;
  std::vector<uint32_t> persons_, businesses_;
  std::vector<std::vector<uint32_t>> banks_in_city_;
  std::vector<uint32_t> city_weight_prefix_;
  std::vector<std::vector<uint32_t>> multi_identity_;
  std::vector<uint32_t> industry_accounts_[32];
  uint32_t treasury_node_ = kNone;
};

// "8" + 10 decimal digits: a bijective scramble of the account index (unique, stable; digits,
// as US banks print account numbers, so a description can name one by its last four).
std::string AccountNumber(uint32_t account);

}  // namespace moneytrail::generate_internal

#endif  // MONEYTRAIL_SRC_GENERATE_WORLD_H_
