//===- TagCommand.cpp - `ballast tag SOURCE TARGET` -----------------------===//
#include "cli/ImageCommon.h"
#include "llvm/Support/raw_ostream.h"

namespace ballast::cli {

namespace {
const FlagSpec TagFlags[] = {RootFlag, HelpFlag};
} // namespace

int runTag(const std::vector<std::string> &Argv) {
  int Exit = 0;
  auto A =
      parseCommand("tag", "SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]",
                   "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE.", TagFlags, Argv, Exit);
  if (!A)
    return Exit;
  if (A->positional().size() != 2)
    return usageError("tag", "requires exactly 2 arguments; usage: ballast tag SOURCE TARGET");
  auto Target = oci::Reference::parse(A->positional()[1]);
  if (!Target)
    return usageError("tag", llvm::toString(Target.takeError()));
  if (Target->digest())
    return usageError("tag", "refusing to create a tag with a digest reference; drop the "
                             "@sha256:... part of " +
                                 A->positional()[1]);
  auto S = openStore(*A);
  if (!S)
    return failure(S.takeError());
  auto Rec = (*S)->resolve(A->positional()[0]);
  if (!Rec)
    return failure(Rec.takeError());
  if (auto E = (*S)->tag(*Target, Rec->ManifestDigest, Rec->MediaType, -1))
    return failure(std::move(E));
  return ExitOk;
}

} // namespace ballast::cli
