//===- DL3040.cpp - dnf clean all missing after dnf command ----------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

#include "llvm/ADT/StringSwitch.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

constexpr llvm::StringRef DnfCaches[] = {"/var/cache/dnf", "/var/cache/yum", "/var/cache/libdnf5"};

/// dnf or microdnf subcommands that download metadata and packages into the dnf cache.
bool dnfFillsCache(const shell::Command &Cmd) {
  if (!isTool(Cmd, "dnf") && !isTool(Cmd, "microdnf"))
    return false;
  std::optional<shell::Word> Sub = Cmd.subcommand();
  return Sub && llvm::StringSwitch<bool>(Sub->Text)
                    .Cases("install", "groupinstall", "localinstall", "reinstall", true)
                    .Cases("update", "upgrade", "downgrade", "group", "module", true)
                    .Default(false);
}

/// `dnf clean all` (also microdnf's, or yum's) or removing the cache folder.
bool dnfCleans(const shell::Command &Cmd) {
  if (isTool(Cmd, "dnf") || isTool(Cmd, "microdnf") || isTool(Cmd, "yum")) {
    std::optional<shell::Word> Sub = Cmd.subcommand();
    return Sub && Sub->Text == "clean" && Cmd.hasArg("all");
  }
  return removesAnyDir(Cmd, DnfCaches);
}

class DnfCacheKept : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"dnf", "microdnf"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    const shell::Script *S = posixRunScript(I, C);
    if (!S || !leftoversReachImage(C) || hasCacheMount(I, DnfCaches))
      return;
    const shell::Command *Dirty = nullptr;
    for (const shell::Command &Cmd : S->commands()) {
      if (!Dirty && dnfFillsCache(Cmd))
        Dirty = &Cmd;
      else if (Dirty && dnfCleans(Cmd))
        Dirty = nullptr;
    }
    if (!Dirty)
      return;
    std::string Tool = Dirty->basename().str();
    C.report(C.scriptRange(I, commandHead(*Dirty)),
             "`" + Tool + " clean all` missing after `" + commandTitle(*Dirty) + "`: the " + Tool +
                 " cache stays in the layer; end this RUN with `&& " + Tool +
                 " clean all` (or mount a cache on /var/cache/" +
                 (Tool == "microdnf" ? "yum" : "dnf") + ")");
  }
};

} // namespace

RuleInfo infoDL3040() {
  RuleInfo R;
  R.Id = "DL3040";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Size;
  R.Title = "dnf clean all missing after dnf command";
  return R;
}

BALLAST_RULE_MAKE(DL3040, DnfCacheKept)

} // namespace ballast::rules
