//===- LintBench.cpp - `ballast lint` timed inside one process ------------===//
//
// usage: ballast_lint_bench RUNS LINT-ARGS...
//
// Calls the same entry point as `ballast lint LINT-ARGS...` RUNS times in this process and prints
// one JSON line: the first (cold) run, the best run, the exit status and the peak RSS. Every run
// does all the work of the command (collect paths, read the files, find configs, lint in parallel,
// write the report); only process start-up (exec, dynamic loading, static initialisation) is
// left out. bench/lint uses it for the in-process side of the comparison with dockerfile-utils.
//
//===----------------------------------------------------------------------===//
#include <chrono>
#include <cstdio>
#include <string>
#include <sys/resource.h>
#include <vector>

#include "cli/Allocator.h"
#include "cli/Commands.h"

int main(int Argc, char **Argv) {
  ballast::cli::tuneAllocator();
  if (Argc < 3) {
    std::fprintf(stderr,
                 "usage: ballast_lint_bench RUNS LINT-ARGS...; RUNS is a count such as 20\n");
    return 2;
  }
  int Runs = std::atoi(Argv[1]);
  if (Runs < 1) {
    std::fprintf(stderr, "ballast_lint_bench: RUNS must be a positive count, not '%s'\n", Argv[1]);
    return 2;
  }
  std::vector<std::string> Args(Argv + 2, Argv + Argc);
  double First = 0, Best = 1e300;
  int Exit = 0;
  for (int R = 0; R < Runs; ++R) {
    auto T0 = std::chrono::steady_clock::now();
    Exit = ballast::cli::runLint(Args);
    double Ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - T0).count();
    if (R == 0)
      First = Ms;
    Best = std::min(Best, Ms);
  }
  if (Exit == ballast::cli::ExitUsage) {
    std::fprintf(stderr, "ballast_lint_bench: `ballast lint` failed (exit status 2); the runs "
                         "did not lint, so there is nothing to time\n");
    return 1;
  }
  struct rusage Usage = {};
  getrusage(RUSAGE_SELF, &Usage);
  std::printf("{\"runs\": %d, \"first_ms\": %.3f, \"best_ms\": %.3f, \"exit\": %d, "
              "\"peak_rss_mb\": %.1f}\n",
              Runs, First, Best, Exit, Usage.ru_maxrss / 1024.0);
  return 0;
}
