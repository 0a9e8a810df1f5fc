//===- BL1005.cpp - apt archives kept when docker-clean is disabled --------===//
//
// Debian and Ubuntu images ship /etc/apt/apt.conf.d/docker-clean, which deletes downloaded
// .deb files after every install. Dockerfiles that set up a cache mount for apt often remove it
// (or set `Binary::apt::APT::Keep-Downloaded-Packages "true"`); from then on every install that
// is not on a cache mount leaves its .deb files in /var/cache/apt/archives. Whether the base
// image has docker-clean cannot be known from the Dockerfile, so the rule only fires once the
// Dockerfile itself has disabled it.
//
//===----------------------------------------------------------------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

#include <set>

namespace ballast::rules {
namespace {

using namespace dockerfile;

constexpr llvm::StringRef AptArchives[] = {"/var/cache/apt/archives"};

/// Whether Cmd turns docker-clean off: `rm /etc/apt/apt.conf.d/docker-clean`, or writes
/// `Keep-Downloaded-Packages "true"` (`echo '...' > /etc/apt/apt.conf.d/keep-cache`).
bool disablesDockerClean(const shell::Command &Cmd) {
  if (Cmd.is("rm"))
    return llvm::any_of(Cmd.args(), [](const shell::Word &W) {
      return W.Text == "/etc/apt/apt.conf.d/docker-clean";
    });
  if (Cmd.is("echo") || Cmd.is("printf"))
    return llvm::any_of(Cmd.args(), [](const shell::Word &W) {
      return containsText(W.Text, "Keep-Downloaded-Packages") && containsText(W.Text, "true");
    });
  return false;
}

bool aptDownloads(const shell::Command &Cmd) {
  if (!Cmd.is("apt-get") && !Cmd.is("apt"))
    return false;
  std::optional<shell::Word> Sub = Cmd.subcommand();
  return Sub && !isAptSimulation(Cmd) &&
         (Sub->Text == "install" || Sub->Text == "upgrade" || Sub->Text == "dist-upgrade" ||
          Sub->Text == "full-upgrade");
}

/// `apt-get clean` or `dist-clean`; `autoclean` does not count (it keeps current packages).
bool aptCleans(const shell::Command &Cmd) {
  if (Cmd.is("apt-get", "clean") || Cmd.is("apt", "clean") || Cmd.is("apt-get", "dist-clean") ||
      Cmd.is("apt", "dist-clean"))
    return true;
  return removesAnyDir(Cmd, AptArchives);
}

class AptArchivesKept : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  /// A RUN without them neither disables docker-clean nor downloads (a stage's own entry in
  /// DisabledStages only repeats what its chain already says).
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"rm", "echo", "printf", "apt-get", "apt"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    if (C.inOnbuild())
      return;
    const shell::Script *S = posixRunScript(I, C);
    if (!S || !C.stage())
      return;
    bool Disabled = disabledInChain(C);
    const shell::Command *Dirty = nullptr;
    for (const shell::Command &Cmd : S->commands()) {
      if (disablesDockerClean(Cmd))
        Disabled = true;
      else if (Disabled && !Dirty && aptDownloads(Cmd))
        Dirty = &Cmd;
      else if (Dirty && aptCleans(Cmd))
        Dirty = nullptr;
    }
    if (Disabled)
      DisabledStages.insert(C.stage()->Index);
    if (!Dirty || !leftoversReachImage(C) || hasCacheMount(I, AptArchives))
      return;
    C.report(C.scriptRange(I, commandHead(*Dirty)),
             "`" + commandTitle(*Dirty) +
                 "` keeps the downloaded .deb files in /var/cache/apt/archives because this "
                 "Dockerfile disabled docker-clean; mount a cache on /var/cache/apt or end this "
                 "RUN with `&& apt-get clean`");
  }

private:
  /// docker-clean was disabled earlier in this stage or a stage it is built FROM.
  bool disabledInChain(const Context &C) const {
    for (const Stage *St = C.stage(); St;
         St = St->BaseStage >= 0 && unsigned(St->BaseStage) < St->Index
                  ? &C.stages().Stages[St->BaseStage]
                  : nullptr)
      if (DisabledStages.count(St->Index))
        return true;
    return false;
  }
  std::set<unsigned> DisabledStages;
};

} // namespace

RuleInfo infoBL1005() {
  RuleInfo R;
  R.Id = "BL1005";
  R.DefaultSeverity = Severity::Info;
  R.Cat = Category::Size;
  R.Title = "apt archives kept in the layer after docker-clean was disabled";
  return R;
}

BALLAST_RULE_MAKE(BL1005, AptArchivesKept)

} // namespace ballast::rules
