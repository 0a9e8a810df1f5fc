//===- DL3030.cpp - Use the -y switch with yum install ---------------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

#include "llvm/ADT/StringSwitch.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// yum subcommands that stop to ask before changing packages (`group install` too).
bool yumAsks(const shell::Command &Cmd) {
  std::optional<shell::Word> Sub = Cmd.subcommand();
  if (!Sub)
    return false;
  if (Sub->Text == "group") {
    auto Rest = Cmd.positionalArgs();
    return !Rest.empty() && (Rest.front().Text == "install" || Rest.front().Text == "remove" ||
                             Rest.front().Text == "update");
  }
  return llvm::StringSwitch<bool>(Sub->Text)
      .Cases("install", "groupinstall", "localinstall", "reinstall", "downgrade", true)
      .Cases("update", "upgrade", "remove", "erase", true)
      .Default(false);
}

class YumWithoutYes : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"yum"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    const shell::Script *S = posixRunScript(I, C);
    if (!S)
      return;
    for (const shell::Command &Cmd : S->commands()) {
      if (!isTool(Cmd, "yum") || !yumAsks(Cmd) || Cmd.hasAnyFlag({"-y", "--assumeyes"}) ||
          (Cmd.inPipeline() && Cmd.PipelineIndex > 0))
        continue;
      std::string Title = commandTitle(Cmd);
      SourceRange HeadInScript = commandHead(Cmd);
      if (Cmd.subcommand()->Text == "group") { // `yum group install`: the action is a word more
        shell::Word Action = Cmd.positionalArgs().front();
        HeadInScript.End = Action.Range.End;
        Title += " " + Action.Text.str();
      }
      SourceRange Head = C.scriptRange(I, HeadInScript);
      C.report(Head, "`" + Title +
                         "` without `-y` stops at a question the build cannot answer; "
                         "use `" +
                         Title + " -y`")
          .fix("insert `-y`", {TextEdit{{Head.End, Head.End}, " -y"}});
    }
  }
};

} // namespace

RuleInfo infoDL3030() {
  RuleInfo R;
  R.Id = "DL3030";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Correctness;
  R.Title = "use the -y switch to avoid manual input with yum install";
  R.Fixes = FixSafety::Safe;
  return R;
}

BALLAST_RULE_MAKE(DL3030, YumWithoutYes)

} // namespace ballast::rules
