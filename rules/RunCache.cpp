//===- RunCache.cpp -------------------------------------------------------===//
#include "rules/RunCache.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "shell/Script.h"
#include "support/ReadFiles.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace ballast::rules {

/// A ProxyFileSystem over the real one whose status() answers are kept per path.
class RunCache::StatusCachingFS : public llvm::vfs::ProxyFileSystem {
public:
  explicit StatusCachingFS(FolderDescriptors *Listings)
      : ProxyFileSystem(llvm::vfs::getRealFileSystem()), Listings(Listings) {}

  llvm::ErrorOr<llvm::vfs::Status> status(const llvm::Twine &Path) override {
    llvm::SmallString<256> Key;
    llvm::StringRef P = Path.toStringRef(Key);
    {
      std::lock_guard<std::mutex> Lock(Mu);
      auto It = Known.find(P);
      if (It != Known.end())
        return It->second;
    }
    // The error stat() gives, as llvm::sys::fs::status words it.
    if (Listings && Listings->entryOfPath(P) == FolderDescriptors::Entry::Missing) {
      std::lock_guard<std::mutex> Lock(Mu);
      ++Listed;
      return Known
          .try_emplace(
              P, llvm::ErrorOr<llvm::vfs::Status>(std::error_code(ENOENT, std::generic_category())))
          .first->second;
    }
    llvm::ErrorOr<llvm::vfs::Status> S = ProxyFileSystem::status(P);
    std::lock_guard<std::mutex> Lock(Mu);
    ++Lookups;
    return Known.try_emplace(P, std::move(S)).first->second;
  }

  unsigned lookups() const {
    std::lock_guard<std::mutex> Lock(Mu);
    return Lookups;
  }
  unsigned listed() const {
    std::lock_guard<std::mutex> Lock(Mu);
    return Listed;
  }

private:
  FolderDescriptors *Listings;
  mutable std::mutex Mu;
  llvm::StringMap<llvm::ErrorOr<llvm::vfs::Status>> Known;
  unsigned Lookups = 0, Listed = 0;
};

RunCache::RunCache(FolderDescriptors *Listings)
    : FS(new StatusCachingFS(Listings)),
      ScriptMemo(std::getenv("BALLAST_NO_SCRIPT_MEMO") == nullptr),
      ScriptSlots(ScriptMemo ? new ScriptSlot[ScriptSlotCount] : nullptr) {}

RunCache::~RunCache() = default;

llvm::vfs::FileSystem &RunCache::fileSystem() { return *FS; }

const WalkEntries &RunCache::walk(const std::string &Key,
                                  llvm::function_ref<void(WalkEntries &)> Walk) {
  Walked *W;
  {
    std::lock_guard<std::mutex> Lock(WalkMu);
    std::unique_ptr<Walked> &E = Walks[Key];
    if (!E)
      E = std::make_unique<Walked>();
    W = E.get();
  }
  // Walked outside the lock: two files of one folder asking at once wait for one walk, and a
  // file asking for another walk meanwhile goes on (with the lock held through the walk, it
  // slept until this one was done, about once a lint of the corpus). Not std::call_once:
  // glibc's pthread_once wakes waiters with a futex call after every first call, whether any
  // thread waits or not (50 system calls a lint of ../shared/corpus-external); here only a
  // walk that another caller waits for ends with a wake-up.
  while (true) {
    uint8_t S = W->State.load(std::memory_order_acquire);
    if (S == WalkDone)
      return W->Entries;
    if (S == NotWalked) {
      if (!W->State.compare_exchange_strong(S, Walking, std::memory_order_acquire))
        continue;
      // A walk left by an exception hands the key back, emptied, and wakes those waiting
      // for it (one of them walks again).
      struct Publish {
        Walked &W;
        uint8_t To = NotWalked;
        ~Publish() {
          if (To != WalkDone)
            W.Entries.clear();
          if (W.State.exchange(To, std::memory_order_acq_rel) == WalkingWaited)
            W.State.notify_all();
        }
      } P{*W};
      Walk(W->Entries);
      P.To = WalkDone;
      return W->Entries;
    }
    if (S == Walking &&
        !W->State.compare_exchange_weak(S, WalkingWaited, std::memory_order_acquire))
      continue;
    W->State.wait(WalkingWaited, std::memory_order_acquire);
  }
}

unsigned RunCache::statusLookups() const { return FS->lookups(); }

unsigned RunCache::statusListed() const { return FS->listed(); }

