//===- SlabRecycler.cpp ---------------------------------------------------===//
#include "support/SlabRecycler.h"

#include "llvm/Support/MemAlloc.h"

namespace ballast {

namespace {

/// The slabs freed on this thread, for its next arenas. Trivially destructible, so that it stays
/// usable while the thread's other objects are destroyed (an arena may go after SlabCacheCloser).
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
      llvm::deallocate_buffer(Cache.Slabs[--Cache.Count], SlabRecycler::SlabSize,
                              alignof(std::max_align_t));
    Cache.Closed = true;
  }
};
thread_local SlabCacheCloser Closer;

/// A slab of the kept size and alignment (BumpPtrAllocator asks for max_align_t).
bool keepable(size_t Size, size_t Alignment) {
  return Size == SlabRecycler::SlabSize && Alignment <= alignof(std::max_align_t);
}

} // namespace

void *SlabRecycler::Allocate(size_t Size, size_t Alignment) {
  if (keepable(Size, Alignment) && Cache.Count)
    return Cache.Slabs[--Cache.Count];
  return llvm::allocate_buffer(Size, Alignment);
}

void SlabRecycler::Deallocate(const void *Ptr, size_t Size, size_t Alignment) {
  if (keepable(Size, Alignment) && !Cache.Closed && Cache.Count < SlabCache::Capacity) {
    (void)&Closer; // constructs it on this thread, so that the slabs are freed when it ends
    // Stale pointers into the slab are caught by ASan until it is handed out again.
    __asan_poison_memory_region(Ptr, Size);
    Cache.Slabs[Cache.Count++] = const_cast<void *>(Ptr);
    return;
  }
  llvm::deallocate_buffer(const_cast<void *>(Ptr), Size, Alignment);
}

} // namespace ballast
