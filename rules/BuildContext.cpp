//===- BuildContext.cpp - The build context folder as rules see it --------===//
#include "rules/BuildContext.h"

#include "rules/RunCache.h"

#include <dirent.h>
#include <filesystem>
#include <memory>
#include <sys/stat.h>
#include <system_error>

#include "llvm/Support/Error.h"
#include "llvm/Support/VirtualFileSystem.h"

namespace ballast::rules {

namespace fs = std::filesystem;

namespace {

/// Whether C's context folder exists, and the ignore file that applies (Found, when Known and
/// there is one).
struct IgnoreLookup {
  bool Known = false;
  std::optional<std::string> Found;
};

IgnoreLookup lookUpIgnoreFile(llvm::vfs::FileSystem &FS, llvm::StringRef Ctx,
                              llvm::StringRef Path) {
  IgnoreLookup L;
  llvm::ErrorOr<llvm::vfs::Status> St = FS.status(Ctx);
  if (!St || !St->isDirectory())
    return L;
  L.Known = true;
  std::string DfPath = Path.str();
  // A bare file name (as tests pass it) lives in the context folder.
  if (!DfPath.empty() && DfPath != "-" && !fs::path(DfPath).has_parent_path())
    DfPath = (fs::path(Ctx.str()) / DfPath).string();
  auto Found = dockerfile::findIgnoreFile(FS, Ctx, DfPath);
  if (!Found)
    llvm::consumeError(Found.takeError());
  else if (*Found)
    L.Found = std::move(**Found);
  return L;
}

} // namespace

BuildContextView loadBuildContext(const Context &C) {
  BuildContextView V;
  llvm::StringRef Ctx = C.model().contextDir();
  llvm::vfs::FileSystem &FS = C.model().fileSystem();
  if (Ctx.empty())
    return V;
  llvm::StringRef Path = C.file().Source->path();
  IgnoreLookup L;
  if (RunCache *Cache = C.model().runCache()) {
    // Kept as a walk's entries under a key no walk has (a walk's starts with its folder):
    // none when the folder is unknown, else one, the ignore file's path and whether there is
    // one.
    std::string Key;
    Key.reserve(9 + Ctx.size() + Path.size());
    Key.append("\0ignore\0", 8).append(Ctx.data(), Ctx.size()).append(1, '\0');
    Key.append(Path.data(), Path.size());
    const WalkEntries &E = Cache->walk(Key, [&](WalkEntries &Out) {
      IgnoreLookup Now = lookUpIgnoreFile(FS, Ctx, Path);
      if (Now.Known)
        Out.emplace_back(Now.Found.value_or(""), Now.Found.has_value());
    });
    L.Known = !E.empty();
    if (L.Known && E.front().second)
      L.Found = E.front().first;
  } else {
    L = lookUpIgnoreFile(FS, Ctx, Path);
  }
  V.Known = L.Known;
  if (!L.Found)
    return V;
  V.IgnorePath = std::move(L.Found);
  auto DI = dockerfile::DockerIgnore::load(FS, *V.IgnorePath);
  if (!DI) {
    llvm::consumeError(DI.takeError());
    return V;
  }
  V.Ignore = std::move(*DI);
  return V;
}

bool isWholeContextSource(llvm::StringRef Src) {
  return Src == "." || Src == "./" || Src == "./." || Src == "/";
}

namespace {

/// Closes a directory stream when the walk of one folder ends.
struct DirCloser {
  void operator()(DIR *D) const { closedir(D); }
};

/// Walks the folder Root/Rel with readdir: the entry type comes from d_type (lstat only when the
/// file system leaves it unknown), and the relative path is grown in one buffer, so an entry
/// costs no std::filesystem::path parse and no allocation of its own.
void walkDir(const BuildContextView &V, std::string &Abs, std::string &Rel, unsigned Depth,
             unsigned MaxDepth, unsigned &Left, llvm::function_ref<void(llvm::StringRef, bool)> F) {
  std::unique_ptr<DIR, DirCloser> D(opendir(Abs.c_str()));
  if (!D)
    return;
  const size_t AbsLen = Abs.size(), RelLen = Rel.size();
  while (Left > 0) {
    const dirent *E = readdir(D.get());
    if (!E)
      break;
    llvm::StringRef Name(E->d_name);
    if (Name == "." || Name == "..")
      continue;
    if (RelLen != 0)
      Rel += '/';
    Rel.append(Name.data(), Name.size());
    Abs += '/';
    Abs.append(Name.data(), Name.size());
    // A folder, not a link to one (as is_directory() && !is_symlink() said).
    bool IsDir = E->d_type == DT_DIR;
    if (E->d_type == DT_UNKNOWN) {
      struct stat St;
      IsDir = lstat(Abs.c_str(), &St) == 0 && S_ISDIR(St.st_mode);
    }
    bool Enter = true;
    if (!V.Ignore.empty() && V.Ignore.matches(Rel)) {
      Enter = IsDir && V.Ignore.exceptionMayMatchBelow(Rel);
    } else {
      --Left;
      F(Rel, IsDir);
    }
    if (Enter && IsDir && Depth < MaxDepth && Name != ".git" && Name != "node_modules")
      walkDir(V, Abs, Rel, Depth + 1, MaxDepth, Left, F);
    Rel.resize(RelLen);
    Abs.resize(AbsLen);
  }
}

/// The walk depends on the folder, the ignore file and the bounds.
std::string walkKey(const BuildContextView &V, llvm::StringRef ContextDir, unsigned MaxDepth,
                    unsigned MaxEntries) {
  return ContextDir.str() + '\0' + V.IgnorePath.value_or("") + '\0' + std::to_string(MaxDepth) +
         '\0' + std::to_string(MaxEntries);
}

/// The walk of ContextDir (a known context), made once per run for Key.
const WalkEntries &walkEntries(const BuildContextView &V, llvm::StringRef ContextDir,
                               unsigned MaxDepth, const std::string &Key, RunCache &Cache,
                               unsigned MaxEntries) {
  return Cache.walk(Key, [&](WalkEntries &Out) {
    unsigned Left = MaxEntries;
    std::string Abs = ContextDir.str(), Rel;
    walkDir(V, Abs, Rel, 0, MaxDepth, Left,
            [&](llvm::StringRef Rel, bool IsDir) { Out.emplace_back(Rel.str(), IsDir); });
  });
}

} // namespace

void walkContext(const BuildContextView &V, llvm::StringRef ContextDir, unsigned MaxDepth,
                 unsigned MaxEntries, llvm::function_ref<void(llvm::StringRef, bool)> F,
                 RunCache *Cache) {
  if (!V.Known)
    return;
  if (!Cache) {
    unsigned Left = MaxEntries;
    std::string Abs = ContextDir.str(), Rel;
    walkDir(V, Abs, Rel, 0, MaxDepth, Left, F);
    return;
  }
  const WalkEntries &Entries = walkEntries(
      V, ContextDir, MaxDepth, walkKey(V, ContextDir, MaxDepth, MaxEntries), *Cache, MaxEntries);
  for (const auto &[Rel, IsDir] : Entries)
    F(Rel, IsDir);
}

const WalkEntries &
gatherFromContext(const BuildContextView &V, llvm::StringRef ContextDir, unsigned MaxDepth,
                  unsigned MaxEntries, llvm::StringRef Tag,
                  llvm::function_ref<void(llvm::StringRef, bool, WalkEntries &)> Gather,
                  RunCache *Cache, WalkEntries &Scratch) {
  Scratch.clear();
  if (!V.Known || !Cache) {
    walkContext(V, ContextDir, MaxDepth, MaxEntries,
                [&](llvm::StringRef Rel, bool IsDir) { Gather(Rel, IsDir, Scratch); });
    return Scratch;
  }
  std::string Key = walkKey(V, ContextDir, MaxDepth, MaxEntries);
  const WalkEntries &Entries = walkEntries(V, ContextDir, MaxDepth, Key, *Cache, MaxEntries);
  // (Not inside the walk's callback: RunCache::walk holds its lock while it runs.) The walk's
  // key has four parts; one with a fifth is no walk.
  Key.append(1, '\0').append(Tag.data(), Tag.size());
  return Cache->walk(Key, [&](WalkEntries &Out) {
    for (const auto &[Rel, IsDir] : Entries)
      Gather(Rel, IsDir, Out);
  });
}

} // namespace ballast::rules
