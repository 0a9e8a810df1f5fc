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
// Image store commands (store/): one file each, cli/<Verb>Command.cpp.
int runImages(const std::vector<std::string> &Args);
int runTag(const std::vector<std::string> &Args);
int runRmi(const std::vector<std::string> &Args);
int runInspect(const std::vector<std::string> &Args);
int runHistory(const std::vector<std::string> &Args);
int runSave(const std::vector<std::string> &Args);
int runLoad(const std::vector<std::string> &Args);
int runImport(const std::vector<std::string> &Args);
int runFsck(const std::vector<std::string> &Args);
int runImage(const std::vector<std::string> &Args);
int runImagePrune(const std::vector<std::string> &Args);
// Sandbox (builder/): a command in a container from an image.
int runRun(const std::vector<std::string> &Args);
/// `ballast build`: a Dockerfile to an image in the store.
int runBuild(const std::vector<std::string> &Args);
int runAnalyze(const std::vector<std::string> &Args);
// Registry (registry/): pull, push, login, logout.
int runPull(const std::vector<std::string> &Args);
int runPush(const std::vector<std::string> &Args);
int runLogin(const std::vector<std::string> &Args);
int runLogout(const std::vector<std::string> &Args);

/// The version string printed by `ballast version` and written into reports.
const char *version();

} // namespace ballast::cli
