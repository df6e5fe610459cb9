// Internal: an open-addressing index from account key (kind, bank, number) to AccountId, with
// the key's hash supplied by the caller so that parsing threads can compute it in parallel.
// Chosen over std::unordered_map because ingest interns two keys per row (bench/RESULTS.md).
#ifndef MONEYTRAIL_SRC_STORE_ACCOUNT_INDEX_H_
#define MONEYTRAIL_SRC_STORE_ACCOUNT_INDEX_H_

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
    for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.id == kNoAccount) return kNoAccount;
      if (s.hash == hash) {
        const AccountKey& k = (*accounts_)[s.id];
        if (k.kind == kind && k.number == number && k.bank == bank) return s.id;
      }
    }
  }

  // Hints for a Find(hash, ...) that follows soon, for callers that look keys up in bulk: the
  // first brings the key's home slot into the cache; the second, issued later (once that slot is
  // cached), the dictionary entry the slot names. Neither changes any result.
  void PrefetchSlot(uint64_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[hash & mask_]);
  }
  void PrefetchKey(uint64_t hash) const {
    if (slots_.empty()) return;
    const Slot& s = slots_[hash & mask_];
    if (s.id != kNoAccount && s.hash == hash) __builtin_prefetch(&(*accounts_)[s.id]);
  }

  // REQUIRES: the key is not in the index and (*accounts)[id] is the key.
  void Insert(uint64_t hash, AccountId id) {
    if ((count_ + 1) * 2 > slots_.size()) Grow();
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
  struct Slot {
    uint64_t hash = 0;
    AccountId id = kNoAccount;
  };
  void Place(uint64_t hash, AccountId id) {
    size_t i = hash & mask_;
    while (slots_[i].id != kNoAccount) i = (i + 1) & mask_;
    slots_[i] = Slot{hash, id};
  }
  void Grow() { Rehash(slots_.empty() ? 1024 : slots_.size() * 2); }
  void Rehash(size_t size) {
    std::vector<Slot> old;
    old.swap(slots_);
    // Probes land at random: huge pages spare a TLB miss on most of them (and the faults).
    slots_.reserve(size);
    AdviseHugePages(slots_.data(), size * sizeof(Slot));
    slots_.assign(size, Slot{});
    mask_ = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.id != kNoAccount) Place(s.hash, s.id);
    }
  }

  const std::vector<AccountKey>* accounts_;
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t count_ = 0;
};

}  // namespace moneytrail::store::store_internal

#endif  // MONEYTRAIL_SRC_STORE_ACCOUNT_INDEX_H_
