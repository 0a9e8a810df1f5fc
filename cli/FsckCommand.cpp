//===- FsckCommand.cpp - `ballast fsck` -----------------------------------===//
#include "cli/ImageCommon.h"
#include "llvm/Support/raw_ostream.h"

namespace ballast::cli {

namespace {
const FlagSpec FsckFlags[] = {
    {"repair", 0, false, "remove corrupt blobs and dangling files"},
    RootFlag,
    HelpFlag,
};
} // namespace

int runFsck(const std::vector<std::string> &Argv) {
  int Exit = 0;
  auto A = parseCommand("fsck", "[OPTIONS]",
                        "Re-hash every blob of the store; report corrupt, missing and dangling "
                        "files.\nexit status: 0 no corrupt or missing blob, 1 otherwise",
                        FsckFlags, Argv, Exit);
  if (!A)
    return Exit;
  if (!A->positional().empty())
    return usageError("fsck", "takes no arguments");
  auto S = openStore(*A);
  if (!S)
    return failure(S.takeError());
  bool Repair = A->flag("repair");
  auto R = (*S)->fsck(Repair);
  if (!R)
    return failure(R.takeError());
  const char *Removed = Repair ? " (removed)" : "";
  for (auto &P : R->Corrupt)
    llvm::outs() << "corrupt: " << P << Removed << "\n";
  for (auto &D : R->Missing)
    llvm::outs() << "missing: " << D << "\n";
  for (auto &P : R->Dangling)
    llvm::outs() << "dangling: " << P << Removed << "\n";
  llvm::outs() << R->BlobsChecked << " blobs checked, " << R->Corrupt.size() << " corrupt, "
               << R->Missing.size() << " missing, " << R->Dangling.size() << " dangling\n";
  llvm::outs().flush();
  if (!R->clean())
    llvm::errs() << "Error: the store at " << (*S)->root()
                 << " is damaged; pull or load the affected images again"
                 << (Repair ? "" : " (run 'ballast fsck --repair' to remove corrupt files)")
                 << "\n";
  return R->clean() ? ExitOk : ExitFindings;
}

} // namespace ballast::cli
