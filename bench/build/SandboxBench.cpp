//===- SandboxBench.cpp - Sandbox overhead per RUN step -------------------===//
//
// usage: ballast_sandbox_bench [RUNS]
//
// Runs `true` RUNS times (default 50) in a busybox-static rootfs three ways and prints one JSON
// line of per-run milliseconds (median and mean): plain posix_spawn on the host (the floor),
// runSandboxed on a plain folder (namespaces, pivot_root, /proc, /dev, /sys, /etc files), and a
// whole step (overlay mount with a fresh upper + sandbox + unmount + cleanup). The goal is a
// sandbox overhead under 10 ms per RUN step. Not a test: nothing here asserts a time.
//
//===----------------------------------------------------------------------===//
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <vector>

#include "builder/Sandbox.h"
#include "builder/SandboxTestUtil.h"
#include "builder/Snapshot.h"

extern char **environ;

using namespace ballast::builder;

namespace {

struct Stats {
  double Median, Mean;
};

Stats timeIt(int Runs, const std::function<bool()> &Fn) {
  std::vector<double> Ms;
  for (int I = 0; I < Runs; ++I) {
    auto T0 = std::chrono::steady_clock::now();
    if (!Fn()) {
      std::fprintf(stderr, "ballast_sandbox_bench: run %d failed\n", I);
      std::exit(1);
    }
    Ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - T0).count());
  }
  std::vector<double> S = Ms;
  std::sort(S.begin(), S.end());
  double Sum = 0;
  for (double M : Ms)
    Sum += M;
  return {S[S.size() / 2], Sum / Ms.size()};
}

} // namespace

int main(int Argc, char **Argv) {
  int Runs = Argc > 1 ? std::atoi(Argv[1]) : 50;
  if (Runs < 1) {
    std::fprintf(stderr, "ballast_sandbox_bench: RUNS must be a positive count\n");
    return 2;
  }
  auto Dir = testutil::makeTempDir("ballast-sandbox-bench");
  testutil::makeBusyboxRootfs(Dir / "rootfs");

  Stats Spawn = timeIt(Runs, [&] {
    pid_t Pid;
    char *Args[] = {const_cast<char *>("true"), nullptr};
    std::string Bin = (Dir / "rootfs/bin/true").string();
    if (posix_spawn(&Pid, Bin.c_str(), nullptr, nullptr, Args, environ))
      return false;
    int St;
    waitpid(Pid, &St, 0);
    return WIFEXITED(St) && WEXITSTATUS(St) == 0;
  });

  SandboxSpec Spec;
  Spec.Rootfs = (Dir / "rootfs").string();
  Spec.Argv = {"true"};
  Stats Plain = timeIt(Runs, [&] {
    auto R = runSandboxed(Spec);
    if (!R) {
      std::fprintf(stderr, "%s\n", llvm::toString(R.takeError()).c_str());
      return false;
    }
    return R->ExitCode == 0;
  });

  std::string Work = (Dir / "work").string();
  std::string Stubs = (Dir / "stubs").string();
  std::filesystem::create_directories(Work);
  std::filesystem::create_directories(Stubs);
  double TCreate = 0, TRun = 0, TUmount = 0, TDrop = 0;
  auto Now = [] { return std::chrono::steady_clock::now(); };
  auto Ms = [](auto A, auto B) { return std::chrono::duration<double, std::milli>(B - A).count(); };
  Stats Step = timeIt(Runs, [&] {
    auto T0 = Now();
    auto M = OverlayMount::create({(Dir / "rootfs").string()}, Work, Stubs);
    auto T1 = Now();
    TCreate += Ms(T0, T1);
    if (!M) {
      std::fprintf(stderr, "%s\n", llvm::toString(M.takeError()).c_str());
      return false;
    }
    SandboxSpec S = Spec;
    S.Rootfs = (*M)->merged();
    auto T2 = Now();
    auto R = runSandboxed(S);
    auto T3 = Now();
    TRun += Ms(T2, T3);
    if (!R) {
      std::fprintf(stderr, "%s\n", llvm::toString(R.takeError()).c_str());
      return false;
    }
    if (auto E = (*M)->unmount()) {
      std::fprintf(stderr, "%s\n", llvm::toString(std::move(E)).c_str());
      return false;
    }
    auto T4 = Now();
    TUmount += Ms(T3, T4);
    M->reset();
    TDrop += Ms(T4, Now());
    return R->ExitCode == 0;
  });
  std::filesystem::remove_all(Dir);
  std::printf(
      "{\"runs\":%d,\"spawn_ms\":{\"median\":%.3f,\"mean\":%.3f},"
      "\"sandbox_ms\":{\"median\":%.3f,\"mean\":%.3f},"
      "\"overlay_step_ms\":{\"median\":%.3f,\"mean\":%.3f},"
      "\"step_parts_mean_ms\":{\"mount\":%.3f,\"run\":%.3f,\"unmount\":%.3f,\"cleanup\":%.3f},"
      "\"sandbox_overhead_ms\":%.3f,\"step_overhead_ms\":%.3f}\n",
      Runs, Spawn.Median, Spawn.Mean, Plain.Median, Plain.Mean, Step.Median, Step.Mean,
      TCreate / Runs, TRun / Runs, TUmount / Runs, TDrop / Runs, Plain.Median - Spawn.Median,
      Step.Median - Spawn.Median);
  return 0;
}
