//===- Commands.h - One function per subcommand ------------------*- C++ -*-===//
#pragma once

#include <string>
#include <vector>

namespace ballast::cli {

/// Exit codes shared by every command.
enum ExitCode { ExitOk = 0, ExitFindings = 1, ExitUsage = 2 };

/// A subcommand: its name, one line of help, and its entry point (argv after the name).
struct Command {
  const char *Name;
  const char *Summary;
  int (*Run)(const std::vector<std::string> &Args);
};

int runLint(const std::vector<std::string> &Args);
int runRules(const std::vector<std::string> &Args);
int runExplain(const std::vector<std::string> &Args);
int runDumpAst(const std::vector<std::string> &Args);

/// The version string printed by `ballast version` and written into reports.
const char *version();

} // namespace ballast::cli
