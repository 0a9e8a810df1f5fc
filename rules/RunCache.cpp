//===- RunCache.cpp -------------------------------------------------------===//
#include "rules/RunCache.h"

namespace ballast::rules {

/// A ProxyFileSystem over the real one whose status() answers are kept per path.
class RunCache::StatusCachingFS : public llvm::vfs::ProxyFileSystem {
public:
  StatusCachingFS() : ProxyFileSystem(llvm::vfs::getRealFileSystem()) {}

  llvm::ErrorOr<llvm::vfs::Status> status(const llvm::Twine &Path) override {
    llvm::SmallString<256> Key;
    llvm::StringRef P = Path.toStringRef(Key);
    {
      std::lock_guard<std::mutex> Lock(Mu);
      auto It = Known.find(P);
      if (It != Known.end())
        return It->second;
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

private:
  mutable std::mutex Mu;
  llvm::StringMap<llvm::ErrorOr<llvm::vfs::Status>> Known;
  unsigned Lookups = 0;
};

RunCache::RunCache() : FS(new StatusCachingFS()) {}

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

} // namespace ballast::rules
