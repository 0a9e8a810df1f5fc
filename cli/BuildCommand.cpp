//===- BuildCommand.cpp - `ballast build`: a Dockerfile to an image -------===//
//
// Docker's `build` flags over builder::build. Progress goes to stderr like BuildKit's plain
// output (`#N [stage i/n] INSTRUCTION`, `#N CACHED`), or as BuildKit's live display
// (BuildProgress.h) with --progress tty, or auto when stderr is a terminal; like buildx (since
// v0.10), --progress tty without a terminal is an error. The image ID is printed on stdout at
// the end (and written to --iidfile).
//
//===----------------------------------------------------------------------===//
#include <unistd.h>

#include <optional>

#include "builder/Builder.h"
#include "cli/BuildProgress.h"
#include "cli/ImageCommon.h"
#include "cli/RegistryCommon.h"
#include "oci/Reference.h"
#include "support/AtomicFile.h"
#include "support/Errors.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

namespace ballast::cli {

namespace {
const FlagSpec BuildFlags[] = {
    {"tag", 't', true, "name (and optionally tag) the image (repeatable)", "NAME[:TAG]"},
    {"file", 'f', true, "the Dockerfile (default: CONTEXT/Dockerfile; - reads stdin)", "FILE"},
    {"build-arg", 0, true, "set a build-time variable (repeatable)", "K=V"},
    {"target", 0, true, "build this stage (and what it needs) only", "STAGE"},
    {"no-cache", 0, false, "do not use the build cache"},
    {"label", 0, true, "add a label to the image (repeatable)", "K=V"},
    {"platform", 0, true, "target platform (os/arch[/variant])", "PLATFORM"},
    {"compression", 0, true, "layer compression: gzip (default) or zstd", "ALGO"},
    {"iidfile", 0, true, "write the image ID to the file", "FILE"},
    {"network", 0, true, "network for RUN: host (default) or none", "MODE"},
    {"progress", 0, true, "progress output: auto (tty on a terminal, else plain), plain or tty",
     "TYPE"},
    {"pull", 0, false, "pull base images even when the store has them"},
    {"push", 0, false, "push every -t tag to its registry after the build"},
    {"secret", 0, true,
     "a secret for RUN --mount=type=secret: a file (src=PATH) or an environment variable "
     "(env=VARIABLE); never stored in the image or the cache (repeatable)",
     "id=ID,src=PATH"},
    RootFlag,
    HelpFlag,
};

/// Parses one `--secret` like buildx: `id=ID` with `src=PATH` (or `source=`), `env=VARIABLE`,
/// an optional `type=file|env`; with neither source, the variable or else the file named ID.
/// Returns the id and the content, or an error message (Usage tells a usage error from a
/// missing source).
std::optional<std::pair<std::string, std::string>> parseSecret(llvm::StringRef Value,
                                                               std::string &Err, bool &Usage) {
  std::string Id, Src, Env, Type;
  Usage = true;
  llvm::SmallVector<llvm::StringRef, 4> Fields;
  Value.split(Fields, ',');
  for (llvm::StringRef F : Fields) {
    auto [K, V] = F.split('=');
    std::string Key = K.trim().lower();
    if (!F.contains('=')) {
      Err = "invalid field '" + F.str() + "' in --secret " + Value.str() +
            "; it must be a key=value pair";
      return std::nullopt;
    }
    if (Key == "type") {
      if (V != "file" && V != "env") {
        Err = "unsupported secret type \"" + V.str() + "\"; use file or env";
        return std::nullopt;
      }
      Type = V.str();
    } else if (Key == "id")
      Id = V.str();
    else if (Key == "src" || Key == "source")
      Src = V.str();
    else if (Key == "env")
      Env = V.str();
    else {
      Err = "unexpected key '" + Key + "' in '" + F.str() + "'; use id, src, env or type";
      return std::nullopt;
    }
  }
  if (Type == "env" && Env.empty())
    std::swap(Env, Src);
  if (Id.empty())
    Id = !Src.empty() ? llvm::sys::path::filename(Src).str() : Env;
  if (Id.empty()) {
    Err = "--secret " + Value.str() + " has no id; write --secret id=ID,src=PATH";
    return std::nullopt;
  }
  Usage = false;
  if (Src.empty() && Env.empty()) {
    if (::getenv(Id.c_str()) && Type != "file")
      Env = Id;
    else
      Src = Id;
  }
  if (!Env.empty()) {
    const char *V = ::getenv(Env.c_str());
    if (!V) {
      Err = "secret " + Id + ": environment variable " + Env +
            " is not set; export it or use "
            "src=PATH";
      return std::nullopt;
    }
    return std::make_pair(Id, std::string(V));
  }
  auto B = llvm::MemoryBuffer::getFile(Src, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!B) {
    Err = "secret " + Id + ": cannot read " + Src + ": " + B.getError().message() +
          "; check src=PATH";
    return std::nullopt;
  }
  return std::make_pair(Id, (*B)->getBuffer().str());
}

/// Splits `K=V` (a bare `K` takes the value from the environment, as Docker does).
std::optional<std::pair<std::string, std::string>> keyValue(llvm::StringRef S, bool FromEnv) {
  auto [K, V] = S.split('=');
  if (K.empty())
    return std::nullopt;
  if (!S.contains('=')) {
    if (!FromEnv)
      return std::make_pair(K.str(), std::string());
    const char *E = ::getenv(K.str().c_str());
    if (!E)
      return std::nullopt;
    return std::make_pair(K.str(), std::string(E));
  }
  return std::make_pair(K.str(), V.str());
}
} // namespace

int runBuild(const std::vector<std::string> &Argv) {
  int Exit = 0;
  auto A = parseCommand("build", "[OPTIONS] CONTEXT|-",
                        "Build an image from a Dockerfile, daemonless, into the image store.",
                        BuildFlags, Argv, Exit);
  if (!A)
    return Exit;
  const auto &Pos = A->positional();
  if (Pos.size() != 1)
    return usageError("build", "requires exactly 1 argument; usage: ballast build [OPTIONS] "
                               "CONTEXT|-");
  bool Push = A->flag("push");
  if (Push && A->getAll("tag").empty())
    return usageError("build", "--push needs a name to push to; add -t REGISTRY/NAME:TAG");
  builder::BuildOptions O;
  std::string Context = Pos[0];
  std::optional<std::string> File = A->get("file");
  if (Context == "-") {
    if (File && *File != "-")
      return usageError("build", "a Dockerfile from stdin has no context; drop -f or pass a "
                                 "context folder");
    O.ContextDir = "-";
    O.DockerfilePath = "-";
  } else {
    O.ContextDir = Context;
    if (!File) {
      llvm::SmallString<256> P(Context);
      llvm::sys::path::append(P, "Dockerfile");
      O.DockerfilePath = std::string(P);
    } else {
      O.DockerfilePath = *File;
    }
  }
  auto Text = readFileOrStdin(O.DockerfilePath);
  if (!Text)
    return usageError("build", "cannot read the Dockerfile " + O.DockerfilePath + ": " +
                                   llvm::toString(Text.takeError()));
  O.DockerfileText = std::move(*Text);
  if (O.DockerfilePath == "-")
    O.DockerfilePath = "Dockerfile";
  for (const std::string &T : A->getAll("tag")) {
    auto R = oci::Reference::parse(T);
    if (!R)
      return usageError("build", "invalid tag " + T + ": " + llvm::toString(R.takeError()));
    if (R->digest())
      return usageError("build", "a tag cannot carry a digest: " + T);
    O.Tags.push_back(R->str());
  }
  for (const std::string &KV : A->getAll("build-arg")) {
    auto P = keyValue(KV, true);
    if (!P)
      continue; // Docker drops `--build-arg K` when K is not set in the environment
    O.Plan.BuildArgs[P->first] = P->second;
  }
  // Like buildx: SOURCE_DATE_EPOCH in the environment is the build arg unless one is given.
  if (const char *E = ::getenv("SOURCE_DATE_EPOCH"))
    if (*E && !O.Plan.BuildArgs.count("SOURCE_DATE_EPOCH"))
      O.Plan.BuildArgs["SOURCE_DATE_EPOCH"] = E;
  for (const std::string &KV : A->getAll("label")) {
    auto P = keyValue(KV, false);
    if (!P)
      return usageError("build", "invalid label " + KV + "; write --label KEY=VALUE");
    O.Plan.Labels[P->first] = P->second;
  }
  if (auto T = A->get("target"))
    O.Plan.Target = *T;
  if (auto P = A->get("platform")) {
    auto Pl = oci::Platform::parse(*P);
    if (!Pl)
      return usageError("build", llvm::toString(Pl.takeError()));
    O.Plan.Platform = *Pl;
  }
  if (auto C = A->get("compression")) {
    if (*C == "gzip")
      O.Compression = oci::media::Compression::Gzip;
    else if (*C == "zstd")
      O.Compression = oci::media::Compression::Zstd;
    else
      return usageError("build", "unknown compression " + *C + "; use gzip or zstd");
  }
  if (auto N = A->get("network")) {
    auto M = builder::parseNetworkMode(*N);
    if (!M)
      return usageError("build", llvm::toString(M.takeError()));
    O.Network = *M;
  }
  bool Tty = ::isatty(2) != 0;
  if (auto P = A->get("progress")) {
    if (*P != "auto" && *P != "plain" && *P != "tty")
      return usageError("build", "unknown progress type " + *P + "; use auto, plain or tty");
    if (*P == "tty" && !Tty)
      return usageError("build", "failed to get console: stderr is not a terminal; use "
                                 "--progress plain (or auto)");
    if (*P == "plain")
      Tty = false;
  }
  for (const std::string &V : A->getAll("secret")) {
    std::string Err;
    bool Usage = false;
    auto P = parseSecret(V, Err, Usage);
    if (!P) {
      if (Usage)
        return usageError("build", Err);
      return failure(makeError(Err));
    }
    O.Secrets[P->first] = std::move(P->second);
  }
  O.NoCache = A->flag("no-cache");
  O.Pull = A->flag("pull");
  auto S = openStore(*A);
  if (!S)
    return failure(S.takeError());
  std::optional<BuildProgressTty> Display;
  if (Tty) {
    Display.emplace(2);
    O.Log = [&Display](llvm::StringRef Line) { Display->line(Line); };
  } else {
    O.Log = [](llvm::StringRef Line) {
      llvm::errs() << Line << "\n";
      llvm::errs().flush();
    };
  }
  auto R = builder::build(**S, O);
  if (Display)
    Display->finish(!!R);
  if (!R)
    return failure(R.takeError());
  if (auto F = A->get("iidfile"))
    if (auto E = writeFileAtomically(*F, R->Id.str()))
      return failure(std::move(E));
  llvm::outs() << R->Id.str() << "\n";
  llvm::outs().flush();
  if (Push) {
    // Like `ballast push` for every tag, one after the other.
    registry::TransferOptions TO;
    TO.Parallel = 4;
    ProgressDisplay Progress(ProgressDisplay::Mode::Quiet, 2);
    TO.Progress = &Progress;
    for (const std::string &T : O.Tags) {
      auto Ref = oci::Reference::parse(T);
      if (!Ref)
        return failure(Ref.takeError());
      llvm::errs() << "pushing " << Ref->familiar() << "\n";
      auto P = registry::pushImage(**S, Ref->str(), *Ref, TO);
      if (!P)
        return failure(P.takeError());
      llvm::errs() << P->Tag << ": digest: " << P->Digest.str() << " size: " << P->Size << "\n";
    }
  }
  return ExitOk;
}

} // namespace ballast::cli
