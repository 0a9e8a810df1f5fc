//===- BL2001.cpp - Downloaded script piped into a shell unverified -------===//
#include <optional>

#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

bool isDownloader(const shell::Command &Cmd) { return Cmd.isAnyOf({"curl", "wget"}); }

bool isShellName(llvm::StringRef N) {
  // Every name below ends in `h`; asked of every command of a RUN that downloads, most of
  // which do not.
  if (N.empty() || N.back() != 'h')
    return false;
  N = N.drop_front(N.rfind('/') + 1); // npos + 1 is 0: no slash keeps N
  return N == "sh" || N == "bash" || N == "zsh" || N == "dash" || N == "ash" || N == "ksh";
}

/// How the message names the shell command: `bash`, `sudo bash`.
std::string shellTitle(const shell::Command &Cmd) {
  if (Cmd.isAnyOf({"sudo", "doas"}))
    for (const shell::Word &A : Cmd.args())
      if (!A.Text.startswith("-"))
        return Cmd.basename().str() + " " + A.Text.str();
  return Cmd.basename().str();
}

/// A shell, also run through `sudo`/`doas` (`| sudo bash -s`). Asked of every command of a RUN
/// that downloads: the name's last byte turns most of them down (a shell's is `h`, sudo's `o`,
/// doas's `s`) before any compare, where isAnyOf called memcmp for each name.
bool isShell(const shell::Command &Cmd) {
  llvm::StringRef N = Cmd.Name;
  if (N.empty())
    return false;
  if (N.back() == 'h')
    return isShellName(N);
  if (N.back() != 'o' && N.back() != 's')
    return false;
  llvm::StringRef B = Cmd.basename();
  if (B != "sudo" && B != "doas")
    return false;
  for (const shell::Word &A : Cmd.args())
    if (!A.Text.startswith("-"))
      return isShellName(A.Text);
  return false;
}

/// A command in the RUN that verifies a download: `sha256sum -c`, `gpg --verify`, `gpgv`...
/// Asked of every command of the RUNs that download: the basename is taken once and compared
/// with each name (most differ in length), rather than matched per name.
bool verifies(const shell::Command &Cmd) {
  static const llvm::StringRef Sums[] = {"sha256sum", "sha512sum", "sha384sum", "sha1sum",
                                         "md5sum",    "b2sum",     "shasum"};
  static const llvm::StringRef Verifiers[] = {"gpgv", "minisign", "signify"};
  llvm::StringRef B = Cmd.basename();
  if (llvm::is_contained(Sums, B))
    return Cmd.hasAnyFlag({"-c", "--check"});
  if (B == "gpg" || B == "gpg2")
    return Cmd.hasFlag("--verify");
  if (llvm::is_contained(Verifiers, B))
    return true;
  if (B == "cosign")
    return Cmd.hasArgStartingWith("verify");
  return false;
}

class PipeToShell : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"curl", "wget"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    const shell::Script *S = posixRunScript(I, C);
    if (!S)
      return;
    // A RUN that verifies anything reports nothing. Asked at the first shell fed a download
    // (few RUNs have one), not of every command of every RUN that downloads.
    std::optional<bool> Verifies;
    bool Reported = false;
    auto Cmds = S->commands();
    for (const shell::Command &Sh : Cmds) {
      if (!isShell(Sh))
        continue;
      const shell::Command *Dl = nullptr;
      if (Sh.inPipeline() && Sh.PipelineIndex > 0 && Sh.ShellScriptArg < 0 && !Sh.hasFlag("-c")) {
        // `curl URL | sh`: a downloader in an earlier element of the same pipeline.
        for (unsigned Idx : S->pipelines()[Sh.Pipeline].Commands) {
          const shell::Command &E = Cmds[Idx];
          if (E.PipelineIndex < Sh.PipelineIndex && isDownloader(E)) {
            Dl = &E;
            break;
          }
        }
      } else {
        // `sh -c "$(curl URL)"` or `bash <(curl URL)`: a downloader substituted into its words.
        for (const shell::Command &E : Cmds)
          if (isDownloader(E) && E.Parent >= 0 && &Cmds[E.Parent] == &Sh &&
              E.Shell != int(S->indexOf(Sh))) {
            Dl = &E;
            break;
          }
      }
      if (!Dl)
        continue;
      if (!Verifies)
        Verifies = S->anyCommand(verifies);
      if (*Verifies) {
        C.scriptQuiet(I);
        return;
      }
      C.report(C.scriptRange(I, Sh.Args.front().Range),
               "`" + Dl->basename().str() + " ... | " + shellTitle(Sh) +
                   "` runs a downloaded script without verifying it; download it to a file, "
                   "check it with `sha256sum -c` (or `gpg --verify`), then run it")
          .note(C.scriptRange(I, Dl->Args.front().Range), "downloaded here");
      Reported = true;
    }
    if (!Reported)
      C.scriptQuiet(I);
  }
};

} // namespace

RuleInfo infoBL2001() {
  RuleInfo R;
  R.Id = "BL2001";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Security;
  R.Title = "downloaded script piped into a shell without verification";
  R.SecuritySeverity = "7.5";
  return R;
}

BALLAST_RULE_MAKE(BL2001, PipeToShell)

} // namespace ballast::rules
