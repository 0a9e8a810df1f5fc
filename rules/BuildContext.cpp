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

BuildContextView loadBuildContext(const Context &C) {
  BuildContextView V;
  llvm::StringRef Ctx = C.model().contextDir();
  llvm::vfs::FileSystem &FS = C.model().fileSystem();
  if (Ctx.empty())
    return V;
  llvm::ErrorOr<llvm::vfs::Status> St = FS.status(Ctx);
  if (!St || !St->isDirectory())
    return V;
  V.Known = true;
  std::string DfPath = C.file().Source->path().str();
  // A bare file name (as tests pass it) lives in the context folder.
  if (!DfPath.empty() && DfPath != "-" && !fs::path(DfPath).has_parent_path())
    DfPath = (fs::path(Ctx.str()) / DfPath).string();
  auto Found = dockerfile::findIgnoreFile(FS, Ctx, DfPath);
  if (!Found) {
    llvm::consumeError(Found.takeError());
    return V;
  }
  if (!*Found)
    return V;
  V.IgnorePath = **Found;
  auto DI = dockerfile::DockerIgnore::load(FS, **Found);
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

} // namespace

void walkContext(const BuildContextView &V, llvm::StringRef ContextDir, unsigned MaxDepth,
                 unsigned MaxEntries, llvm::function_ref<void(llvm::StringRef, bool)> F,
                 RunCache *Cache) {
  if (!V.Known)
    return;
  auto Walk = [&](llvm::function_ref<void(llvm::StringRef, bool)> G) {
    unsigned Left = MaxEntries;
    std::string Abs = ContextDir.str(), Rel;
    walkDir(V, Abs, Rel, 0, MaxDepth, Left, G);
  };
  if (!Cache) {
    Walk(F);
    return;
  }
  // The walk depends on the folder, the ignore file and the bounds.
  std::string Key = ContextDir.str() + '\0' + V.IgnorePath.value_or("") + '\0' +
                    std::to_string(MaxDepth) + '\0' + std::to_string(MaxEntries);
  const WalkEntries &Entries = Cache->walk(Key, [&](WalkEntries &Out) {
    Walk([&](llvm::StringRef Rel, bool IsDir) { Out.emplace_back(Rel.str(), IsDir); });
  });
  for (const auto &[Rel, IsDir] : Entries)
    F(Rel, IsDir);
}

} // namespace ballast::rules
