//===- ImageCommand.cpp - `ballast image SUBCOMMAND` ----------------------===//
#include "cli/Args.h"
#include "cli/Commands.h"
#include "llvm/Support/raw_ostream.h"

namespace ballast::cli {

namespace {
const Command ImageCommands[] = {
    {"ls", "list images", runImages},
    {"list", "list images", runImages},
    {"rm", "remove images", runRmi},
    {"inspect", "print Docker-compatible JSON about images", runInspect},
    {"history", "show the history of an image", runHistory},
    {"tag", "create a tag that refers to an image", runTag},
    {"save", "save images to a tar archive", runSave},
    {"load", "load images from a tar archive", runLoad},
    {"import", "import a rootfs tarball as an image", runImport},
    {"prune", "remove blobs no tag reaches (dry run unless --force)", runImagePrune},
};

void usage(llvm::raw_ostream &OS) {
  OS << "usage: ballast image COMMAND\n\nManage images in the store.\n\ncommands:\n";
  for (const Command &C : ImageCommands) {
    std::string N = C.Name;
    N.resize(10, ' ');
    OS << "  " << N << C.Summary << "\n";
  }
}
} // namespace

int runImage(const std::vector<std::string> &Argv) {
  if (Argv.empty()) {
    usage(llvm::errs());
    return ExitUsage;
  }
  if (Argv[0] == "-h" || Argv[0] == "--help" || Argv[0] == "help") {
    usage(llvm::outs());
    return ExitOk;
  }
  std::vector<std::string> Rest(Argv.begin() + 1, Argv.end());
  for (const Command &C : ImageCommands)
    if (Argv[0] == C.Name)
      return C.Run(Rest);
  std::vector<std::string> Names;
  for (const Command &C : ImageCommands)
    Names.push_back(C.Name);
  llvm::errs() << "ballast image: '" << Argv[0] << "' is not an image command";
  if (auto Best = closest(Argv[0], Names))
    llvm::errs() << "; did you mean '" << *Best << "'?";
  llvm::errs() << "\nrun 'ballast image --help' for the list\n";
  return ExitUsage;
}

} // namespace ballast::cli
