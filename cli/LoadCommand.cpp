//===- LoadCommand.cpp - `ballast load` / `ballast image load` ------------===//
#include <fcntl.h>
#include <unistd.h>

#include "cli/ImageCommon.h"
#include "store/Archive.h"
#include "support/Errors.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/raw_ostream.h"

namespace ballast::cli {

namespace {
const FlagSpec LoadFlags[] = {
    {"input", 'i', true, "read from FILE instead of standard input", "FILE"},
    {"quiet", 'q', false, "suppress the load output"},
    RootFlag,
    HelpFlag,
};
} // namespace

int runLoad(const std::vector<std::string> &Argv) {
  int Exit = 0;
  auto A = parseCommand("load", "[OPTIONS]",
                        "Load images from a docker-archive or oci-archive (plain, gzip or zstd).",
                        LoadFlags, Argv, Exit);
  if (!A)
    return Exit;
  if (!A->positional().empty())
    return usageError("load", "takes no arguments; use -i FILE");
  auto Input = A->get("input");
  if (!Input && ::isatty(STDIN_FILENO))
    return usageError("load", "requested load from stdin, but stdin is empty; use -i FILE");
  auto S = openStore(*A);
  if (!S)
    return failure(S.takeError());
  auto Pin = (*S)->pin(); // our temp file in .ballast/tmp is in use until we finish
  if (!Pin)
    return failure(Pin.takeError());
  // Standard input is spooled once: archives are indexed, then read by offset.
  std::string Path;
  if (Input) {
    Path = *Input;
  } else {
    Path = (*S)->root() + "/.ballast/tmp/load-" + std::to_string(::getpid()) + ".tar";
    int Fd = ::open(Path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (Fd < 0)
      return failure(makeError("cannot spool standard input to " + Path));
    auto In = fdReader(::dup(STDIN_FILENO));
    auto N = copyToFd(*In, Fd);
    ::close(Fd);
    if (!N) {
      ::unlink(Path.c_str());
      return failure(N.takeError());
    }
  }
  auto Cleanup = llvm::make_scope_exit([&] {
    if (!Input)
      ::unlink(Path.c_str());
  });
  auto Images = store::openArchive(Path);
  if (!Images)
    return failure(Images.takeError());
  auto Sink = (*S)->sink();
  for (auto &I : *Images) {
    std::vector<std::string> Names = I.Names;
    if (Names.empty())
      Names.push_back("");
    for (auto &N : Names) {
      if (auto E = oci::copyImage(*I.Img, *Sink, N))
        return failure(std::move(E));
      if (A->flag("quiet"))
        continue;
      if (N.empty()) {
        llvm::outs() << "Loaded image ID: " << I.Img->id().str() << "\n";
      } else if (auto R = oci::Reference::parse(N)) {
        llvm::outs() << "Loaded image: " << R->familiar() << "\n";
      } else {
        llvm::consumeError(R.takeError());
      }
    }
  }
  return ExitOk;
}

} // namespace ballast::cli
