//===- DL3034.cpp - Non-interactive switch missing from zypper -------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

#include "llvm/ADT/StringSwitch.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// zypper subcommands that stop to ask before changing packages.
bool zypperAsks(const shell::Command &Cmd) {
  std::optional<shell::Word> Sub = Cmd.subcommand();
  return Sub && llvm::StringSwitch<bool>(Sub->Text)
                    .Cases("install", "in", "remove", "rm", "source-install", "si", true)
                    .Cases("patch", "update", "up", true)
                    .Default(false);
}

class ZypperInteractive : public Rule {
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
      if (!isTool(Cmd, "zypper") || !zypperAsks(Cmd) ||
          Cmd.hasAnyFlag({"-n", "--non-interactive", "-y", "--no-confirm"}) ||
          (Cmd.inPipeline() && Cmd.PipelineIndex > 0))
        continue;
      std::string Title = commandTitle(Cmd);
      SourceRange Name = C.scriptRange(I, Cmd.Args.front().Range);
      C.report(C.scriptRange(I, commandHead(Cmd)),
               "`" + Title +
                   "` without `--non-interactive` stops at a question the build cannot "
                   "answer; use `zypper --non-interactive " +
                   Title.substr(Title.find(' ') + 1) + "` (or `-y`)")
          .fix("insert `--non-interactive`",
               {TextEdit{{Name.End, Name.End}, " --non-interactive"}});
    }
  }
};

} // namespace

RuleInfo infoDL3034() {
  RuleInfo R;
  R.Id = "DL3034";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Correctness;
  R.Title = "non-interactive switch missing from zypper command";
  R.Fixes = FixSafety::Safe;
  return R;
}

BALLAST_RULE_MAKE(DL3034, ZypperInteractive)

} // namespace ballast::rules
