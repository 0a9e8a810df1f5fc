//===- DL4005.cpp - Use SHELL to change the default shell -----------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class LinkBinSh : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"ln"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    const shell::Script *S = posixRunScript(I, C);
    if (!S)
      return;
    for (const shell::Command &Cmd : S->commands()) {
      // The link name is one of the arguments: without a `/bin/sh` among them (nearly every
      // ln), no option walk.
      if (!Cmd.is("ln") || !Cmd.hasArg("/bin/sh"))
        continue;
      // `/bin/sh` as the link name (the last operand) replaces the system shell; as the
      // target (`ln -s /bin/sh /usr/local/bin/x`) it does not.
      llvm::SmallVector<shell::Word, 4> Ops = Cmd.positionalArgs();
      if (Ops.size() < 2 || Ops.back().Text != "/bin/sh")
        continue;
      C.report(C.scriptRange(I, Ops.back().Range),
               "linking over `/bin/sh` changes the shell of every program in the image; use "
               "`SHELL [\"/bin/bash\", \"-c\"]` to change the shell RUN uses");
    }
  }
};

} // namespace

RuleInfo infoDL4005() {
  RuleInfo R;
  R.Id = "DL4005";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Maintainability;
  R.Title = "use SHELL to change the default shell";
  return R;
}

BALLAST_RULE_MAKE(DL4005, LinkBinSh)

} // namespace ballast::rules
