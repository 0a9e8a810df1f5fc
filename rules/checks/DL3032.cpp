//===- DL3032.cpp - yum clean all missing after yum command ----------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

#include "llvm/ADT/StringSwitch.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

constexpr llvm::StringRef YumCaches[] = {"/var/cache/yum"};

/// yum subcommands that download metadata and packages into /var/cache/yum.
bool yumFillsCache(const shell::Command &Cmd) {
  if (!isTool(Cmd, "yum"))
    return false;
  std::optional<shell::Word> Sub = Cmd.subcommand();
  return Sub && llvm::StringSwitch<bool>(Sub->Text)
                    .Cases("install", "groupinstall", "localinstall", "reinstall", true)
                    .Cases("update", "upgrade", "downgrade", "group", true)
                    .Default(false);
}

/// `yum clean all` or removing /var/cache/yum.
bool yumCleans(const shell::Command &Cmd) {
  if (isTool(Cmd, "yum")) {
    std::optional<shell::Word> Sub = Cmd.subcommand();
    return Sub && Sub->Text == "clean" && Cmd.hasArg("all");
  }
  return removesAnyDir(Cmd, YumCaches);
}

class YumCacheKept : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"yum"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    const shell::Script *S = posixRunScript(I, C);
    if (!S || !leftoversReachImage(C) || hasCacheMount(I, YumCaches))
      return;
    auto Cmds = S->commands();
    const shell::Command *Dirty = nullptr;
    for (const shell::Command &Cmd : Cmds) {
      if (!Dirty && yumFillsCache(Cmd))
        Dirty = &Cmd;
      else if (Dirty && yumCleans(Cmd))
        Dirty = nullptr;
    }
    if (!Dirty)
      return;
    C.report(C.scriptRange(I, commandHead(*Dirty)),
             "`yum clean all` missing after `" + commandTitle(*Dirty) +
                 "`: the yum cache stays in the layer; end this RUN with `&& yum clean all` (or "
                 "mount a cache on /var/cache/yum)");
  }
};

} // namespace

RuleInfo infoDL3032() {
  RuleInfo R;
  R.Id = "DL3032";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Size;
  R.Title = "yum clean all missing after yum command";
  return R;
}

BALLAST_RULE_MAKE(DL3032, YumCacheKept)

} // namespace ballast::rules
