//===- RunCache.h - File system answers shared by one lint run ---*- C++ -*-===//
//
// A lint of many files asks the same questions of the file system again and again: is the
// build context a folder, is there a `.dockerignore`, a `.git`, a `node_modules`, what does a
// walk of the context find. Files in one folder share the answers, so one RunCache per run
// (rules::LintOptions::Cache) looks each up once. It is thread-safe, and a run sees the file
// system as it was when a question was first asked (like rules::ConfigFinder's config lookup).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/VirtualFileSystem.h"

namespace ballast::rules {

/// The entries of a build-context walk: relative path and whether it is a folder.
using WalkEntries = std::vector<std::pair<std::string, bool>>;

class RunCache {
public:
  RunCache();
  ~RunCache();
  RunCache(const RunCache &) = delete;
  RunCache &operator=(const RunCache &) = delete;

  /// The real file system, with status() answers remembered per path (files are read from
  /// the real one each time).
  llvm::vfs::FileSystem &fileSystem();

  /// The entries Walk fills in for Key, computed by the first caller and shared afterwards.
  const WalkEntries &walk(const std::string &Key, llvm::function_ref<void(WalkEntries &)> Walk);

  /// How many status() questions reached the real file system (for tests).
  unsigned statusLookups() const;

private:
  class StatusCachingFS;
  llvm::IntrusiveRefCntPtr<StatusCachingFS> FS;
  std::mutex WalkMu;
  llvm::StringMap<std::unique_ptr<WalkEntries>> Walks;
};

} // namespace ballast::rules
