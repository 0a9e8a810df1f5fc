//===- LoginCommand.cpp - `ballast login` and `ballast logout` ------------===//
#include <termios.h>
#include <unistd.h>

#include "cli/RegistryCommon.h"
#include "registry/Auth.h"
#include "support/Errors.h"
#include "llvm/Support/raw_ostream.h"

namespace ballast::cli {

namespace {
const FlagSpec LoginFlags[] = {
    {"username", 'u', true, "user name", "USER"},
    {"password", 'p', true,
     "password (visible to other users of this machine: prefer "
     "--password-stdin)",
     "PASSWORD"},
    {"password-stdin", 0, false, "read the password from standard input"},
    TlsVerifyFlag,
    CertDirFlag,
    HelpFlag,
};
const FlagSpec LogoutFlags[] = {HelpFlag};

/// The registry host a login names: "docker.io" when none is given; URLs lose scheme and path.
std::string loginHost(const std::vector<std::string> &Pos) {
  if (Pos.empty())
    return "docker.io";
  llvm::StringRef H = Pos[0];
  if (size_t P = H.find("://"); P != llvm::StringRef::npos)
    H = H.drop_front(P + 3);
  H = H.take_until([](char C) { return C == '/'; });
  if (H == "index.docker.io" || H == "registry-1.docker.io")
    return "docker.io";
  return H.str();
}

/// Reads a line from the terminal, without echo when Secret.
std::optional<std::string> prompt(llvm::StringRef Text, bool Secret) {
  if (!isatty(STDIN_FILENO))
    return std::nullopt;
  llvm::errs() << Text;
  llvm::errs().flush();
  termios Old;
  bool Restore = Secret && tcgetattr(STDIN_FILENO, &Old) == 0;
  if (Restore) {
    termios New = Old;
    New.c_lflag &= ~ECHO;
    tcsetattr(STDIN_FILENO, TCSANOW, &New);
  }
  std::string Line;
  char C;
  while (::read(STDIN_FILENO, &C, 1) == 1 && C != '\n')
    Line += C;
  if (Restore) {
    tcsetattr(STDIN_FILENO, TCSANOW, &Old);
    llvm::errs() << "\n";
  }
  return Line;
}
} // namespace

int runLogin(const std::vector<std::string> &Argv) {
  int Exit = 0;
  auto A = parseCommand("login", "[OPTIONS] [SERVER]",
                        "Log in to a registry: the credentials are checked against it, then "
                        "stored in Docker's config.json (or its credential helper).",
                        LoginFlags, Argv, Exit);
  if (!A)
    return Exit;
  if (A->positional().size() > 1)
    return usageError("login", "requires at most 1 argument; usage: ballast login [-u USER] "
                               "[--password-stdin] [SERVER]");
  std::string Host = loginHost(A->positional());
  registry::Credentials C;
  if (auto U = A->get("username"))
    C.Username = *U;
  if (A->flag("password-stdin")) {
    if (A->has("password"))
      return usageError("login", "--password and --password-stdin are mutually exclusive");
    if (C.Username.empty())
      return usageError("login", "must provide --username with --password-stdin");
    std::string In;
    char Buf[4096];
    ssize_t N;
    while ((N = ::read(STDIN_FILENO, Buf, sizeof Buf)) > 0)
      In.append(Buf, N);
    while (!In.empty() && (In.back() == '\n' || In.back() == '\r'))
      In.pop_back();
    C.Password = In;
  } else if (auto P = A->get("password")) {
    C.Password = *P;
  }
  if (C.Username.empty()) {
    auto U = prompt("Username: ", false);
    if (!U || U->empty())
      return usageError("login", "no user name; pass -u USER");
    C.Username = *U;
  }
  if (C.Password.empty()) {
    auto P = prompt("Password: ", true);
    if (!P || P->empty())
      return usageError("login", "no password; pass --password-stdin");
    C.Password = *P;
  }
  registry::ClientOptions O = clientOptions(*A);
  O.Creds = C;
  std::string Endpoint = Host == "docker.io" ? "registry-1.docker.io" : Host;
  auto Client = registry::Client::create(Endpoint, O);
  if (!Client)
    return usageError("login", llvm::toString(Client.takeError()));
  if (auto E = (*Client)->ping())
    return failure(makeError("login to " + Host + " failed: " + llvm::toString(std::move(E))));
  auto Cfg = registry::DockerConfig::load(registry::dockerConfigDir());
  if (!Cfg)
    return failure(Cfg.takeError());
  if (auto E = Cfg->store(Host, C))
    return failure(std::move(E));
  if (Cfg->helperFor(Host).empty())
    llvm::errs() << "WARNING! Your password will be stored unencrypted in " << Cfg->path() << ".\n";
  llvm::outs() << "Login Succeeded\n";
  return ExitOk;
}

int runLogout(const std::vector<std::string> &Argv) {
  int Exit = 0;
  auto A = parseCommand("logout", "[SERVER]", "Remove the stored credentials of a registry.",
                        LogoutFlags, Argv, Exit);
  if (!A)
    return Exit;
  if (A->positional().size() > 1)
    return usageError("logout", "requires at most 1 argument; usage: ballast logout [SERVER]");
  std::string Host = loginHost(A->positional());
  auto Cfg = registry::DockerConfig::load(registry::dockerConfigDir());
  if (!Cfg)
    return failure(Cfg.takeError());
  auto Gone = Cfg->erase(Host);
  if (!Gone)
    return failure(Gone.takeError());
  if (*Gone)
    llvm::outs() << "Removing login credentials for " << Host << "\n";
  else
    llvm::outs() << "Not logged in to " << Host << "\n";
  return ExitOk;
}

} // namespace ballast::cli
