//===- Parallel.h - Run an index loop on every core --------------*- C++ -*-===//
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>

#include "llvm/Support/Parallel.h"

namespace ballast {

/// Calls Fn(0) .. Fn(Count - 1) on every core: the caller and as many of llvm::parallel's
/// workers as its strategy has cores for each take the next index from one counter (in order)
/// until none is left. llvm::parallelForEachN queues a task for every index instead: each
/// queued task took the pool's mutex, and the caller and the workers contending on it and on
/// the task group's latch slept and were woken again some 80 times a lint of the corpus (a
/// futex call each, and a core idle while its thread slept).
template <typename FnT> void forEachIndex(size_t Count, FnT Fn) {
  std::atomic<size_t> Next{0};
  size_t Threads = std::min<size_t>(Count, llvm::parallel::strategy.compute_thread_count());
  llvm::parallelForEachN(0, Threads, [&](size_t) {
    for (size_t I; (I = Next.fetch_add(1, std::memory_order_relaxed)) < Count;)
      Fn(I);
  });
}

} // namespace ballast
