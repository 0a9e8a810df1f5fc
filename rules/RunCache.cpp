//===- RunCache.cpp -------------------------------------------------------===//
#include "rules/RunCache.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

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
      ScriptMemo(std::getenv("BALLAST_NO_SCRIPT_MEMO") == nullptr) {}

RunCache::~RunCache() = default;

llvm::vfs::FileSystem &RunCache::fileSystem() { return *FS; }

const WalkEntries &RunCache::walk(const std::string &Key,
                                  llvm::function_ref<void(WalkEntries &)> Walk) {
  // Held while walking: two files of one folder asking at once wait for one walk.
  std::lock_guard<std::mutex> Lock(WalkMu);
  std::unique_ptr<WalkEntries> &E = Walks[Key];
  if (!E) {
    E = std::make_unique<WalkEntries>();
    Walk(*E);
  }
  return *E;
}

unsigned RunCache::statusLookups() const { return FS->lookups(); }

unsigned RunCache::statusListed() const { return FS->listed(); }

namespace {

/// The key a script is filed under: XXH3 of a text of up to 2 * Edge bytes, else of its length
/// and its first and last Edge bytes. script() compares the whole text before it shares a
/// script, so the key only has to spread texts, not tell them apart; RUN bodies that differ
/// nearly always differ in length or at an end (in ../shared/corpus-external, at most two of
/// some 510 distinct texts share a key). Hashing every byte of every RUN cost 0.85 M
/// instructions a lint of that corpus, half of what looking scripts up costs besides parsing.
uint64_t scriptKey(llvm::StringRef Text) {
  constexpr size_t Edge = 64;
  if (Text.size() <= 2 * Edge)
    return XXH3_64bits(Text.data(), Text.size());
  uint64_t Tail = XXH3_64bits_withSeed(Text.data() + Text.size() - Edge, Edge, Text.size());
  return XXH3_64bits_withSeed(Text.data(), Edge, Tail);
}

} // namespace

const shell::Script *RunCache::script(llvm::StringRef Text) {
  if (!ScriptMemo)
    return nullptr;
  uint64_t Key = scriptKey(Text);
  // Also sets Crowded when the key holds MaxSameKey other texts already.
  bool Crowded = false;
  auto Find = [&]() -> const shell::Script * {
    auto It = ScriptsByKey.find(Key);
    if (It == ScriptsByKey.end())
      return nullptr;
    for (const shell::Script *S : It->second)
      if (S->text() == Text)
        return S;
    Crowded = It->second.size() >= MaxSameKey;
    return nullptr;
  };
  {
    std::lock_guard<std::mutex> Lock(ScriptMu);
    if (const shell::Script *S = Find())
      return S;
    // A crowded key (texts made to share their edges) would make every look-up compare many
    // texts: past MaxSameKey, the caller parses its own.
    if (ScriptBytes >= MaxScriptBytes || Crowded)
      return nullptr;
  }
  // Parsed outside the lock: the other thread goes on meanwhile. Should it parse the same text
  // at the same time, the first to come back is kept and the other's copy dropped.
  auto New = std::make_unique<shell::Script>(shell::Script::parse(Text));
  std::lock_guard<std::mutex> Lock(ScriptMu);
  if (const shell::Script *S = Find())
    return S;
  // A script's arena is about eight times its text, in slabs of 16 KiB.
  ScriptBytes += std::max<size_t>(size_t(16) << 10, Text.size() * 8);
  ScriptsByKey[Key].push_back(New.get());
  Scripts.push_back(std::move(New));
  return Scripts.back().get();
}

unsigned RunCache::scriptsParsed() const {
  std::lock_guard<std::mutex> Lock(ScriptMu);
  return static_cast<unsigned>(Scripts.size());
}

} // namespace ballast::rules
