//===- DL3027.cpp - Do not use apt, use apt-get or apt-cache ---------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

#include "llvm/ADT/StringSwitch.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// The stable tool that does what `apt SUB` does, or "" when there is none that behaves the
/// same (`apt upgrade` may install new packages, `apt-get upgrade` never does).
llvm::StringRef replacementFor(llvm::StringRef Sub) {
  return llvm::StringSwitch<llvm::StringRef>(Sub)
      .Cases("install", "remove", "purge", "autoremove", "update", "apt-get")
      .Cases("clean", "autoclean", "dist-upgrade", "build-dep", "source", "apt-get")
      .Cases("download", "satisfy", "apt-get")
      .Cases("show", "search", "policy", "depends", "rdepends", "showsrc", "apt-cache")
      .Default("");
}

class AptUsed : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"apt"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    const shell::Script *S = posixRunScript(I, C);
    if (!S)
      return;
    for (const shell::Command &Cmd : S->commands()) {
      if (!Cmd.is("apt"))
        continue;
      std::optional<shell::Word> Sub = Cmd.subcommand();
      llvm::StringRef Tool = Sub ? replacementFor(Sub->Text) : "";
      const shell::Word &Name = Cmd.Args.front();
      SourceRange R = C.scriptRange(I, Name.Range);
      std::string Msg = "do not use `apt`, it is meant for people and its output and options may "
                        "change; use " +
                        (Tool.empty() ? std::string("`apt-get` or `apt-cache`")
                                      : "`" + Tool.str() + " " + Sub->Text.str() + "`");
      ReportBuilder B = C.report(R, std::move(Msg));
      // Replace the name only when it is written plainly (`apt` or `/usr/bin/apt`).
      if (!Tool.empty() && !Name.Quoted && Name.Raw == Name.Text && R.size() == Name.Text.size()) {
        std::string New = Name.Text.drop_back(3).str() + Tool.str();
        B.fix("use `" + Tool.str() + "`", {TextEdit{R, New}});
      }
    }
  }
};

} // namespace

RuleInfo infoDL3027() {
  RuleInfo R;
  R.Id = "DL3027";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Maintainability;
  R.Title = "do not use apt as it is meant to be an end-user tool, use apt-get or apt-cache";
  R.Fixes = FixSafety::Unsafe;
  return R;
}

BALLAST_RULE_MAKE(DL3027, AptUsed)

} // namespace ballast::rules
