//===- PullCommand.cpp - `ballast pull` -----------------------------------===//
#include "cli/RegistryCommon.h"
#include "support/Errors.h"
#include "llvm/Support/raw_ostream.h"

namespace ballast::cli {

namespace {
const FlagSpec PullFlags[] = {
    {"platform", 0, true, "pick this platform from a multi-platform image (default: this machine)",
     "OS/ARCH[/VARIANT]"},
    {"all-tags", 'a', false, "download every tagged image of the repository"},
    QuietFlag,
    TlsVerifyFlag,
    CertDirFlag,
    RootFlag,
    HelpFlag,
};
} // namespace

int runPull(const std::vector<std::string> &Argv) {
  int Exit = 0;
  auto A = parseCommand("pull", "[OPTIONS] NAME[:TAG|@DIGEST]",
                        "Download an image from a registry into the store.", PullFlags, Argv, Exit);
  if (!A)
    return Exit;
  if (A->positional().size() != 1)
    return usageError("pull", "requires exactly 1 argument; usage: ballast pull "
                              "NAME[:TAG|@DIGEST]");
  bool AllTags = A->flag("all-tags");
  auto Ref = oci::Reference::parse(A->positional()[0], !AllTags);
  if (!Ref)
    return usageError("pull", llvm::toString(Ref.takeError()));
  if (AllTags && (!Ref->tag().empty() || Ref->digest()))
    return usageError("pull", "tag or digest can't be used with --all-tags");
  registry::TransferOptions O;
  O.Client = clientOptions(*A);
  if (auto P = A->get("platform")) {
    auto Pl = oci::Platform::parse(*P);
    if (!Pl)
      return usageError("pull", llvm::toString(Pl.takeError()));
    O.Plat = *Pl;
  }
  ProgressDisplay Progress(
      A->flag("quiet") ? ProgressDisplay::Mode::Quiet : ProgressDisplay::Mode::Auto, 1);
  O.Progress = &Progress;
  auto S = openStore(*A);
  if (!S)
    return failure(S.takeError());

  auto Report = [&](const registry::PullResult &R) {
    Progress.line("Digest: " + R.Digest.str());
    std::string Name = R.Ref.familiar();
    Progress.line(R.UpToDate ? "Status: Image is up to date for " + Name
                             : "Status: Downloaded newer image for " + Name);
    Progress.line(R.Ref.str(), true);
  };
  if (AllTags) {
    Progress.line("Pulling all tags of " + Ref->familiarName());
    auto Rs = registry::pullAllTags(**S, *Ref, O);
    if (!Rs)
      return failure(Rs.takeError());
    for (auto &R : *Rs)
      Report(R);
    return ExitOk;
  }
  if (!llvm::StringRef(A->positional()[0]).contains(':') &&
      !llvm::StringRef(A->positional()[0]).contains('@'))
    Progress.line("Using default tag: latest");
  Progress.line((Ref->tag().empty() ? Ref->digest()->str() : Ref->tag()) + ": Pulling from " +
                Ref->path());
  auto R = registry::pullImage(**S, *Ref, O);
  if (!R)
    return failure(R.takeError());
  Report(*R);
  return ExitOk;
}

} // namespace ballast::cli
