//===- DL3036.cpp - zypper clean missing after zypper use ------------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

#include "llvm/ADT/StringSwitch.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

constexpr llvm::StringRef ZypperCaches[] = {"/var/cache/zypp"};

/// zypper subcommands that download metadata and packages into /var/cache/zypp.
bool zypperFillsCache(const shell::Command &Cmd) {
  if (!isTool(Cmd, "zypper"))
    return false;
  std::optional<shell::Word> Sub = Cmd.subcommand();
  return Sub && llvm::StringSwitch<bool>(Sub->Text)
                    .Cases("install", "in", "update", "up", "patch", true)
                    .Cases("dist-upgrade", "dup", "source-install", "si", true)
                    .Default(false);
}

/// `zypper clean` / `zypper cc` or removing /var/cache/zypp.
bool zypperCleans(const shell::Command &Cmd) {
  if (isTool(Cmd, "zypper")) {
    std::optional<shell::Word> Sub = Cmd.subcommand();
    return Sub && (Sub->Text == "clean" || Sub->Text == "cc");
  }
  return removesAnyDir(Cmd, ZypperCaches);
}

class ZypperCacheKept : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"zypper"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    const shell::Script *S = posixRunScript(I, C);
    if (!S || !leftoversReachImage(C) || hasCacheMount(I, ZypperCaches))
      return;
    const shell::Command *Dirty = nullptr;
    for (const shell::Command &Cmd : S->commands()) {
      if (!Dirty && zypperFillsCache(Cmd))
        Dirty = &Cmd;
      else if (Dirty && zypperCleans(Cmd))
        Dirty = nullptr;
    }
    if (!Dirty)
      return;
    C.report(C.scriptRange(I, commandHead(*Dirty)),
             "`zypper clean` missing after `" + commandTitle(*Dirty) +
                 "`: the zypper cache stays in the layer; end this RUN with `&& zypper clean "
                 "--all` (or mount a cache on /var/cache/zypp)");
  }
};

} // namespace

RuleInfo infoDL3036() {
  RuleInfo R;
  R.Id = "DL3036";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Size;
  R.Title = "zypper clean missing after zypper use";
  return R;
}

BALLAST_RULE_MAKE(DL3036, ZypperCacheKept)

} // namespace ballast::rules
