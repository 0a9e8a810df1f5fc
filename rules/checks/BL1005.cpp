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
  // removesAnyDir looks at rm and find only: their names turn the other commands down here,
  // without a call.
  return (Cmd.is("rm") || Cmd.is("find")) && removesAnyDir(Cmd, AptArchives);
}

/// The first apt download in S that no later command of S cleans up after, while docker-clean
/// is disabled: from the start when Disabled, else from the command that disables it (which
/// sets Disabled).
const shell::Command *dirtyAfter(const shell::Script &S, bool &Disabled) {
  const shell::Command *Dirty = nullptr;
  for (const shell::Command &Cmd : S.commands()) {
    if (disablesDockerClean(Cmd))
      Disabled = true;
    else if (Disabled && !Dirty && aptDownloads(Cmd))
      Dirty = &Cmd;
    else if (Dirty && aptCleans(Cmd))
      Dirty = nullptr;
  }
  return Dirty;
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
    bool Chain = disabledInChain(C), Disabled = Chain;
    const shell::Command *Dirty = nullptr;
    if (!C.scriptShared(I)) {
      Dirty = dirtyAfter(*S, Disabled);
    } else {
      // Kept per shared script: whether it disables docker-clean (bit 1) and the index + 1 of
      // the command left dirty when docker-clean is on at its start (bits 2-31); bit 0 marks
      // the fact as kept. When it is off at the start (rare: a stage that disabled it), the
      // index + 1 of that command is kept from bit 33, bit 32 marking it as known.
      uint64_t Fact = C.scriptFact(I, FactSlot::BL1005);
      auto Index = [&](const shell::Command *Cmd) {
        return Cmd ? uint64_t(S->indexOf(*Cmd)) + 1 : 0;
      };
      if (!Fact) {
        bool Here = false;
        Fact = 1 | Index(dirtyAfter(*S, Here)) << 2;
        Fact |= uint64_t(Here) << 1;
        C.setScriptFact(I, FactSlot::BL1005, Fact);
      }
      if (Chain && !(Fact >> 32 & 1)) {
        bool Off = true;
        Fact |= uint64_t(1) << 32 | Index(dirtyAfter(*S, Off)) << 33;
        C.setScriptFact(I, FactSlot::BL1005, Fact);
      }
      Disabled |= (Fact & 2) != 0;
      if (uint64_t D = Chain ? Fact >> 33 : (Fact >> 2) & 0x3FFFFFFF)
        Dirty = &S->commands()[D - 1];
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
