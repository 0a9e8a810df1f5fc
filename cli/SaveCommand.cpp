//===- SaveCommand.cpp - `ballast save` / `ballast image save` ------------===//
#include <fcntl.h>
#include <unistd.h>

#include "cli/ImageCommon.h"
#include "store/Archive.h"
#include "llvm/Support/raw_ostream.h"

namespace ballast::cli {

namespace {
const FlagSpec SaveFlags[] = {
    {"output", 'o', true, "write to FILE instead of standard output", "FILE"},
    {"format", 0, true, "docker (default; what `docker load` reads) or oci", "FORMAT"},
    RootFlag,
    HelpFlag,
};
} // namespace

int runSave(const std::vector<std::string> &Argv) {
  int Exit = 0;
  auto A = parseCommand("save", "[OPTIONS] IMAGE...",
                        "Save images to a tar archive (docker-archive, or oci-archive with "
                        "--format oci).",
                        SaveFlags, Argv, Exit);
  if (!A)
    return Exit;
  if (A->positional().empty())
    return usageError("save", "requires at least 1 argument; usage: ballast save -o FILE IMAGE...");
  std::string Fmt = A->get("format").value_or("docker");
  if (Fmt != "docker" && Fmt != "oci")
    return usageError("save", "--format must be docker or oci, not " + Fmt);
  auto Output = A->get("output");
  if (!Output && ::isatty(STDOUT_FILENO))
    return usageError("save", "cowardly refusing to save to a terminal; use the -o flag or "
                              "redirect");
  auto S = openStore(*A);
  if (!S)
    return failure(S.takeError());
  auto Pin = (*S)->pin(); // our temp file in .ballast/tmp is in use until we finish
  if (!Pin)
    return failure(Pin.takeError());
  // Resolve every name before anything is written.
  std::vector<std::pair<std::unique_ptr<oci::Image>, std::string>> Images;
  for (auto &Name : A->positional()) {
    auto Rec = (*S)->resolve(Name);
    if (!Rec)
      return failure(Rec.takeError());
    auto Img = (*S)->image(Rec->Id.str());
    if (!Img)
      return failure(Img.takeError());
    // Saved by name: the archive carries the name; by ID: no name, like Docker.
    std::string Tag;
    if (Rec->Ref) {
      auto R = oci::Reference::parse(Name);
      if (R && *R == *Rec->Ref)
        Tag = R->str();
      else if (!R)
        llvm::consumeError(R.takeError());
    }
    Images.emplace_back(std::move(*Img), Tag);
  }
  // Standard output: build the archive in the store's temp folder, then stream it.
  std::string Path =
      Output ? *Output : (*S)->root() + "/.ballast/tmp/save-" + std::to_string(::getpid()) + ".tar";
  auto W = store::ArchiveWriter::create(Path, Fmt == "oci" ? store::ArchiveWriter::Format::Oci
                                                           : store::ArchiveWriter::Format::Docker);
  if (!W)
    return failure(W.takeError());
  for (auto &[Img, Tag] : Images)
    if (auto E = oci::copyImage(*Img, **W, Tag))
      return failure(std::move(E));
  if (auto E = (*W)->commit())
    return failure(std::move(E));
  if (!Output) {
    auto In = openFileReader(Path);
    ::unlink(Path.c_str());
    if (!In)
      return failure(In.takeError());
    auto N = copyToFd(**In, STDOUT_FILENO);
    if (!N)
      return failure(N.takeError());
  }
  return ExitOk;
}

} // namespace ballast::cli
