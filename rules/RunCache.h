//===- RunCache.h - File system answers shared by one lint run ---*- C++ -*-===//
//
// A lint of many files asks the same questions of the file system again and again: is the
// build context a folder, is there a `.dockerignore`, a `.git`, a `node_modules`, what does a
// walk of the context find. Files in one folder share the answers, so one RunCache per run
// (rules::LintOptions::Cache) looks each up once. It is thread-safe, and a run sees the file
// system as it was when a question was first asked (like rules::ConfigFinder's config lookup).
//
// It also keeps the parsed shell script of every RUN text it is asked for: generated variants
// of one image (docker-library's php, node, python...) repeat the same RUN bodies file after
// file (the 438 files of ../shared/corpus-external hold 1,801 RUNs with 506 distinct texts), and a
// script is a pure function of its text. The memo holds at most MaxScriptBytes (estimated);
// past that, scripts are parsed per file as without a RunCache.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/VirtualFileSystem.h"

namespace ballast {
class FolderDescriptors;
} // namespace ballast

namespace ballast::shell {
class Script;
} // namespace ballast::shell

namespace ballast::rules {

/// The entries of a build-context walk: relative path and whether it is a folder.
using WalkEntries = std::vector<std::pair<std::string, bool>>;

class RunCache {
public:
  /// With Listings, a status() question about a name in a folder the run opened already
  /// (support/ReadFiles.h) that its listing lacks is answered "no such file" with no system
  /// call (the `.dockerignore`s, `.git` and `node_modules` most folders lack).
  explicit RunCache(FolderDescriptors *Listings = nullptr);
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
  /// How many status() questions a folder's listing answered (for tests).
  unsigned statusListed() const;

  /// The parsed script of Text: parsed by the first file that asks, shared by every later one
  /// (it lives as long as the RunCache). Null when the memo is full or switched off
  /// (BALLAST_NO_SCRIPT_MEMO=1, for benchmarks): the caller parses Text itself.
  const shell::Script *script(llvm::StringRef Text);
  /// How many scripts script() has parsed (for tests).
  unsigned scriptsParsed() const;

  /// What the script memo may hold: about the scripts of 1,000 RUNs of average size.
  static constexpr size_t MaxScriptBytes = size_t(16) << 20;
  /// How many distinct texts may share one key (their length and edges): past that, script()
  /// returns null for a new one rather than compare every look-up with them all.
  static constexpr size_t MaxSameKey = 8;

private:
  class StatusCachingFS;
  llvm::IntrusiveRefCntPtr<StatusCachingFS> FS;
  /// A walk, made once by the first file that asks (outside WalkMu, see walk()). State is
  /// NotWalked, Walking (WalkingWaited once another caller waits for it) or WalkDone.
  enum : uint8_t { NotWalked, Walking, WalkingWaited, WalkDone };
  struct Walked {
    std::atomic<uint8_t> State{NotWalked};
    WalkEntries Entries;
  };
  std::mutex WalkMu;
  llvm::StringMap<std::unique_ptr<Walked>> Walks;

  /// A memo slot: a script and the key of its text (scriptKey in RunCache.cpp: a hash of its
  /// length and edges). Key is written before Script is published and never changes after.
  struct ScriptSlot {
    uint64_t Key = 0;
    std::atomic<const shell::Script *> Script{nullptr};
  };
  /// The slot of Text's script, or null; Same counts the other texts of Key met on the way
  /// and Free is the first empty slot (where Text's script would go). Needs no lock.
  const shell::Script *findScript(uint64_t Key, llvm::StringRef Text, size_t &Same,
                                  size_t &Free) const;

  /// Taken to add a script (a look-up takes none).
  mutable std::mutex ScriptMu;
  bool ScriptMemo;
  /// The scripts by key, open-addressed (linear probing) in a table that never moves: a
  /// look-up, nearly every call (a run has three RUNs of a text it parsed for one it parses),
  /// needs neither the lock nor a hash map. The memo's byte budget keeps it at most half full.
  static constexpr unsigned ScriptSlotBits = 11;
  static constexpr size_t ScriptSlotCount = size_t(1) << ScriptSlotBits;
  static_assert(MaxScriptBytes / (size_t(16) << 10) <= ScriptSlotCount / 2,
                "a script takes at least 16 KiB of the budget (RunCache::script)");
  std::unique_ptr<ScriptSlot[]> ScriptSlots;
  std::vector<std::unique_ptr<shell::Script>> Scripts;
  std::atomic<size_t> ScriptBytes{0};
};

} // namespace ballast::rules
