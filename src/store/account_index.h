// Internal: an open-addressing index from account key (kind, bank, number) to AccountId, with
// the key's hash supplied by the caller so that parsing threads can compute it in parallel.
// Chosen over std::unordered_map because ingest interns two keys per row (bench/RESULTS.md).
//
// Concurrency: Find may run on other threads while one thread Inserts, provided no Insert grows
// the table and the dictionary does not reallocate meanwhile (WouldGrow() tells the inserting
// thread when to exclude the readers first; StoreWriter does this with a shared mutex). A slot
// is one 64-bit word, published with a release store after the dictionary entry it names is
// written, so a reader sees either an empty slot or a complete key.
#ifndef MONEYTRAIL_SRC_STORE_ACCOUNT_INDEX_H_
#define MONEYTRAIL_SRC_STORE_ACCOUNT_INDEX_H_

#include <atomic>
#include <cstdint>
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
    for (size_t i = Home(hash);; i = (i + 1) & mask_) {
      const uint64_t s = Load(i);
      if (s == kEmpty) return kNoAccount;
      if ((s & kTagMask) == tag) {
        const AccountId id = static_cast<AccountId>((s & kIdMask) - 1);
        const AccountKey& k = (*accounts_)[id];
        if (k.kind == kind && ShortBytesEqual(k.number, number) && ShortBytesEqual(k.bank, bank)) return id;
      }
    }
  }

  // Hints for a Find(hash, ...) that follows soon, for callers that look keys up in bulk: the
  // first brings the key's home slot into the cache; the second, issued later (once that slot is
  // cached), the dictionary entry the slot names. Neither changes any result.
  void PrefetchSlot(uint64_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[Home(hash)]);
  }
  void PrefetchKey(uint64_t hash) const {
    if (slots_.empty()) return;
    const uint64_t s = Load(Home(hash));
    if (s != kEmpty && (s & kTagMask) == Tag(hash)) {
      __builtin_prefetch(&(*accounts_)[static_cast<AccountId>((s & kIdMask) - 1)]);
    }
  }

  // True when the next Insert would rehash the table.
  bool WouldGrow() const { return (count_ + 1) * 2 > slots_.size(); }

  // REQUIRES: the key is not in the index and (*accounts)[id] is the key.
  void Insert(uint64_t hash, AccountId id) {
    if (WouldGrow()) Grow();
    Place(hash, id);
    ++count_;
  }

  // Sizes the table for n keys in one step (a power of two at least 2n).
  void Reserve(size_t n) {
    size_t size = slots_.empty() ? 1024 : slots_.size();
    while (size < n * 2) size *= 2;
    if (size > slots_.size()) Rehash(size);
  }

 private:
  // A slot: the hash's high 32 bits (the tag), then id + 1 (0: empty). The home slot is taken
  // from the tag's bits too, so a rehash needs no key's full hash.
  static constexpr uint64_t kEmpty = 0;
  static constexpr uint64_t kTagMask = 0xFFFFFFFF00000000ull;
  static constexpr uint64_t kIdMask = 0x00000000FFFFFFFFull;
  static uint64_t Tag(uint64_t hash) { return hash & kTagMask; }
  size_t Home(uint64_t hash) const { return static_cast<size_t>(hash >> 32) & mask_; }
  uint64_t Load(size_t i) const {
    return std::atomic_ref<uint64_t>(const_cast<uint64_t&>(slots_[i]))
        .load(std::memory_order_acquire);
  }
  void Place(uint64_t hash, AccountId id) { PlaceSlot(Tag(hash) | (static_cast<uint64_t>(id) + 1)); }
  void PlaceSlot(uint64_t slot) {
    size_t i = Home(slot);
    while (slots_[i] != kEmpty) i = (i + 1) & mask_;
    std::atomic_ref<uint64_t>(slots_[i]).store(slot, std::memory_order_release);
  }
  void Grow() { Rehash(slots_.empty() ? 1024 : slots_.size() * 2); }
  void Rehash(size_t size) {
    std::vector<uint64_t> old;
    old.swap(slots_);
    // Probes land at random: huge pages spare a TLB miss on most of them (and the faults).
    slots_.reserve(size);
    AdviseHugePages(slots_.data(), size * sizeof(uint64_t));
    slots_.assign(size, kEmpty);
    mask_ = slots_.size() - 1;
    for (uint64_t s : old) {
      if (s != kEmpty) PlaceSlot(s);
    }
  }

  const std::vector<AccountKey>* accounts_;
  std::vector<uint64_t> slots_;
  size_t mask_ = 0;
  size_t count_ = 0;
};

}  // namespace moneytrail::store::store_internal

#endif  // MONEYTRAIL_SRC_STORE_ACCOUNT_INDEX_H_
