// Internal: an open-addressing index from account key (kind, bank, number) to AccountId, with
// the key's hash supplied by the caller so that parsing threads can compute it in parallel.
// Chosen over std::unordered_map because ingest interns two keys per row (bench/RESULTS.md).
//
// A slot holds, beside the id, a copy of a short key (kind, lengths and up to kInlineBytes bytes
// of bank and number: every IBM and AMLSim key), so that a probe compares the key in the cache
// line it has already fetched instead of missing a second time in the dictionary. Longer keys
// are compared against the dictionary.
//
// Concurrency: Find may run on other threads while one thread Inserts, provided no Insert grows
// the table and the dictionary does not reallocate meanwhile (WouldGrow() tells the inserting
// thread when to exclude the readers first; StoreWriter does this with a shared mutex). A slot's
// key copy is written first and its id word last, with a release store, so a reader that sees a
// non-empty word (an acquire load) sees a complete key.
#ifndef MONEYTRAIL_SRC_STORE_ACCOUNT_INDEX_H_
#define MONEYTRAIL_SRC_STORE_ACCOUNT_INDEX_H_

#include <atomic>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "moneytrail/file_util.h"
#include "moneytrail/hash.h"
#include "moneytrail/store.h"

namespace moneytrail::store::store_internal {

class AccountIndex {
 public:
  // `accounts` is the dictionary the ids refer to; it must outlive the index.
  explicit AccountIndex(const std::vector<AccountKey>* accounts) : accounts_(accounts) {}

  // The id of the key, or kNoAccount.
  AccountId Find(uint64_t hash, NodeKind kind, std::string_view bank,
                 std::string_view number) const {
    if (slots_.empty()) return kNoAccount;
    const uint64_t tag = Tag(hash);
    // The slot's key is compared in place (its first three bytes, then the bank's and the
    // number's bytes), not against a packed copy of the probe's key: packing wrote the key to
    // the stack in pieces and read it back in words, a store-forwarding stall that was a third
    // of Find's time (bench/RESULTS-ingest.md, Session 17). The answers are Pack's: a slot's
    // bytes past its key are zero, as a packed probe key's are.
    const bool inline_key = bank.size() + number.size() <= kInlineBytes;
    const uint64_t head = inline_key ? Head(kind, bank.size(), number.size())
                                     : static_cast<uint64_t>(static_cast<uint8_t>(kind)) |
                                           uint64_t{kLong} << 8;
    for (size_t i = Home(hash);; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      const uint64_t s = Load(slot);
      if (s == kEmpty) return kNoAccount;
      if ((s & kTagMask) != tag || (slot.key.w[0] & 0xFFFFFF) != head) continue;
      const AccountId id = static_cast<AccountId>((s & kIdMask) - 1);
      if (inline_key) {
        const char* bytes = reinterpret_cast<const char*>(slot.key.w) + 3;
        if (ShortBytesEqual(std::string_view(bytes, bank.size()), bank) &&
            ShortBytesEqual(std::string_view(bytes + bank.size(), number.size()), number)) {
          return id;
        }
        continue;
      }
      const AccountKey& k = (*accounts_)[id];
      if (k.kind == kind && k.number == number && k.bank == bank) return id;
    }
  }

  // A hint for a Find(hash, ...) that follows soon, for callers that look keys up in bulk: brings
  // the key's home slot into the cache. It changes no result.
  void Prefetch(uint64_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[Home(hash)]);
  }

  // True when the next Insert would rehash the table.
  bool WouldGrow() const { return (count_ + 1) * 2 > slots_.size(); }

  // REQUIRES: the key is not in the index and (*accounts)[id] is the key.
  void Insert(uint64_t hash, AccountId id) {
    if (WouldGrow()) Grow();
    const AccountKey& k = (*accounts_)[id];
    Place(Tag(hash) | (static_cast<uint64_t>(id) + 1), Pack(k.kind, k.bank, k.number));
    ++count_;
  }

