//===- DL3035.cpp - Do not use zypper dist-upgrade -------------------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class ZypperDistUpgrade : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"zypper"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    const shell::Script *S = posixRunScript(I, C);
    if (!S)
      return;
    for (const shell::Command &Cmd : S->commands()) {
      if (!isTool(Cmd, "zypper"))
        continue;
      std::optional<shell::Word> Sub = Cmd.subcommand();
      if (!Sub || (Sub->Text != "dist-upgrade" && Sub->Text != "dup"))
        continue;
      C.report(C.scriptRange(I, commandHead(Cmd)),
               "do not use `zypper " + Sub->Text.str() +
                   "`: it upgrades the whole distribution to whatever is newest when the image "
                   "is built; use a newer base image, or `zypper update` for fixes");
    }
  }
};

} // namespace

RuleInfo infoDL3035() {
  RuleInfo R;
  R.Id = "DL3035";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Correctness;
  R.Title = "do not use zypper dist-upgrade";
  return R;
}

BALLAST_RULE_MAKE(DL3035, ZypperDistUpgrade)

} // namespace ballast::rules
