//===- Script.cpp - Script-level queries ------------------------------------===//
#include "shell/Script.h"

#include <atomic>
#include <cstddef>
#include <mutex>

#include "llvm/Support/Compiler.h"

namespace ballast::shell {

namespace {

/// The slabs freed on this thread, for its next Scripts. Trivially destructible, so that it stays
/// usable while the thread's other objects are destroyed (a Script may go after SlabCacheCloser).
struct SlabCache {
  static constexpr unsigned Capacity = 8;
  void *Slabs[Capacity];
  unsigned Count;
  /// The thread is ending: slabs are freed, not kept.
  bool Closed;
};
thread_local SlabCache Cache;

/// Frees the slabs the thread kept when it ends.
struct SlabCacheCloser {
  ~SlabCacheCloser() {
    while (Cache.Count)
      llvm::deallocate_buffer(Cache.Slabs[--Cache.Count], detail::SlabAllocator::SlabSize,
                              alignof(std::max_align_t));
    Cache.Closed = true;
  }
};
thread_local SlabCacheCloser Closer;

/// The slabs freed beyond what the freeing thread's cache keeps, for the next Scripts parsed on
/// any thread. A run's Scripts are parsed on the worker threads and live until the run is done,
/// then go together on one thread, whose cache keeps eight: without the pool nearly every slab of
/// the next run was malloced again (some 470 instructions, and 100 more to free it), where a
/// lock and an unlock cost a tenth of that. Trivially destructible, as SlabCache; the slabs it
/// keeps at exit are still reachable. Bounded: a run's Scripts hold some 600 slabs.
struct SlabPool {
  static constexpr unsigned Capacity = 1024;
  std::mutex Lock;
  /// Count, readable without the lock: the first run finds the pool empty on every slab.
  std::atomic<unsigned> Count{0};
  void *Slabs[Capacity] = {};
};
SlabPool Pool;

/// A slab of the kept size and alignment (BumpPtrAllocator asks for max_align_t).
bool keepable(size_t Size, size_t Alignment) {
  return Size == detail::SlabAllocator::SlabSize && Alignment <= alignof(std::max_align_t);
}

/// The `set -o` name of a single-letter shell option.
llvm::StringRef letterOption(char L) {
  switch (L) {
  case 'a': return "allexport";
  case 'b': return "notify";
  case 'e': return "errexit";
  case 'f': return "noglob";
  case 'h': return "hashall";
  case 'm': return "monitor";
  case 'n': return "noexec";
  case 'u': return "nounset";
  case 'v': return "verbose";
  case 'x': return "xtrace";
  case 'B': return "braceexpand";
  case 'C': return "noclobber";
  case 'E': return "errtrace";
  case 'H': return "histexpand";
  case 'P': return "physical";
  case 'T': return "functrace";
  default: return {};
  }
}

} // namespace

void *detail::SlabAllocator::Allocate(size_t Size, size_t Alignment) {
  if (keepable(Size, Alignment)) {
    if (Cache.Count)
      return Cache.Slabs[--Cache.Count];
    if (Pool.Count.load(std::memory_order_relaxed)) {
      std::lock_guard<std::mutex> Guard(Pool.Lock);
      unsigned N = Pool.Count.load(std::memory_order_relaxed);
      if (N) {
        Pool.Count.store(N - 1, std::memory_order_relaxed);
        return Pool.Slabs[N - 1];
      }
    }
  }
  return llvm::allocate_buffer(Size, Alignment);
}

void detail::SlabAllocator::Deallocate(const void *Ptr, size_t Size, size_t Alignment) {
  if (keepable(Size, Alignment) && !Cache.Closed && Cache.Count < SlabCache::Capacity) {
    (void)&Closer; // constructs it on this thread, so that the slabs are freed when it ends
    // Stale pointers into the slab are caught by ASan until it is handed out again.
    __asan_poison_memory_region(Ptr, Size);
    Cache.Slabs[Cache.Count++] = const_cast<void *>(Ptr);
    return;
  }
  if (keepable(Size, Alignment)) {
    std::lock_guard<std::mutex> Guard(Pool.Lock);
    unsigned N = Pool.Count.load(std::memory_order_relaxed);
    if (N < SlabPool::Capacity) {
      __asan_poison_memory_region(Ptr, Size);
      Pool.Slabs[N] = const_cast<void *>(Ptr);
      Pool.Count.store(N + 1, std::memory_order_relaxed);
      return;
    }
  }
  llvm::deallocate_buffer(const_cast<void *>(Ptr), Size, Alignment);
}

void forEachShellOption(llvm::ArrayRef<Word> Args,
                        llvm::function_ref<void(llvm::StringRef, bool)> F) {
  for (size_t I = 0; I < Args.size(); ++I) {
    llvm::StringRef T = Args[I].Text;
    if (T == "--" || T == "-" || T.size() < 2 || (T[0] != '-' && T[0] != '+') || T.startswith("--"))
      return;
    bool On = T[0] == '-';
    for (char L : T.drop_front()) {
      if (L == 'o') {
        if (I + 1 < Args.size())
          F(Args[++I].Text, On);
        continue;
      }
      llvm::StringRef Name = letterOption(L);
      if (!Name.empty())
        F(Name, On);
    }
  }
}

llvm::SmallVector<const Command *, 4> Script::commandsNamed(llvm::StringRef Name) const {
  llvm::SmallVector<const Command *, 4> Out;
  for (const Command &C : Commands)
    if (C.is(Name))
      Out.push_back(&C);
  return Out;
}

bool Script::hasCommand(llvm::StringRef Name) const {
  return llvm::any_of(Commands, [&](const Command &C) { return C.is(Name); });
}

const Command *Script::parent(const Command &C) const {
  return C.Parent >= 0 ? &Commands[C.Parent] : nullptr;
}

bool Script::optionOnAt(const Command &C, llvm::StringRef Name) const {
  bool On = false;
  auto Apply = [&](llvm::StringRef Option, bool Value) {
    if (Option == Name)
      On = Value;
  };
  unsigned Index = indexOf(C);
  unsigned From = 0;
  if (C.Shell >= 0) {
    // `bash -o pipefail -c '...'`: the flags before the script.
    const Command &Sh = Commands[C.Shell];
    llvm::ArrayRef<Word> Flags = Sh.args();
    if (Sh.ShellScriptArg > 0)
      Flags = Flags.take_front(Sh.ShellScriptArg - 1);
    forEachShellOption(Flags, Apply);
    From = static_cast<unsigned>(C.Shell) + 1;
  }
  for (unsigned I = From; I < Index; ++I) {
    const Command &D = Commands[I];
    if (D.Shell != C.Shell || D.Range.End > C.Range.Begin || !D.is("set"))
      continue;
    // A `set` in a subshell or substitution does not reach outside it.
    if (D.SubstitutionDepth > C.SubstitutionDepth || (D.InSubshell && !C.InSubshell))
      continue;
    forEachShellOption(D.args(), Apply);
  }
  return On;
}

bool Script::pipefailAt(const Pipeline &P) const {
  return !P.Commands.empty() && optionOnAt(Commands[P.Commands.front()], "pipefail");
}

const Pipeline *Script::firstPipelineWithoutPipefail() const {
  for (const Pipeline &P : Pipelines)
    if (!pipefailAt(P))
      return &P;
  return nullptr;
}

} // namespace ballast::shell
