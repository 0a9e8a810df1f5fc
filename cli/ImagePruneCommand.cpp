//===- ImagePruneCommand.cpp - `ballast image prune` ----------------------===//
#include "cli/ImageCommon.h"
#include "store/Inspect.h"
#include "llvm/Support/raw_ostream.h"

namespace ballast::cli {

namespace {
const FlagSpec PruneFlags[] = {
    {"force", 'f', false, "delete (without it, only print what would go)"},
    {"all", 'a', false,
     "remove every untagged image, also those other images build on (parents); tagged images "
     "stay (ballast has no containers to judge them by: use rmi)"},
    RootFlag,
    HelpFlag,
};
} // namespace

int runImagePrune(const std::vector<std::string> &Argv) {
  int Exit = 0;
  auto A = parseCommand("image prune", "[OPTIONS]",
                        "Remove dangling images (untagged, and no other image's parent) and "
                        "every blob no image reaches. A dry run unless --force.",
                        PruneFlags, Argv, Exit);
  if (!A)
    return Exit;
  if (!A->positional().empty())
    return usageError("image prune", "takes no arguments");
  auto S = openStore(*A);
  if (!S)
    return failure(S.takeError());
  bool Force = A->flag("force");
  auto R = (*S)->prune(!Force, A->flag("all") ? store::PruneScope::AllUntagged
                                              : store::PruneScope::Dangling);
  if (!R)
    return failure(R.takeError());
  for (auto &[D, Bytes] : R->Removed)
    llvm::outs() << (Force ? "deleted: " : "would delete: ") << D.str() << " ("
                 << store::humanSize(Bytes) << ")\n";
  llvm::outs() << (Force ? "Total reclaimed space: " : "Total reclaimable space: ")
               << store::humanSize(R->Bytes) << "\n";
  if (!Force && !R->Removed.empty())
    llvm::outs() << "dry run: nothing was deleted; run 'ballast image prune "
                 << (A->flag("all") ? "-a " : "") << "--force' to delete\n";
  return ExitOk;
}

} // namespace ballast::cli
