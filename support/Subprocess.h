//===- Subprocess.h - Run a program, feed stdin, capture output --*- C++ -*-===//
#pragma once

#include <string>
#include <vector>

#include "llvm/Support/Error.h"

namespace ballast {

/// What a finished child process left behind.
struct ProcessResult {
  int ExitCode = -1; ///< -1 when killed by a signal
  std::string Out;
  std::string Err;
};

/// Runs Argv[0] (searched in PATH) with Argv, writes Input to its stdin, and collects stdout and
/// stderr without deadlocking on full pipes. An error only when it cannot be started.
llvm::Expected<ProcessResult> runProcess(const std::vector<std::string> &Argv,
                                         const std::string &Input = "");

} // namespace ballast
