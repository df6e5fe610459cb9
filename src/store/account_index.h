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
//
// Growth doubles the table in place: the slots live in an anonymous mapping (zero-filled by the
// kernel) whose pages are moved, not copied, into a mapping twice as large (mremap), and the
// keys are re-placed within it. A grown table thus faults in only its new half (doubling into a
// fresh table faulted in every table afresh: 64 MB of zeroed pages for a 32 MB final table,
// bench/RESULTS-ingest.md Session 17), and never holds two tables at once.
#ifndef MONEYTRAIL_SRC_STORE_ACCOUNT_INDEX_H_
#define MONEYTRAIL_SRC_STORE_ACCOUNT_INDEX_H_

#include <sys/mman.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <new>
#include <string_view>
#include <utility>
#include <vector>

#include "moneytrail/file_util.h"
#include "moneytrail/store.h"

namespace moneytrail::store::store_internal {

class AccountIndex {
 public:
  // `accounts` is the dictionary the ids refer to; it must outlive the index.
  explicit AccountIndex(const std::vector<AccountKey>* accounts) : accounts_(accounts) {}
  ~AccountIndex() { Unmap(slots_, size_); }
  AccountIndex(AccountIndex&& o) noexcept
      : accounts_(o.accounts_),
        slots_(std::exchange(o.slots_, nullptr)),
        size_(std::exchange(o.size_, 0)),
        mask_(std::exchange(o.mask_, 0)),
        count_(std::exchange(o.count_, 0)) {}
  AccountIndex& operator=(AccountIndex&& o) noexcept {
    if (this != &o) {
      Unmap(slots_, size_);
      accounts_ = o.accounts_;
      slots_ = std::exchange(o.slots_, nullptr);
      size_ = std::exchange(o.size_, 0);
      mask_ = std::exchange(o.mask_, 0);
      count_ = std::exchange(o.count_, 0);
    }
    return *this;
  }
  AccountIndex(const AccountIndex&) = delete;
  AccountIndex& operator=(const AccountIndex&) = delete;

  // The id of the key, or kNoAccount.
  AccountId Find(uint64_t hash, NodeKind kind, std::string_view bank,
                 std::string_view number) const {
    if (size_ == 0) return kNoAccount;
    const uint64_t tag = Tag(hash);
    const PackedKey key = Pack(kind, bank, number);
    for (size_t i = Home(hash);; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      const uint64_t s = Load(slot);
      if (s == kEmpty) return kNoAccount;
      if ((s & kTagMask) != tag || !SameWords(slot.key, key)) continue;
      const AccountId id = static_cast<AccountId>((s & kIdMask) - 1);
      if (key.IsInline()) return id;
      const AccountKey& k = (*accounts_)[id];
      if (k.kind == kind && k.number == number && k.bank == bank) return id;
    }
  }

  // A hint for a Find(hash, ...) that follows soon, for callers that look keys up in bulk: brings
  // the key's home slot into the cache. It changes no result.
  void Prefetch(uint64_t hash) const {
    if (size_ != 0) __builtin_prefetch(&slots_[Home(hash)]);
  }

  // True when the next Insert would rehash the table.
  bool WouldGrow() const { return (count_ + 1) * 2 > size_; }

  // REQUIRES: the key is not in the index and (*accounts)[id] is the key.
  void Insert(uint64_t hash, AccountId id) {
    if (WouldGrow()) Grow();
    const AccountKey& k = (*accounts_)[id];
    Place(Tag(hash) | (static_cast<uint64_t>(id) + 1), Pack(k.kind, k.bank, k.number));
    ++count_;
  }

  // Sizes the table for n keys (a power of two at least 2n): in one step when it is empty.
  void Reserve(size_t n) {
    if (size_ == 0) {
      size_t size = 1024;
      while (size < n * 2) size *= 2;
      slots_ = MapSlots(size);
      size_ = size;
      mask_ = size - 1;
    }
    while (size_ < n * 2) Double();
  }

