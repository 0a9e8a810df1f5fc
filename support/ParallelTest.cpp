//===- ParallelTest.cpp - forEachIndex and its crew -----------------------===//
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "support/Parallel.h"

using namespace ballast;

namespace {

/// Runs a loop of Count indices on Threads threads; how often each index was called.
std::vector<int> callsOf(size_t Count, size_t Threads) {
  std::vector<std::atomic<int>> Calls(Count);
  detail::runIndexLoop(
      Count, Threads,
      [](void *C, size_t I) { (*static_cast<std::vector<std::atomic<int>> *>(C))[I]++; }, &Calls);
  std::vector<int> Out;
  Out.reserve(Count);
  for (const std::atomic<int> &A : Calls)
    Out.push_back(A.load());
  return Out;
}

TEST(ParallelTest, EveryIndexIsCalledOnceWhetherTheCrewSpinsOrSleeps) {
  for (int Round = 0; Round < 200; ++Round) {
    size_t Count = size_t(Round % 7 == 0 ? 0 : Round * 13 % 257);
    EXPECT_EQ(callsOf(Count, 2 + Round % 3), std::vector<int>(Count, 1)) << "round " << Round;
    // Some loops come after the crew went to sleep, the rest while it still spins.
    if (Round % 10 == 0)
      std::this_thread::sleep_for(std::chrono::microseconds(3 * SpinMicroseconds));
  }
}

TEST(ParallelTest, ALoopRunsOnTheCallerAndAWorker) {
  // Each index waits (up to 10 s) until two threads are in the loop: only a worker taking the
  // second index while the caller holds the first ends the wait early.
  std::mutex M;
  std::set<std::thread::id> Ids;
  std::atomic<int> Entered{0};
  forEachIndex(2, [&](size_t) {
    {
      std::lock_guard<std::mutex> L(M);
      Ids.insert(std::this_thread::get_id());
    }
    ++Entered;
    auto End = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (Entered.load() < 2 && std::chrono::steady_clock::now() < End)
      std::this_thread::yield();
  });
  if (detail::indexLoopThreads() > 1) {
    EXPECT_EQ(Ids.size(), 2u);
  }
}

TEST(ParallelTest, OneThreadRunsEverythingOnTheCallerInOrder) {
  std::vector<size_t> Order;
  std::set<std::thread::id> Ids;
  struct Ctx {
    std::vector<size_t> *Order;
    std::set<std::thread::id> *Ids;
  } C{&Order, &Ids};
  detail::runIndexLoop(
      50, 1,
      [](void *P, size_t I) {
        auto *X = static_cast<Ctx *>(P);
        X->Order->push_back(I);
        X->Ids->insert(std::this_thread::get_id());
      },
      &C);
  ASSERT_EQ(Order.size(), 50u);
  for (size_t I = 0; I < Order.size(); ++I)
    EXPECT_EQ(Order[I], I);
  EXPECT_EQ(Ids, std::set<std::thread::id>{std::this_thread::get_id()});
}

TEST(ParallelTest, ALoopInsideALoopAndLoopsOfTwoThreadsAtOnceAllFinish) {
  std::atomic<int> Inner{0};
  forEachIndex(8, [&](size_t) { forEachIndex(5, [&](size_t) { ++Inner; }); });
  EXPECT_EQ(Inner.load(), 40);
  // Two threads start loops at the same time: one gets the crew, the other runs alone.
  std::atomic<int> Total{0};
  std::vector<std::thread> Callers;
  Callers.reserve(4);
  for (int T = 0; T < 4; ++T)
    Callers.emplace_back([&] {
      for (int R = 0; R < 100; ++R)
        forEachIndex(10, [&](size_t) { ++Total; });
    });
  for (std::thread &T : Callers)
    T.join();
  EXPECT_EQ(Total.load(), 4 * 100 * 10);
}

TEST(ParallelTest, AnExceptionFromTheCallersPartLeavesTheCrewUsable) {
  // The caller's part throws: the workers are stopped and waited for before it propagates (they
  // must not call the body once its frame is gone), and the crew takes the next loop.
  const std::thread::id Me = std::this_thread::get_id();
  std::atomic<int> Calls{0};
  // (A worker's index takes 20 µs, so that the caller gets one before the workers take all.)
  EXPECT_THROW(forEachIndex(100000,
                            [&](size_t) {
                              ++Calls;
                              if (std::this_thread::get_id() == Me)
                                throw std::runtime_error("stop");
                              std::this_thread::sleep_for(std::chrono::microseconds(20));
                            }),
               std::runtime_error);
  const int After = Calls.load();
  EXPECT_GE(After, 1);
  EXPECT_LT(After, 100000);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(Calls.load(), After); // nothing calls the body after forEachIndex has returned
  EXPECT_EQ(callsOf(500, 2), std::vector<int>(500, 1));
}

TEST(ParallelTest, AChildAfterForkRunsItsLoopsAlone) {
  forEachIndex(4, [](size_t) {}); // the crew exists before the fork
  pid_t Child = ::fork();
  ASSERT_GE(Child, 0);
  if (Child == 0) {
    std::atomic<int> N{0};
    forEachIndex(100, [&](size_t) { ++N; });
    ::_exit(N.load() == 100 ? 0 : 1);
  }
  int Status = 0;
  ASSERT_EQ(::waitpid(Child, &Status, 0), Child);
  EXPECT_TRUE(WIFEXITED(Status) && WEXITSTATUS(Status) == 0) << Status;
}

} // namespace