namespace {

/// The key a script is filed under: a hash of its length and its first and last Edge bytes
/// (all of a text of up to 2 * Edge bytes). script() compares the whole text before it shares
/// a script, so the key only has to spread texts, not tell them apart; RUN bodies that differ
/// nearly always differ in length or at an end (in ../shared/corpus-external, at most two of
/// some 510 distinct texts share a key). Hashing every byte of every RUN cost 0.85 M
/// instructions a lint of that corpus; XXH3 of the two edges cost about 130 instructions a
/// look-up, a multiply per word about 60 (shorter texts, few, still take XXH3).
uint64_t scriptKey(llvm::StringRef Text) {
  constexpr size_t Edge = 64;
  const size_t N = Text.size();
  if (N < Edge)
    return XXH3_64bits(Text.data(), N);
  const char *Head = Text.data(), *Tail = Text.data() + N - Edge;
  // Two lanes, each word xored in, rotated (so that its high bits reach the low ones) and
  // multiplied.
  uint64_t A = N * 0x9E3779B97F4A7C15ULL, B = ~N;
  for (size_t I = 0; I < Edge; I += 16) {
    uint64_t W[4];
    std::memcpy(&W[0], Head + I, 16);
    std::memcpy(&W[2], Tail + I, 16);
    A = std::rotl(A ^ W[0], 27) * 0xC2B2AE3D27D4EB4FULL;
    B = std::rotl(B ^ W[1], 31) * 0x165667B19E3779F9ULL;
    A = std::rotl(A ^ W[2], 27) * 0xC2B2AE3D27D4EB4FULL;
    B = std::rotl(B ^ W[3], 31) * 0x165667B19E3779F9ULL;
  }
  uint64_t H = (A ^ std::rotl(B, 32)) * 0x9E3779B97F4A7C15ULL;
  return H ^ (H >> 29);
}

} // namespace

const shell::Script *RunCache::findScript(uint64_t Key, llvm::StringRef Text, size_t &Same,
                                          size_t &Free) const {
  Same = 0;
  for (size_t I = Key >> (64 - ScriptSlotBits);; I = (I + 1) & (ScriptSlotCount - 1)) {
    const ScriptSlot &Slot = ScriptSlots[I];
    const shell::Script *S = Slot.Script.load(std::memory_order_acquire);
    if (!S) {
      Free = I;
      return nullptr;
    }
    if (Slot.Key != Key)
      continue;
    if (S->text() == Text)
      return S;
    ++Same;
  }
}

const shell::Script *RunCache::script(llvm::StringRef Text) {
  if (!ScriptMemo)
    return nullptr;
  const uint64_t Key = scriptKey(Text);
  size_t Same = 0, Free = 0;
  if (const shell::Script *S = findScript(Key, Text, Same, Free))
    return S;
  // A crowded key (texts made to share their edges) would make every look-up compare many
  // texts: past MaxSameKey, the caller parses its own. No lock for these tests (two threads
  // may both pass them: see below): with one here, a new script took the lock twice, and the
  // other thread often slept on one of them.
  if (ScriptBytes.load(std::memory_order_relaxed) >= MaxScriptBytes || Same >= MaxSameKey)
    return nullptr;
  // Parsed outside the lock: the other thread goes on meanwhile. Should it parse the same text
  // at the same time, the first to come back is kept and the other's copy dropped.
  auto New = std::make_unique<shell::Script>(shell::Script::parse(Text));
  std::lock_guard<std::mutex> Lock(ScriptMu);
  if (const shell::Script *S = findScript(Key, Text, Same, Free))
    return S;
  // A script's arena is about eight times its text, in slabs of 16 KiB.
  ScriptBytes.fetch_add(std::max<size_t>(size_t(16) << 10, Text.size() * 8),
                        std::memory_order_relaxed);
  Scripts.push_back(std::move(New));
  // Every thread may pass the tests above at once: past half the table (which the budget
  // alone never fills), or past MaxSameKey, a script is kept but not filed.
  if (Scripts.size() <= ScriptSlotCount / 2 && Same < MaxSameKey) {
    ScriptSlots[Free].Key = Key;
    ScriptSlots[Free].Script.store(Scripts.back().get(), std::memory_order_release);
  }
  return Scripts.back().get();
}

unsigned RunCache::scriptsParsed() const {
  std::lock_guard<std::mutex> Lock(ScriptMu);
  return static_cast<unsigned>(Scripts.size());
}

} // namespace ballast::rules
