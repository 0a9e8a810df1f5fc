//===- DL3004.cpp - Do not use sudo ---------------------------------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class SudoInRun : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"sudo"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    const shell::Script *S = posixRunScript(I, C);
    if (!S)
      return;
    for (const shell::Command &Cmd : S->commands())
      if (Cmd.is("sudo"))
        C.report(C.scriptRange(I, Cmd.Args.front().Range),
                 "do not use `sudo`: its behaviour depends on its configuration and TTY; run "
                 "the step after `USER root` instead, and use gosu or su-exec to drop "
                 "privileges at run time");
  }
};

} // namespace

RuleInfo infoDL3004() {
  RuleInfo R;
  R.Id = "DL3004";
  R.DefaultSeverity = Severity::Error;
  R.Cat = Category::Security;
  R.Title = "do not use sudo";
  R.SecuritySeverity = "5.0";
  return R;
}

BALLAST_RULE_MAKE(DL3004, SudoInRun)

} // namespace ballast::rules
