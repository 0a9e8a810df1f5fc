//===- BuildProgress.h - BuildKit's tty display for `ballast build` -*- C++ -*-===//
//
// `--progress tty` (and `auto` on a terminal): like docker buildx, a `[+] Building 3.2s (4/7)`
// header and one `=> [stage n/m] INSTRUCTION   1.2s` line per step (`=> CACHED ...`, `=> ERROR
// ...`), with the last lines of a running step's output dimmed beneath it; redrawn in place at
// most 10 times a second and once more, in full, when the build ends. It reads the builder's
// plain progress lines (`#N TITLE`, `#N CACHED`, `#N DONE 1.2s`, `#N output`), so plain output
// and the builder stay as they are.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "llvm/ADT/StringRef.h"

namespace ballast::cli {

/// The live build display on a terminal.
class BuildProgressTty {
public:
  /// Draws on Fd (a terminal); a timer thread keeps running steps' times current.
  explicit BuildProgressTty(int Fd);
  ~BuildProgressTty();
  BuildProgressTty(const BuildProgressTty &) = delete;
  BuildProgressTty &operator=(const BuildProgressTty &) = delete;
  /// One of the builder's progress lines (BuildOptions::Log).
  void line(llvm::StringRef Line);
  /// Stops the timer, draws the final screen (unfinished steps: ERROR when the build failed)
  /// and prints the messages that were not step lines (warnings, the failed step's summary).
  void finish(bool Ok);

  /// Lines of output shown under a running step.
  static constexpr size_t TailLines = 6;

private:
  enum class State { Running, Done, Cached, Error, Canceled };
  struct Step {
    std::string Title;
    State St = State::Running;
    std::chrono::steady_clock::time_point Start, End;
    std::vector<std::string> Tail;   ///< the last TailLines lines of output
    std::vector<std::string> Status; ///< sub-statuses of a non-stage step (exporting)
  };
  void redraw(bool Final);
  std::vector<std::string> render(bool Final) const;
  void tick();
  int Fd;
  std::mutex Mu;
  std::condition_variable Cv;
  bool Stopping = false;
  bool Finished = false;
  std::vector<Step> Steps;
  std::map<unsigned, size_t> ById; ///< `#N` -> index in Steps
  std::vector<std::string> Messages;
  std::string FailedTitle; ///< from the failed step's summary (` > [2/3] RUN ...:`)
  std::chrono::steady_clock::time_point Begin, LastDraw;
  size_t Drawn = 0; ///< lines on screen from the last redraw
  std::thread Timer;
};

/// The terminal width of Fd (80 when it has none).
unsigned terminalWidth(int Fd);

} // namespace ballast::cli