  // The table's slot count (for tests).
  size_t slot_count() const { return size_; }

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
  static bool SameWords(const PackedKey& a, const PackedKey& b) {
    return ((a.w[0] ^ b.w[0]) | (a.w[1] ^ b.w[1]) | (a.w[2] ^ b.w[2])) == 0;
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
  void Grow() {
    if (size_ == 0) {
      Reserve(1);
    } else {
      Double();
    }
  }

  // Doubles the table in place. The old slots become the lower half of a mapping twice as large
  // (the upper half zero: empty), and each key is re-placed. A key's new home is its old home h
  // or h + old size. Keys are taken out and re-placed in slot order, starting after the first
  // empty slot e (the keys before e, a cluster that wrapped around the old end, are set aside
  // and re-placed last). A key at old slot j > e has its home in (e, j], so its probe passes
  // only slots already re-placed and stops at j at the latest (j was just emptied), or, homed
  // in the upper half, passes only re-placed keys there and, wrapping, again stops by j: no
  // probe passes a key that is still to move, so every key stays reachable.
  void Double() {
    const size_t old = size_;
    slots_ = ExtendSlots(slots_, old, old * 2);
    size_ = old * 2;
    mask_ = size_ - 1;
    size_t e = 0;
    while (slots_[e].word != kEmpty) ++e;  // one exists: the load was at most a half
    std::vector<Slot> wrapped(slots_, slots_ + e);
    for (size_t i = 0; i < e; ++i) slots_[i] = Slot{kEmpty, PackedKey{}};
    for (size_t j = e + 1; j < old; ++j) {
      if (slots_[j].word == kEmpty) continue;
      const Slot s = slots_[j];
      slots_[j] = Slot{kEmpty, PackedKey{}};
      Place(s.word, s.key);
    }
    for (const Slot& s : wrapped) Place(s.word, s.key);
  }

  // `count` zero slots in an anonymous mapping, 2 MiB-aligned when it spans a huge page (probes
  // land at random: huge pages spare a TLB miss on most of them, and the faults).
  static Slot* MapSlots(size_t count) {
    constexpr uintptr_t kHuge = uintptr_t{2} << 20;
    const size_t bytes = count * sizeof(Slot);
    const size_t extra = bytes >= kHuge ? kHuge : 0;
    void* p = ::mmap(nullptr, bytes + extra, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                     -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    uintptr_t begin = reinterpret_cast<uintptr_t>(p);
    if (extra != 0) {
      const uintptr_t end = begin + bytes + extra;
      const uintptr_t aligned = (begin + kHuge - 1) & ~(kHuge - 1);
      if (aligned > begin) ::munmap(p, aligned - begin);
      if (end > aligned + bytes) {
        ::munmap(reinterpret_cast<void*>(aligned + bytes), end - aligned - bytes);
      }
      begin = aligned;
    }
    AdviseHugePages(reinterpret_cast<void*>(begin), bytes);
    return reinterpret_cast<Slot*>(begin);
  }
  // A mapping of `count` slots whose first `old` are `slots` (moved there, not copied, where the
  // kernel can) and the rest zero; `slots` is released.
  static Slot* ExtendSlots(Slot* slots, size_t old, size_t count) {
    Slot* grown = MapSlots(count);
    const size_t bytes = old * sizeof(Slot);
#ifdef MREMAP_FIXED
    if (::mremap(slots, bytes, bytes, MREMAP_MAYMOVE | MREMAP_FIXED, grown) != MAP_FAILED) {
      AdviseHugePages(grown, count * sizeof(Slot));  // the moved pages kept the old advice
      return grown;
    }
#endif
    std::memcpy(static_cast<void*>(grown), slots, bytes);
    Unmap(slots, old);
    return grown;
  }
  static void Unmap(Slot* slots, size_t count) {
    if (slots != nullptr) ::munmap(slots, count * sizeof(Slot));
  }

  const std::vector<AccountKey>* accounts_;
  Slot* slots_ = nullptr;  // size_ slots, in a mapping of their own
  size_t size_ = 0;
  size_t mask_ = 0;
  size_t count_ = 0;
};

}  // namespace moneytrail::store::store_internal

#endif  // MONEYTRAIL_SRC_STORE_ACCOUNT_INDEX_H_
