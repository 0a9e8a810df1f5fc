//===- ShellCheck.h - RUN bodies through shellcheck --------------*- C++ -*-===//
#pragma once

#include <vector>

#include "rules/Context.h"
#include "support/Finding.h"

namespace ballast::rules {

/// Runs `shellcheck` once over every POSIX-shell RUN script of the file (each in its own
/// subshell, with the stage's ENV/ARG names exported first) and maps its SC findings back to
/// Dockerfile lines and columns. A script is given as the shell gets it: its heredoc bodies after
/// the command line (or the body alone when it is the script), its continuations as
/// backslash-newlines where the Dockerfile had them. Scripts of stages whose SHELL (their own, or
/// the one the stage they are built FROM left) is not sh/bash/ash/dash/ksh are skipped. Returns
/// nothing when shellcheck cannot be run.
std::vector<Finding> runShellCheck(const Model &M);

} // namespace ballast::rules
