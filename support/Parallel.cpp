//===- Parallel.cpp - forEachIndex's crew of worker threads ---------------===//
//
// One crew per process, made on first use and never destroyed (its workers are detached and
// sleep on a futex when idle; exit() ends them). A loop is published by bumping Generation;
// workers spin on it for SpinMicroseconds, then sleep on it. The caller takes indices too, then
// waits for Running (the workers still in the loop) to reach zero, spinning first as well.
// Only one loop runs on the crew at a time: another thread's loop meanwhile, a loop started from
// inside a loop body, and any loop in a child after fork() run on their caller alone.
//
//===----------------------------------------------------------------------===//
#include "support/Parallel.h"

#include <atomic>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <linux/futex.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <system_error>
#include <thread>
#include <unistd.h>

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Parallel.h"

namespace ballast::detail {

namespace {

static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t) &&
                  std::atomic<uint32_t>::is_always_lock_free,
              "futex words are plain 32-bit atomics");

/// Sleeps while Word holds Old (returns at once if it does not, or on a spurious wake-up).
void futexWait(std::atomic<uint32_t> &Word, uint32_t Old) {
  ::syscall(SYS_futex, reinterpret_cast<uint32_t *>(&Word), FUTEX_WAIT_PRIVATE, Old, nullptr,
            nullptr, 0);
}

void futexWakeAll(std::atomic<uint32_t> &Word) {
  ::syscall(SYS_futex, reinterpret_cast<uint32_t *>(&Word), FUTEX_WAKE_PRIVATE, INT_MAX, nullptr,
            nullptr, 0);
}

void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

/// SpinMicroseconds, or BALLAST_SPIN_US when that is a number.
unsigned spinMicroseconds() {
  static const unsigned Us = [] {
    const char *E = std::getenv("BALLAST_SPIN_US");
    unsigned V = 0;
    return E && !llvm::StringRef(E).getAsInteger(10, V) ? V : SpinMicroseconds;
  }();
  return Us;
}

/// Spins until Done() holds or spinMicroseconds() have passed; whether Done() holds.
template <typename DoneT> bool spinUntil(DoneT Done) {
  const auto End = std::chrono::steady_clock::now() + std::chrono::microseconds(spinMicroseconds());
  for (unsigned K = 1;; ++K) {
    if (Done())
      return true;
    cpuRelax();
    if (K % 64 == 0 && std::chrono::steady_clock::now() >= End)
      return Done();
  }
}

/// Set in the crew's workers, and in a caller while its loop runs on the crew.
thread_local bool InLoop = false;
/// Set in a child after fork(): the crew's threads were not copied into it.
std::atomic<bool> Forked{false};

class Crew {
public:
  Crew() {
    ::pthread_atfork(nullptr, nullptr, [] { Forked.store(true, std::memory_order_relaxed); });
  }

  /// Runs the loop on the crew; false (nothing run) when the crew is taken.
  bool run(size_t N, size_t Threads, void (*B)(void *, size_t), void *C) {
    if (Busy.exchange(true, std::memory_order_acquire))
      return false;
    const auto Want = static_cast<unsigned>(Threads - 1);
    while (Workers < Want) {
      try {
        std::thread([this, K = Workers, Seen = Generation.load(std::memory_order_relaxed)] {
          work(K, Seen);
        }).detach();
      } catch (const std::system_error &) {
        break; // no thread to be had: the loop runs on the workers there are
      }
      ++Workers;
    }
    Body = B;
    Ctx = C;
    Count = N;
    Helpers = Want;
    Next.store(0, std::memory_order_relaxed);
    Running.store(Workers, std::memory_order_relaxed);
    // Dekker with a worker going to sleep (work()): it counts itself in Sleepers, then looks at
    // Generation again; so either it sees the new generation or this sees it asleep.
    Generation.fetch_add(1, std::memory_order_seq_cst);
    if (Sleepers.load(std::memory_order_seq_cst) != 0)
      futexWakeAll(Generation);
    // However the caller's part ends (an exception from B included), the workers are stopped
    // taking indices and waited for before B's context goes, and the crew is handed back.
    struct Finish {
      Crew &Cr;
      size_t N;
      ~Finish() {
        InLoop = false;
        Cr.Next.store(N, std::memory_order_relaxed);
        Cr.waitForWorkers();
        Cr.Busy.store(false, std::memory_order_release);
      }
    } Done{*this, N};
    InLoop = true;
    for (size_t I; (I = Next.fetch_add(1, std::memory_order_relaxed)) < N;)
      B(C, I);
    return true;
  }

private:
  /// Waits (spinning first) until every worker has counted itself out of the loop.
  void waitForWorkers() {
    if (spinUntil([&] { return Running.load(std::memory_order_acquire) == 0; }))
      return;
    CallerSleeps.store(1, std::memory_order_seq_cst);
    for (uint32_t R; (R = Running.load(std::memory_order_seq_cst)) != 0;)
      futexWait(Running, R);
    CallerSleeps.store(0, std::memory_order_relaxed);
  }

  /// Worker K: takes part in each loop whose Helpers exceed K, forever.
  void work(unsigned K, uint32_t Seen) {
    InLoop = true;
    while (true) {
      if (!spinUntil([&] { return Generation.load(std::memory_order_acquire) != Seen; })) {
        Sleepers.fetch_add(1, std::memory_order_seq_cst);
        while (Generation.load(std::memory_order_seq_cst) == Seen)
          futexWait(Generation, Seen);
        Sleepers.fetch_sub(1, std::memory_order_relaxed);
      }
      // The caller of a loop waits for every worker before it returns, so no loop is missed
      // and Body, Ctx, Count and Helpers are those of this generation.
      Seen = Generation.load(std::memory_order_acquire);
      if (K < Helpers)
        for (size_t I; (I = Next.fetch_add(1, std::memory_order_relaxed)) < Count;)
          Body(Ctx, I);
      if (Running.fetch_sub(1, std::memory_order_seq_cst) == 1 &&
          CallerSleeps.load(std::memory_order_seq_cst) != 0)
        futexWakeAll(Running);
    }
  }

  std::atomic<bool> Busy{false};
  std::atomic<uint32_t> Generation{0}, Sleepers{0}, Running{0}, CallerSleeps{0};
  std::atomic<size_t> Next{0};
  // The loop of the current generation, written before Generation is bumped.
  void (*Body)(void *, size_t) = nullptr;
  void *Ctx = nullptr;
  size_t Count = 0;
  unsigned Helpers = 0; // the workers taking part: those numbered below it
  unsigned Workers = 0; // started (by the caller holding Busy)
};

} // namespace

size_t indexLoopThreads() { return llvm::parallel::strategy.compute_thread_count(); }

void runIndexLoop(size_t Count, size_t Threads, void (*Body)(void *, size_t), void *Ctx) {
  if (Threads > Count)
    Threads = Count;
  if (Threads > 1 && !InLoop && !Forked.load(std::memory_order_relaxed)) {
    // Made on first use and kept (reachable, so not a leak) for the life of the process.
    static Crew *const TheCrew = new Crew;
    if (TheCrew->run(Count, Threads, Body, Ctx))
      return;
  }
  for (size_t I = 0; I < Count; ++I)
    Body(Ctx, I);
}

} // namespace ballast::detail
