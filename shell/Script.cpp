//===- Script.cpp - Script-level queries ------------------------------------===//
#include "shell/Script.h"

#include <atomic>
#include <cstddef>
#include <new>

#include "llvm/Support/Compiler.h"

namespace ballast::shell {

namespace {

constexpr size_t SlabSize = detail::SlabAllocator::SlabSize;

/// Slabs are carved from chunks of this many, one malloc each: a RUN's Script lives while its
/// file is linted, so the slabs of the scripts a thread parses are nearly all new, and a malloc
/// of 16 KiB cost mimalloc some 470 instructions (it fits four in a page, so every fourth one
/// set up a page).
constexpr unsigned SlabsPerChunk = 16;

struct Chunk;

/// Written right before each slab carved from a chunk, so that a freed slab finds its chunk.
struct alignas(std::max_align_t) SlabHeader {
  Chunk *Owner;
};

/// A malloc'd run of slabs, each behind its SlabHeader; freed when its last slab is.
struct Chunk {
  /// Slabs carved and not released, plus one while a thread carves from it.
  std::atomic<unsigned> Refs{1};
  unsigned Carved = 0;
  /// The slabs it has room for.
  unsigned Slabs;
  explicit Chunk(unsigned Slabs) : Slabs(Slabs) {}
};
constexpr size_t ChunkHeaderSize = (sizeof(Chunk) + alignof(std::max_align_t) - 1) /
                                   alignof(std::max_align_t) * alignof(std::max_align_t);
constexpr size_t UnitSize = sizeof(SlabHeader) + SlabSize;
constexpr size_t chunkBytes(unsigned Slabs) { return ChunkHeaderSize + Slabs * UnitSize; }

/// Drops one reference to C, freeing it with the last (slabs may be freed on any thread).
void release(Chunk *C) {
  if (C->Refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    unsigned Slabs = C->Slabs;
    C->~Chunk();
    llvm::deallocate_buffer(C, chunkBytes(Slabs), alignof(std::max_align_t));
  }
}

Chunk *newChunk(unsigned Slabs) {
  return new (llvm::allocate_buffer(chunkBytes(Slabs), alignof(std::max_align_t))) Chunk(Slabs);
}

/// Carves the next slab of C (which has room), counting it.
void *carve(Chunk *C) {
  char *Unit = reinterpret_cast<char *>(C) + ChunkHeaderSize + C->Carved++ * UnitSize;
  C->Refs.fetch_add(1, std::memory_order_relaxed);
  new (Unit) SlabHeader{C};
  return Unit + sizeof(SlabHeader);
}

/// The slabs freed on this thread, for its next Scripts, and the chunk it carves new ones from.
/// Trivially destructible, so that it stays usable while the thread's other objects are destroyed
/// (a Script may go after SlabCacheCloser).
struct SlabCache {
  static constexpr unsigned Capacity = 8;
  void *Slabs[Capacity];
  unsigned Count;
  /// The thread is ending: slabs are released, not kept, and no chunk is carved from.
  bool Closed;
  /// The chunk being carved (this thread holds a reference to it), or null.
  Chunk *Current;
};
thread_local SlabCache Cache;

Chunk *ownerOf(const void *Slab) {
  return reinterpret_cast<const SlabHeader *>(static_cast<const char *>(Slab) - sizeof(SlabHeader))
      ->Owner;
}

/// Releases the slabs the thread kept, and its chunk, when it ends.
struct SlabCacheCloser {
  ~SlabCacheCloser() {
    while (Cache.Count)
      release(ownerOf(Cache.Slabs[--Cache.Count]));
    if (Cache.Current)
      release(Cache.Current);
    Cache.Current = nullptr;
    Cache.Closed = true;
  }
};
thread_local SlabCacheCloser Closer;

/// A slab of the kept size and alignment (BumpPtrAllocator asks for max_align_t).
bool keepable(size_t Size, size_t Alignment) {
  return Size == SlabSize && Alignment <= alignof(std::max_align_t);
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
  if (!keepable(Size, Alignment))
    return llvm::allocate_buffer(Size, Alignment);
  if (Cache.Count)
    return Cache.Slabs[--Cache.Count];
  if (LLVM_UNLIKELY(Cache.Closed)) {
    // A chunk of one slab, which the thread does not carve from.
    Chunk *C = newChunk(1);
    void *Slab = carve(C);
    release(C);
    return Slab;
  }
  Chunk *C = Cache.Current;
  if (!C || C->Carved == C->Slabs) {
    (void)&Closer; // constructs it on this thread, so that the chunk is released when it ends
    if (C)
      release(C);
    C = Cache.Current = newChunk(SlabsPerChunk);
  }
  return carve(C);
}

void detail::SlabAllocator::Deallocate(const void *Ptr, size_t Size, size_t Alignment) {
  if (!keepable(Size, Alignment)) {
    llvm::deallocate_buffer(const_cast<void *>(Ptr), Size, Alignment);
    return;
  }
  // Stale pointers into the slab are caught by ASan until it is handed out again.
  __asan_poison_memory_region(Ptr, Size);
  if (!Cache.Closed && Cache.Count < SlabCache::Capacity) {
    (void)&Closer; // constructs it on this thread, so that the slabs are released when it ends
    Cache.Slabs[Cache.Count++] = const_cast<void *>(Ptr);
    return;
  }
  release(ownerOf(Ptr));
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
