//===- PushCommand.cpp - `ballast push` -----------------------------------===//
#include "cli/RegistryCommon.h"
#include "support/Errors.h"
#include "llvm/Support/raw_ostream.h"

namespace ballast::cli {

namespace {
const FlagSpec PushFlags[] = {
    QuietFlag, TlsVerifyFlag, CertDirFlag, RootFlag, HelpFlag,
};
} // namespace

int runPush(const std::vector<std::string> &Argv) {
  int Exit = 0;
  auto A = parseCommand("push", "[OPTIONS] NAME[:TAG]",
                        "Upload an image from the store to a registry.", PushFlags, Argv, Exit);
  if (!A)
    return Exit;
  if (A->positional().size() != 1)
    return usageError("push", "requires exactly 1 argument; usage: ballast push NAME[:TAG]");
  auto Ref = oci::Reference::parse(A->positional()[0]);
  if (!Ref)
    return usageError("push", llvm::toString(Ref.takeError()));
  if (Ref->digest())
    return usageError("push", "cannot push a digest reference; push NAME[:TAG]");
  registry::TransferOptions O;
  O.Client = clientOptions(*A);
  O.Parallel = 4;
  ProgressDisplay Progress(
      A->flag("quiet") ? ProgressDisplay::Mode::Quiet : ProgressDisplay::Mode::Auto, 1);
  O.Progress = &Progress;
  auto S = openStore(*A);
  if (!S)
    return failure(S.takeError());
  Progress.line("The push refers to repository [" + Ref->familiarName() + "]");
  auto R = registry::pushImage(**S, Ref->str(), *Ref, O);
  if (!R)
    return failure(R.takeError());
  Progress.line(R->Tag + ": digest: " + R->Digest.str() + " size: " + std::to_string(R->Size),
                true);
  return ExitOk;
}

} // namespace ballast::cli
