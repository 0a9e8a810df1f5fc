//===- RmiCommand.cpp - `ballast rmi` / `ballast image rm` ----------------===//
#include "cli/ImageCommon.h"
#include "llvm/Support/raw_ostream.h"

namespace ballast::cli {

namespace {
const FlagSpec RmiFlags[] = {
    {"force", 'f', false, "remove every name of an image given by ID"},
    {"no-prune", 0, false, "accepted for Docker compatibility (blobs are shared, never parents)"},
    RootFlag,
    HelpFlag,
};
} // namespace

int runRmi(const std::vector<std::string> &Argv) {
  int Exit = 0;
  auto A = parseCommand("rmi", "[OPTIONS] IMAGE...",
                        "Remove images: untag them, and delete blobs no other image uses.",
                        RmiFlags, Argv, Exit);
  if (!A)
    return Exit;
  if (A->positional().empty())
    return usageError("rmi", "requires at least 1 argument; usage: ballast rmi IMAGE...");
  auto S = openStore(*A);
  if (!S)
    return failure(S.takeError());
  for (auto &Name : A->positional()) {
    auto R = (*S)->remove(Name, A->flag("force"));
    if (!R) {
      Exit = failure(R.takeError());
      continue;
    }
    for (auto &U : R->Untagged)
      llvm::outs() << "Untagged: " << U << "\n";
    for (auto &D : R->Deleted)
      llvm::outs() << "Deleted: " << D.str() << "\n";
  }
  return Exit;
}

} // namespace ballast::cli
