//===- ScriptMemo.h - What rules learnt of a shared script in one run -*- C++ -*-===//
//
// The files of one lint run share the parsed scripts of equal RUN texts (RunCache::script):
// generated image variants repeat their RUN bodies file after file. Most shell rules look at such
// a script, find nothing to report or to remember in it, and would find nothing again in the
// next file: what they look at is the script alone. A ScriptMemo keeps, per shared script, the
// rules that said so (Context::scriptQuiet), the commands the script runs, and what a few rules
// that do report derive from the script alone (Context::scriptFact); the engine calls no quiet
// rule for that script again. It lives as long as the run (LintOptions::Memo), beside the
// RunCache that owns the scripts, and is thread-safe.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "llvm/ADT/DenseMap.h"

namespace ballast::shell {
class Script;
} // namespace ballast::shell

namespace ballast::rules {

/// The rules that keep a number of their own per shared script (Context::scriptFact), one slot
/// each.
enum class FactSlot : unsigned { BL1005, DL3009, DL4006, Count };
/// The rules that keep a MemoData of their own per shared script (Context::scriptData).
enum class DataSlot : unsigned { BL1050, DL3003, DL3008, DL3018, Count };

/// Something a rule derived from a script alone and keeps in the memo (its DataSlot points to
/// it); the memo owns it.
struct MemoData {
  virtual ~MemoData() = default;
};

/// What the rules of one run learnt of one shared script. Written by several threads at once:
/// each fact is a pure function of the script, so a race only repeats work.
struct ScriptFacts {
  /// One bit per rule (its index in allRuleDefs()): the rule's check() reports nothing and
  /// keeps nothing for a RUN of this script, in any file.
  static constexpr unsigned QuietWords = 2;
  std::atomic<uint64_t> Quiet[QuietWords] = {};
  /// The engine's bits of the declared commands the script runs, valid when HasCommands.
  std::atomic<uint64_t> Commands{0};
  std::atomic<bool> HasCommands{false};
  /// Per FactSlot: 0 until the rule keeps a fact; then its encoding.
  std::atomic<uint64_t> Slots[unsigned(FactSlot::Count)] = {};
  /// Per DataSlot: null until the rule keeps its MemoData (owned by the ScriptMemo).
  std::atomic<const MemoData *> Data[unsigned(DataSlot::Count)] = {};

  bool quiet(unsigned Rule) const {
    return Rule < 64 * QuietWords &&
           (Quiet[Rule / 64].load(std::memory_order_relaxed) >> (Rule % 64) & 1);
  }
  void setQuiet(unsigned Rule) {
    if (Rule < 64 * QuietWords && !quiet(Rule))
      Quiet[Rule / 64].fetch_or(uint64_t(1) << (Rule % 64), std::memory_order_relaxed);
  }
};

/// The ScriptFacts of every shared script of one run.
class ScriptMemo {
public:
  ScriptMemo();
  ~ScriptMemo();
  ScriptMemo(const ScriptMemo &) = delete;
  ScriptMemo &operator=(const ScriptMemo &) = delete;
  /// The facts of S (made empty on first use); they stay in place while the memo lives. S must
  /// live as long as the memo (a RunCache script of the same run).
  ScriptFacts &facts(const shell::Script *S);
  /// Stores D in F's Slot unless another thread stored one first; returns the one stored (D
  /// then lives as long as the memo, else it is freed).
  const MemoData *keep(ScriptFacts &F, DataSlot Slot, std::unique_ptr<MemoData> D);

private:
  /// Most scripts are found in a table of fixed size without a lock: a slot is claimed by
  /// writing its key once. Past a few probes (a run of many distinct scripts), the map below.
  struct Entry {
    std::atomic<const shell::Script *> Key{nullptr};
    ScriptFacts Facts;
  };
  static constexpr unsigned TableSize = 2048, MaxProbes = 16;
  std::unique_ptr<Entry[]> Table;

  std::mutex Mu;
  llvm::DenseMap<const shell::Script *, ScriptFacts *> Index;
  std::deque<ScriptFacts> Store;
  std::vector<std::unique_ptr<MemoData>> Kept;
};

} // namespace ballast::rules
