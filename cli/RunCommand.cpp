//===- RunCommand.cpp - `ballast run`: a command in a container -----------===//
//
// Resolves the image in the store, stacks its layer snapshots under a fresh overlay upper
// (discarded at exit, so every run starts from the image: `--rm` is what always happens), and
// runs the command in the namespace sandbox RUN steps use. Entrypoint, Cmd, Env, WorkingDir and
// User follow Docker's rules. The exit status is the command's; like Docker, 125 means ballast
// itself failed, 126 that the command could not be invoked and 127 that it was not found.
//
//===----------------------------------------------------------------------===//
#include <cstdlib>
#include <random>
#include <sys/stat.h>

#include "builder/Sandbox.h"
#include "builder/Snapshot.h"
#include "cli/ImageCommon.h"
#include "support/Errors.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

namespace ballast::cli {

namespace {

const FlagSpec RunFlags[] = {
    {"rm", 0, false, "remove the container when it exits (always the case)"},
    {"interactive", 'i', false, "keep stdin open for the command"},
    {"tty", 't', false, "allocate a pseudo-terminal"},
    {"env", 'e', true, "set an environment variable (repeatable; K alone copies the host's)",
     "K=V"},
    {"workdir", 'w', true, "working directory inside the container", "DIR"},
    {"user", 'u', true, "user (name|uid[:group|gid]) inside the container", "USER"},
    {"volume", 'v', true, "bind a host folder or file (repeatable)", "HOST:CTR[:ro]"},
    {"network", 0, true, "network: host (default) or none", "MODE"},
    {"entrypoint", 0, true, "override the image's entrypoint (resets its CMD)", "CMD"},
    {"hostname", 0, true, "container hostname (default: a random id)", "NAME"},
    RootFlag,
    HelpFlag,
};

/// Docker's `run` reads flags only up to the image name: everything after it is the command.
size_t flagsEnd(const std::vector<std::string> &Argv) {
  auto Find = [](auto Pred) -> const FlagSpec * {
    for (const FlagSpec &S : RunFlags)
      if (Pred(S))
        return &S;
    return nullptr;
  };
  for (size_t I = 0; I < Argv.size(); ++I) {
    llvm::StringRef W = Argv[I];
    if (W == "--")
      return I + 1;
    if (W.startswith("--")) {
      llvm::StringRef Name = W.drop_front(2).split('=').first;
      const FlagSpec *S = Find([&](const FlagSpec &F) { return F.Long == Name; });
      if (S && S->TakesValue && !W.contains('='))
        ++I;
      continue;
    }
    if (W.size() > 1 && W[0] == '-') {
      for (size_t K = 1; K < W.size(); ++K) {
        const FlagSpec *S = Find([&](const FlagSpec &F) { return F.Short == W[K]; });
        if (S && S->TakesValue) {
          if (K + 1 == W.size())
            ++I;
          break;
        }
      }
      continue;
    }
    return I;
  }
  return Argv.size();
}

std::string randomHostname() {
  std::random_device RD;
  std::mt19937_64 G(RD());
  static const char Hex[] = "0123456789abcdef";
  std::string S;
  uint64_t V = G();
  for (int I = 0; I < 12; ++I, V >>= 4)
    S += Hex[V & 15];
  return S;
}

/// Sets K=V in Env, replacing an earlier K.
void setEnv(std::vector<std::string> &Env, const std::string &KV) {
  std::string Key = KV.substr(0, KV.find('='));
  for (std::string &E : Env)
    if (E.substr(0, E.find('=')) == Key) {
      E = KV;
      return;
    }
  Env.push_back(KV);
}

int runFailure(const llvm::Twine &Msg) {
  llvm::outs().flush();
  llvm::errs() << "ballast run: " << Msg << "\n";
  return 125;
}

} // namespace

int runRun(const std::vector<std::string> &Argv) {
  size_t End = flagsEnd(Argv);
  std::vector<std::string> FlagPart(Argv.begin(), Argv.begin() + End);
  std::vector<std::string> Rest(Argv.begin() + End, Argv.end());
  if (End > 0 && Argv[End - 1] == "--")
    FlagPart.pop_back();
  int Exit = 0;
  auto A = parseCommand("run", "[OPTIONS] IMAGE [COMMAND] [ARG...]",
                        "Run a command in a new container made from an image.", RunFlags, FlagPart,
                        Exit);
  if (!A)
    return Exit;
  if (!A->positional().empty() || Rest.empty())
    return usageError("run", "requires at least 1 argument; usage: ballast run [OPTIONS] IMAGE "
                             "[COMMAND] [ARG...]");
  std::string ImageName = Rest.front();
  std::vector<std::string> Args(Rest.begin() + 1, Rest.end());

  builder::SandboxSpec Spec;
  auto Net = builder::parseNetworkMode(A->get("network").value_or("host"));
  if (!Net)
    return usageError("run", llvm::toString(Net.takeError()));
  Spec.Network = *Net;
  for (const std::string &V : A->getAll("volume")) {
    llvm::SmallVector<llvm::StringRef, 3> Parts;
    llvm::StringRef(V).split(Parts, ':');
    if (Parts.size() < 2 || Parts.size() > 3 ||
        (Parts.size() == 3 && Parts[2] != "ro" && Parts[2] != "rw"))
      return usageError("run", "invalid volume '" + V + "'; use HOST:CONTAINER[:ro|rw]");
    if (!Parts[0].startswith("/") || !Parts[1].startswith("/"))
      return usageError("run", "invalid volume '" + V + "'; both paths must be absolute");
    builder::MountSpec M;
    M.Source = Parts[0].str();
    M.Target = Parts[1].str();
    M.ReadOnly = Parts.size() == 3 && Parts[2] == "ro";
    Spec.Mounts.push_back(M);
  }

  auto S = openStore(*A);
  if (!S)
    return runFailure(llvm::toString(S.takeError()));
  auto Img = (*S)->image(ImageName);
  if (!Img)
    return runFailure(llvm::toString(Img.takeError()));
  const oci::ContainerConfig &C = (*Img)->config().Config;

  // Docker's rules: --entrypoint replaces the entrypoint and drops the image's CMD; arguments
  // replace CMD.
  std::vector<std::string> Entrypoint = C.Entrypoint.value_or(std::vector<std::string>{});
  std::vector<std::string> Cmd = C.Cmd.value_or(std::vector<std::string>{});
  if (auto E = A->get("entrypoint")) {
    Entrypoint = E->empty() ? std::vector<std::string>{} : std::vector<std::string>{*E};
    Cmd.clear();
  }
  if (!Args.empty())
    Cmd = Args;
  Spec.Argv = Entrypoint;
  Spec.Argv.insert(Spec.Argv.end(), Cmd.begin(), Cmd.end());
  if (Spec.Argv.empty())
    return runFailure("no command specified; give one after the image name or set CMD or "
                      "ENTRYPOINT in the image");
  Spec.Env = C.Env;
  for (const std::string &E : A->getAll("env")) {
    if (E.find('=') != std::string::npos) {
      setEnv(Spec.Env, E);
    } else if (const char *V = ::getenv(E.c_str())) {
      setEnv(Spec.Env, E + "=" + V);
    }
  }
  Spec.Cwd = A->get("workdir").value_or(C.WorkingDir.empty() ? "/" : C.WorkingDir);
  if (!llvm::StringRef(Spec.Cwd).startswith("/"))
    return usageError("run", "the working directory '" + Spec.Cwd + "' is not absolute");
  Spec.User = A->get("user").value_or(C.User);
  Spec.Hostname = A->get("hostname").value_or(randomHostname());
  Spec.Stdin = A->flag("interactive");
  Spec.Tty = A->flag("tty");
  Spec.KillOnSignal = false;
  // Docker creates a missing host folder of a bind mount.
  for (const builder::MountSpec &M : Spec.Mounts) {
    struct stat St;
    if (::stat(M.Source.c_str(), &St) && errno == ENOENT) {
      if (auto EC = llvm::sys::fs::create_directories(M.Source))
        return runFailure("cannot create " + M.Source + ": " + EC.message());
    }
  }

  auto Snaps = builder::SnapshotStore::open((*S)->root());
  if (!Snaps)
    return runFailure(llvm::toString(Snaps.takeError()));
  auto Chain = Snaps->chain(**Img);
  if (!Chain)
    return runFailure(llvm::toString(Chain.takeError()));
  auto Root = builder::OverlayMount::create(*Chain, Snaps->tempParent(), Snaps->stubCache());
  if (!Root)
    return runFailure(llvm::toString(Root.takeError()));
  Spec.Rootfs = (*Root)->merged();
  llvm::outs().flush();
  auto R = builder::runSandboxed(Spec);
  if (!R)
    return runFailure(llvm::toString(R.takeError()));
  if (!R->ExecError.empty())
    llvm::errs() << "ballast run: " << R->ExecError << "\n";
  return R->ExitCode;
}

} // namespace ballast::cli
