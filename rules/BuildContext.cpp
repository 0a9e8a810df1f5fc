//===- BuildContext.cpp - The build context folder as rules see it --------===//
#include "rules/BuildContext.h"

#include "rules/RunCache.h"

#include <filesystem>
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

void walkDir(const BuildContextView &V, const fs::path &Root, const std::string &Rel,
             unsigned Depth, unsigned MaxDepth, unsigned &Left,
             llvm::function_ref<void(llvm::StringRef, bool)> F) {
  std::error_code EC;
  fs::directory_iterator It(Rel.empty() ? Root : Root / Rel, EC), End;
  for (; !EC && It != End && Left > 0; It.increment(EC)) {
    std::string Name = It->path().filename().string();
    std::string Path = Rel;
    if (!Path.empty())
      Path += '/';
    Path += Name;
    std::error_code E2;
    bool IsDir = It->is_directory(E2) && !It->is_symlink(E2);
    if (!V.Ignore.empty() && V.Ignore.matches(Path)) {
      if (!IsDir || !V.Ignore.exceptionMayMatchBelow(Path))
        continue;
    } else {
      --Left;
      F(Path, IsDir);
    }
    if (IsDir && Depth < MaxDepth && Name != ".git" && Name != "node_modules")
      walkDir(V, Root, Path, Depth + 1, MaxDepth, Left, F);
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
    walkDir(V, fs::path(ContextDir.str()), "", 0, MaxDepth, Left, G);
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
