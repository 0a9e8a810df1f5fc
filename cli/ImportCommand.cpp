//===- ImportCommand.cpp - `ballast import` / `ballast image import` ------===//
#include <unistd.h>

#include "cli/ImageCommon.h"
#include "store/Import.h"
#include "llvm/Support/raw_ostream.h"

namespace ballast::cli {

namespace {
const FlagSpec ImportFlags[] = {
    {"change", 'c', true, "apply a Dockerfile instruction to the image (repeatable)", "LINE"},
    {"message", 'm', true, "set the commit message of the image", "TEXT"},
    {"platform", 0, true, "set the platform (os/arch[/variant]; default: this machine's)",
     "PLATFORM"},
    RootFlag,
    HelpFlag,
};
} // namespace

int runImport(const std::vector<std::string> &Argv) {
  int Exit = 0;
  auto A = parseCommand("import", "[OPTIONS] FILE|- [REPOSITORY[:TAG]]",
                        "Import the contents of a rootfs tarball (plain, gzip or zstd) to create "
                        "an image with one layer.",
                        ImportFlags, Argv, Exit);
  if (!A)
    return Exit;
  auto &Pos = A->positional();
  if (Pos.empty() || Pos.size() > 2)
    return usageError("import", "requires 1 or 2 arguments; usage: ballast import FILE|- "
                                "[REPOSITORY[:TAG]]");
  if (llvm::StringRef(Pos[0]).startswith("http://") ||
      llvm::StringRef(Pos[0]).startswith("https://"))
    return usageError("import", "importing from a URL is not supported; download " + Pos[0] +
                                    " and import the file");
  std::optional<oci::Reference> Ref;
  if (Pos.size() == 2) {
    auto R = oci::Reference::parse(Pos[1]);
    if (!R)
      return usageError("import", llvm::toString(R.takeError()));
    if (R->digest())
      return usageError("import", "the image name cannot carry a digest: " + Pos[1]);
    Ref = *R;
  }
  store::ImportOptions O;
  O.Changes = A->getAll("change");
  O.Message = A->get("message").value_or("");
  if (auto P = A->get("platform")) {
    auto Pl = oci::Platform::parse(*P);
    if (!Pl)
      return usageError("import", llvm::toString(Pl.takeError()));
    O.Plat = *Pl;
  }
  // Check the changes before reading anything, so a typo is a usage error.
  oci::ContainerConfig Probe;
  if (auto E = store::applyChanges(Probe, O.Changes))
    return usageError("import", llvm::toString(std::move(E)));
  std::unique_ptr<Reader> In;
  if (Pos[0] == "-") {
    In = fdReader(::dup(STDIN_FILENO));
  } else {
    auto F = openFileReader(Pos[0]);
    if (!F)
      return usageError("import", llvm::toString(F.takeError()));
    In = std::move(*F);
  }
  auto S = openStore(*A);
  if (!S)
    return failure(S.takeError());
  auto Id = store::importRootfs(**S, std::move(In), Ref, O);
  if (!Id)
    return failure(Id.takeError());
  llvm::outs() << Id->str() << "\n";
  return ExitOk;
}

} // namespace ballast::cli
