//===- SlabRecycler.cpp ---------------------------------------------------===//
#include "support/SlabRecycler.h"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <mutex>

#include "llvm/Support/Compiler.h"
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

/// The slabs freed beyond what the freeing thread's cache keeps, for the next arenas made on any
/// thread. A run's shell Scripts are parsed on the worker threads and live until the run is
/// done, then go together on one thread, whose cache keeps eight: without the pool nearly every
/// slab of the next run was malloced again (some 470 instructions, and 100 more to free it), where
/// a lock and an unlock cost a tenth of that. Trivially destructible, as SlabCache; the slabs it
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
  return Size == SlabRecycler::SlabSize && Alignment <= alignof(std::max_align_t);
}

} // namespace

void *SlabRecycler::Allocate(size_t Size, size_t Alignment) {
  if (keepable(Size, Alignment)) {
    if (Cache.Count)
      return Cache.Slabs[--Cache.Count];
    if (Pool.Count.load(std::memory_order_relaxed)) {
      // Half a cache at a time: a run takes some 600 slabs from the pool, and a lock each was
      // about 1,200 locks a run with the frees below (the two threads meeting on some).
      std::lock_guard<std::mutex> Guard(Pool.Lock);
      unsigned N = Pool.Count.load(std::memory_order_relaxed);
      if (N) {
        unsigned Take = std::min(N, SlabCache::Capacity / 2);
        if (Cache.Closed)
          Take = 1; // the thread is ending: nothing is kept for it
        N -= Take;
        Pool.Count.store(N, std::memory_order_relaxed);
        for (unsigned K = 1; K < Take; ++K)
          Cache.Slabs[Cache.Count++] = Pool.Slabs[N + K];
        return Pool.Slabs[N];
      }
    }
  }
  return llvm::allocate_buffer(Size, Alignment);
}

void SlabRecycler::Deallocate(const void *Ptr, size_t Size, size_t Alignment) {
  if (keepable(Size, Alignment) && !Cache.Closed) {
    (void)&Closer; // constructs it on this thread, so that the slabs are freed when it ends
    // Stale pointers into the slab are caught by ASan until it is handed out again.
    __asan_poison_memory_region(Ptr, Size);
    if (Cache.Count < SlabCache::Capacity) {
      Cache.Slabs[Cache.Count++] = const_cast<void *>(Ptr);
      return;
    }
    // A full cache gives half of it to the pool, under one lock.
    std::lock_guard<std::mutex> Guard(Pool.Lock);
    unsigned N = Pool.Count.load(std::memory_order_relaxed);
    unsigned Give = std::min(SlabCache::Capacity / 2, SlabPool::Capacity - N);
    for (unsigned K = 0; K < Give; ++K)
      Pool.Slabs[N + K] = Cache.Slabs[--Cache.Count];
    Pool.Count.store(N + Give, std::memory_order_relaxed);
    if (Cache.Count < SlabCache::Capacity) {
      Cache.Slabs[Cache.Count++] = const_cast<void *>(Ptr);
      return;
    }
    __asan_unpoison_memory_region(Ptr, Size); // the pool is full: freed below
  } else if (keepable(Size, Alignment)) {
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

} // namespace ballast
