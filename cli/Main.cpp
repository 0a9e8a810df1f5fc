//===- Main.cpp - The ballast command table -------------------------------===//
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "cli/Allocator.h"
#include "cli/Args.h"
#include "cli/Commands.h"
#include "llvm/Support/raw_ostream.h"

using namespace ballast::cli;

static int runVersion(const std::vector<std::string> &) {
  llvm::outs() << "ballast " << version() << "\n";
  return ExitOk;
}

static const Command Commands[] = {
    {"lint", "lint Dockerfiles (text, json, sarif, checkstyle, gitlab, github; --fix)", runLint},
    {"rules", "list every rule with its severity, category and aliases", runRules},
    {"explain", "print the documentation of a rule", runExplain},
    {"dump-ast", "print BuildKit's parse dump of a Dockerfile", runDumpAst},
    {"images", "list images in the store", runImages},
    {"image", "manage images: ls, rm, inspect, history, tag, save, load, import, prune", runImage},
    {"tag", "create a tag that refers to an image", runTag},
    {"rmi", "remove images (untag, delete unused blobs)", runRmi},
    {"inspect", "print Docker-compatible JSON about images", runInspect},
    {"history", "show the history of an image", runHistory},
    {"save", "save images to a docker-archive or oci-archive", runSave},
    {"load", "load images from a docker-archive or oci-archive", runLoad},
    {"import", "import a rootfs tarball as a one-layer image", runImport},
    {"build", "build an image from a Dockerfile into the store", runBuild},
    {"run", "run a command in a new container from an image", runRun},
    {"fsck", "re-hash every blob of the store; --repair removes damage", runFsck},
    {"analyze", "analyze image layers: exact and dive-style waste, caches, secrets", runAnalyze},
    {"pull", "download an image from a registry into the store", runPull},
    {"push", "upload an image from the store to a registry", runPush},
    {"login", "log in to a registry (credentials in Docker's config.json)", runLogin},
    {"logout", "remove the stored credentials of a registry", runLogout},
    {"version", "print the version", runVersion},
};

static void usage(llvm::raw_ostream &OS) {
  OS << "usage: ballast COMMAND [OPTIONS]\n\nballast makes container images smaller and better, "
        "and proves it.\n\ncommands:\n";
  for (const Command &C : Commands) {
    std::string N = C.Name;
    N.resize(12, ' ');
    OS << "  " << N << C.Summary << "\n";
  }
  OS << "\nrun 'ballast COMMAND --help' for a command's options\n";
}

// Under AddressSanitizer the process exits the usual way, so that LeakSanitizer still checks it.
#if defined(__SANITIZE_ADDRESS__)
#define BALLAST_FULL_EXIT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BALLAST_FULL_EXIT 1
#endif
#endif

/// Ends the process with a command's exit status once its output is written. The process
/// leaves without running static destructors or letting its worker threads return (as lld
/// does): a thread's return hands every page of its malloc heap back, one by one, and on a
/// lint of a few hundred files that was an eighth of the whole process's instructions (about
/// 7.4 of 60 M), after the report was written. Nothing is lost: commands close their files,
/// join their threads and reap their children before they return, and standard output and
/// standard error are flushed here. A report that could not be written (a full disk, a closed
/// pipe) is an error, exit status 2, where the stream's destructor used to abort with "LLVM
/// ERROR".
[[noreturn]] static void finish(int Code) {
  llvm::raw_fd_ostream &Out = llvm::outs();
  Out.flush();
  if (Out.has_error()) {
    std::error_code EC = Out.error();
    Out.clear_error();
    llvm::errs() << "ballast: cannot write to standard output: " << EC.message() << "\n";
    Code = ExitUsage;
  }
  llvm::errs().flush();
  llvm::errs().clear_error();
  std::fflush(nullptr);
#ifdef BALLAST_FULL_EXIT
  std::exit(Code);
#else
  std::_Exit(Code);
#endif
}

static int runMain(int Argc, char **Argv) {
  tuneAllocator();
  if (Argc < 2) {
    usage(llvm::errs());
    return ExitUsage;
  }
  std::string Name = Argv[1];
  if (Name == "-h" || Name == "--help" || Name == "help") {
    usage(llvm::outs());
    return ExitOk;
  }
  if (Name == "--version" || Name == "-v")
    Name = "version";
  std::vector<std::string> Rest(Argv + 2, Argv + Argc);
  for (const Command &C : Commands)
    if (Name == C.Name)
      return C.Run(Rest);
  std::vector<std::string> Names;
  for (const Command &C : Commands)
    Names.push_back(C.Name);
  llvm::errs() << "ballast: '" << Name << "' is not a ballast command";
  if (auto Best = closest(Name, Names))
    llvm::errs() << "; did you mean '" << *Best << "'?";
  llvm::errs() << "\nrun 'ballast --help' for the list\n";
  return ExitUsage;
}

int main(int argc, char **argv) { finish(runMain(argc, argv)); }
