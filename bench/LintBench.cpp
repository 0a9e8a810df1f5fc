//===- LintBench.cpp - `ballast lint` timed inside one process ------------===//
//
// usage: ballast_lint_bench RUNS LINT-ARGS...
//        ballast_lint_bench --blocks LINT-ARGS...
//        ballast_lint_bench --engine RUNS FILE...
//
// Calls the same entry point as `ballast lint LINT-ARGS...` RUNS times in this process and prints
// one JSON line: the first (cold) run, the best run, the exit status and the peak RSS. Every run
// does all the work of the command (collect paths, read the files, find configs, lint in parallel,
// write the report); only process start-up (exec, dynamic loading, static initialisation) is
// left out. bench/lint uses it for the in-process side of the comparison with dockerfile-utils.
//
// With --blocks, the process stays up and runs as many runs as each line of standard input
// asks for ("RUNS [WARM]": WARM untimed runs, then RUNS timed), printing one JSON line per block
// (best and first of the timed runs), and the peak RSS at the end of input: bench/lint alternates
// such blocks with blocks of the peer's passes, so that both sides are sampled across the same
// stretch of time on a machine whose speed drifts.
//
// With --engine, the files are read once and each run lints the texts in memory on both cores
// (rules::lintText with the default config, no ShellCheck) and keeps the findings in memory:
// what the peer's in-process figure measures (validate() over preloaded texts), no file
// reading, config lookup or report.
//
//===----------------------------------------------------------------------===//
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/resource.h>
#include <vector>

#include "cli/Allocator.h"
#include "cli/Commands.h"
#include "rules/Engine.h"
#include "rules/RunCache.h"
#include "rules/ScriptMemo.h"
#include "support/AtomicFile.h"
#include "support/Parallel.h"

namespace {

void printResult(int Runs, double First, double Best, int Exit, long Findings) {
  struct rusage Usage = {};
  getrusage(RUSAGE_SELF, &Usage);
  std::printf("{\"runs\": %d, \"first_ms\": %.3f, \"best_ms\": %.3f, \"exit\": %d, "
              "\"findings\": %ld, \"peak_rss_mb\": %.1f}\n",
              Runs, First, Best, Exit, Findings, Usage.ru_maxrss / 1024.0);
}

/// --engine RUNS FILE...: lintText over texts read once.
int engine(int Runs, const std::vector<std::string> &Paths) {
  using namespace ballast;
  std::vector<std::string> Texts;
  for (const std::string &P : Paths) {
    auto T = readFileOrStdin(P);
    if (!T) {
      std::fprintf(stderr, "ballast_lint_bench: %s\n", llvm::toString(T.takeError()).c_str());
      return 2;
    }
    Texts.push_back(std::move(*T));
  }
  rules::Config Cfg;
  double First = 0, Best = 1e300;
  long Findings = 0;
  for (int R = 0; R < Runs; ++R) {
    auto T0 = std::chrono::steady_clock::now();
    rules::RunCache Cache;
    rules::ScriptMemo Memo;
    std::vector<rules::LintResult> Results(Paths.size());
    forEachIndex(Paths.size(), [&](size_t I) {
      rules::LintOptions Opts;
      Opts.Cache = &Cache;
      Opts.Memo = &Memo;
      Results[I] = rules::lintText(Paths[I], Texts[I], Cfg, Opts);
    });
    double Ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - T0).count();
    if (R == 0)
      First = Ms;
    Best = std::min(Best, Ms);
    Findings = 0;
    for (const rules::LintResult &LR : Results)
      Findings += long(LR.Findings.size());
  }
  printResult(Runs, First, Best, 0, Findings);
  return 0;
}

} // namespace

/// Runs is how many times runLint(Args) is timed: First is the first run's time, Best the
/// least (ms), Exit the last exit status.
struct Timed {
  double First = 0, Best = 1e300;
  int Exit = 0;
};
Timed timeRuns(const std::vector<std::string> &Args, int Runs) {
  Timed T;
  for (int R = 0; R < Runs; ++R) {
    auto T0 = std::chrono::steady_clock::now();
    T.Exit = ballast::cli::runLint(Args);
    double Ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - T0).count();
    if (R == 0)
      T.First = Ms;
    T.Best = std::min(T.Best, Ms);
  }
  return T;
}

constexpr const char *LintFailed = "ballast_lint_bench: `ballast lint` failed (exit status 2); "
                                   "the runs did not lint, so there is nothing to time\n";

/// --blocks LINT-ARGS...: a block of runs for each count read from standard input.
int blocks(const std::vector<std::string> &Args) {
  char Line[64];
  bool FirstRun = true;
  int Exit = 0;
  while (std::fgets(Line, sizeof Line, stdin)) {
    // "RUNS [WARM]": WARM untimed runs first (the other side's block ran meanwhile and took
    // the caches), then RUNS timed ones.
    char *Rest = nullptr;
    int Runs = int(std::strtol(Line, &Rest, 10));
    int Warm = int(std::strtol(Rest, nullptr, 10));
    if (Runs < 1) {
      std::fprintf(stderr, "ballast_lint_bench: a block's count must be positive, not '%s'\n",
                   Line);
      return 2;
    }
    Timed T;
    if (Warm > 0)
      T = timeRuns(Args, Warm);
    if (T.Exit != ballast::cli::ExitUsage)
      T = timeRuns(Args, Runs);
    if (T.Exit == ballast::cli::ExitUsage) {
      std::fputs(LintFailed, stderr);
      return 1;
    }
    Exit = T.Exit;
    std::printf("{\"runs\": %d, \"first_ms\": %.3f, \"best_ms\": %.3f, \"cold\": %s}\n", Runs,
                T.First, T.Best, FirstRun ? "true" : "false");
    std::fflush(stdout);
    FirstRun = false;
  }
  printResult(0, 0, 0, Exit, -1);
  return 0;
}

int main(int Argc, char **Argv) {
  ballast::cli::tuneAllocator();
  if (Argc >= 3 && std::string(Argv[1]) == "--blocks")
    return blocks(std::vector<std::string>(Argv + 2, Argv + Argc));
  if (Argc >= 4 && std::string(Argv[1]) == "--engine") {
    int Runs = std::atoi(Argv[2]);
    if (Runs < 1) {
      std::fprintf(stderr, "ballast_lint_bench: RUNS must be a positive count, not '%s'\n",
                   Argv[2]);
      return 2;
    }
    return engine(Runs, std::vector<std::string>(Argv + 3, Argv + Argc));
  }
  if (Argc < 3) {
    std::fprintf(stderr, "usage: ballast_lint_bench RUNS LINT-ARGS... | ballast_lint_bench "
                         "--blocks LINT-ARGS... | ballast_lint_bench --engine RUNS FILE...; RUNS "
                         "is a count such as 20\n");
    return 2;
  }
  int Runs = std::atoi(Argv[1]);
  if (Runs < 1) {
    std::fprintf(stderr, "ballast_lint_bench: RUNS must be a positive count, not '%s'\n", Argv[1]);
    return 2;
  }
  Timed T = timeRuns(std::vector<std::string>(Argv + 2, Argv + Argc), Runs);
  if (T.Exit == ballast::cli::ExitUsage) {
    std::fputs(LintFailed, stderr);
    return 1;
  }
  printResult(Runs, T.First, T.Best, T.Exit, -1);
  return 0;
}
