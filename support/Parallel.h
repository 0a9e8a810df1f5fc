//===- Parallel.h - Run an index loop on every core --------------*- C++ -*-===//
//
// forEachIndex spreads an index loop over the cores with a crew of worker threads kept for the
// life of the process. A worker that has finished its part waits for the next loop by spinning
// for a short while (SpinMicroseconds) before it sleeps, as OpenMP runtimes do. On the VMs the
// project is measured on, a worker asleep in llvm::parallel's pool joined a loop a median 30-50
// µs after it started (a halted vCPU is woken through the host), and `ballast lint` runs two
// loops a run with tens of µs of serial work between them and between runs: its end-of-run
// frees took a median 93-113 µs woken that way, 66 µs with the crew spinning (its worker joins
// within 0.2 µs).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstddef>

namespace ballast {

namespace detail {
/// Calls Body(Ctx, I) for I in [0, Count) on the caller and the crew (at most Threads threads
/// in all), and returns when every call has returned. Threads <= 1, a call from inside a loop
/// body, a call while another thread's loop runs and any call in a child after fork() are run
/// on the caller alone.
void runIndexLoop(size_t Count, size_t Threads, void (*Body)(void *, size_t), void *Ctx);
/// How many threads forEachIndex uses: llvm::parallel::strategy's thread count.
size_t indexLoopThreads();
} // namespace detail

/// How long a worker of forEachIndex's crew spins for the next loop before it sleeps (and a
/// caller for the workers to finish), unless BALLAST_SPIN_US says otherwise (0 under callgrind:
/// the spinning thread's instructions would be counted with the work).
constexpr unsigned SpinMicroseconds = 300;

/// Calls Fn(0) .. Fn(Count - 1) on every core: the caller and the crew's workers each take the
/// next index from one counter (in order) until none is left. llvm::parallelForEachN queues a
/// task for every index instead: each queued task took the pool's mutex, and the caller and the
/// workers contending on it and on the task group's latch slept and were woken again some 80
/// times a lint of the corpus (a futex call each, and a core idle while its thread slept).
template <typename FnT> void forEachIndex(size_t Count, FnT Fn) {
  detail::runIndexLoop(
      Count, detail::indexLoopThreads(), [](void *Ctx, size_t I) { (*static_cast<FnT *>(Ctx))(I); },
      &Fn);
}

} // namespace ballast