  // Sizes the table for n keys in one step (a power of two at least 2n).
  void Reserve(size_t n) {
    size_t size = slots_.empty() ? 1024 : slots_.size();
    while (size < n * 2) size *= 2;
    if (size > slots_.size()) Rehash(size);
  }

 private:
  static constexpr size_t kInlineBytes = 21;
  // kind, bank length, number length, then bank and number bytes, zero-padded. A key longer
  // than kInlineBytes keeps its kind and a bank length of kLong, and no bytes: it matches every
  // long key of its kind, and the dictionary decides.
  struct PackedKey {
    uint64_t w[3] = {0, 0, 0};
    bool IsInline() const { return static_cast<uint8_t>(w[0] >> 8) != kLong; }
  };
  static constexpr uint8_t kLong = 0xFF;
  static_assert(std::endian::native == std::endian::little, "Head() reads a key's first bytes");
  static PackedKey Pack(NodeKind kind, std::string_view bank, std::string_view number) {
    PackedKey p;
    unsigned char b[24] = {};
    b[0] = static_cast<unsigned char>(kind);
    if (bank.size() + number.size() <= kInlineBytes) {
      b[1] = static_cast<unsigned char>(bank.size());
      b[2] = static_cast<unsigned char>(number.size());
      // (An empty view may have no data pointer, which memcpy must not get.)
      if (!bank.empty()) std::memcpy(b + 3, bank.data(), bank.size());
      if (!number.empty()) std::memcpy(b + 3 + bank.size(), number.data(), number.size());
    } else {
      b[1] = kLong;
    }
    std::memcpy(p.w, b, sizeof(b));
    return p;
  }
  // The first three bytes of an inline key's packed form, as the low bits of its first word.
  static uint64_t Head(NodeKind kind, size_t bank_size, size_t number_size) {
    return static_cast<uint64_t>(static_cast<uint8_t>(kind)) | uint64_t{bank_size} << 8 |
           uint64_t{number_size} << 16;
  }

  // A slot's word: the hash's high 32 bits (the tag), then id + 1 (0: empty). The home slot is
  // taken from the tag's bits too, so a rehash needs no key's full hash. Two slots share a
  // cache line.
  struct alignas(32) Slot {
    uint64_t word;
    PackedKey key;
  };
  static_assert(sizeof(Slot) == 32);
  static constexpr uint64_t kEmpty = 0;
  static constexpr uint64_t kTagMask = 0xFFFFFFFF00000000ull;
  static constexpr uint64_t kIdMask = 0x00000000FFFFFFFFull;
  static uint64_t Tag(uint64_t hash) { return hash & kTagMask; }
  size_t Home(uint64_t hash) const { return static_cast<size_t>(hash >> 32) & mask_; }
  static uint64_t Load(const Slot& slot) {
    return std::atomic_ref<uint64_t>(const_cast<uint64_t&>(slot.word))
        .load(std::memory_order_acquire);
  }
  void Place(uint64_t word, const PackedKey& key) {
    size_t i = Home(word);
    while (slots_[i].word != kEmpty) i = (i + 1) & mask_;
    slots_[i].key = key;
    std::atomic_ref<uint64_t>(slots_[i].word).store(word, std::memory_order_release);
  }
  void Grow() { Rehash(slots_.empty() ? 1024 : slots_.size() * 2); }
  void Rehash(size_t size) {
    std::vector<Slot> old;
    old.swap(slots_);
    // Probes land at random: huge pages spare a TLB miss on most of them (and the faults).
    slots_.reserve(size);
    AdviseHugePages(slots_.data(), size * sizeof(Slot));
    slots_.assign(size, Slot{kEmpty, PackedKey{}});
    mask_ = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.word != kEmpty) Place(s.word, s.key);
    }
  }

  const std::vector<AccountKey>* accounts_;
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t count_ = 0;
};

}  // namespace moneytrail::store::store_internal

#endif  // MONEYTRAIL_SRC_STORE_ACCOUNT_INDEX_H_
