//===- Context.h - The build context: files filtered by .dockerignore -*- C++ -*-===//
//
// What BuildKit's context transfer (fsutil) would send: the context folder walked in lexical
// order, with `.dockerignore` (or `<Dockerfile>.dockerignore`) applied exactly like fsutil
// (excluded directories still walked when a `!` exception may re-include something below them,
// and then sent only as parents). Content digests are computed lazily, once per file, for cache
// keys: xxh128 of the bytes plus type, mode, owner and link target, and for a directory the
// digests of everything below it.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "dockerfile/DockerIgnore.h"
#include "llvm/ADT/StringMap.h"

namespace ballast::builder {

/// The type of a context entry.
enum class ContextType { File, Dir, Symlink, Other };

/// One file, folder or link of the context.
struct ContextEntry {
  std::string Path; ///< relative to the context root, slash separated ("src/main.c")
  ContextType Type = ContextType::File;
  uint32_t Mode = 0; ///< permission bits incl. setuid/setgid/sticky
  uint32_t Uid = 0, Gid = 0;
  int64_t Size = 0;
  int64_t MTime = 0;
  std::string LinkTarget;
  /// Sent only because something below it was re-included by a `!` exception.
  bool OnlyAsParent = false;
};

/// A loaded build context.
class BuildContext {
public:
  /// Walks Dir, filtered by the ignore file BuildKit would use for DockerfilePath (as the user
  /// gave it; "" or "-" means none beside the Dockerfile).
  static llvm::Expected<std::unique_ptr<BuildContext>> load(llvm::StringRef Dir,
                                                            llvm::StringRef DockerfilePath);
  /// Walks Dir filtered by an already parsed ignore file.
  static llvm::Expected<std::unique_ptr<BuildContext>> load(llvm::StringRef Dir,
                                                            dockerfile::DockerIgnore Ignore);
  /// The empty context of a Dockerfile read from stdin (`ballast build -`).
  static std::unique_ptr<BuildContext> empty();

  /// The context folder ("" for the empty context).
  const std::string &root() const { return Root; }
  /// The ignore file applied, if any.
  const std::optional<std::string> &ignoreFile() const { return IgnorePath; }
  /// Every entry sent, in walk order (parents before children).
  const std::vector<ContextEntry> &entries() const { return Entries; }
  /// The entry at a context-relative path ("." or "" is the root folder, not an entry).
  const ContextEntry *find(llvm::StringRef RelPath) const;
  /// The absolute host path of a context-relative path.
  std::string hostPath(llvm::StringRef RelPath) const;
  /// Entries directly inside the folder RelPath ("" for the root), in walk order.
  std::vector<const ContextEntry *> children(llvm::StringRef RelPath) const;

  /// The content digest of an entry and everything below it (32 hex characters); "" and "."
  /// name the whole context. Files are hashed once and remembered.
  llvm::Expected<std::string> digest(llvm::StringRef RelPath) const;

private:
  BuildContext() = default;
  llvm::Error walk(const std::string &Rel, const dockerfile::MatchInfo &Parent);
  llvm::Expected<std::string> entryDigest(const ContextEntry &E) const;

  std::string Root;
  std::optional<std::string> IgnorePath;
  dockerfile::DockerIgnore Ignore;
  std::vector<ContextEntry> Entries;
  llvm::StringMap<size_t> Index;
  std::map<std::string, std::vector<size_t>> Children;
  mutable std::mutex Mu;
  mutable llvm::StringMap<std::string> Digests;
};

/// Normalises a source path the way BuildKit does (joined to "/" and cleaned, so `..` cannot
/// climb out: `../x` is `x`), without the leading "/"; "" for the root.
std::string contextRelative(llvm::StringRef Path);

} // namespace ballast::builder
