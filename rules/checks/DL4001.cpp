//===- DL4001.cpp - Either wget or curl, not both -------------------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class WgetAndCurl : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::From, InstrKind::Run); }
  /// A RUN without them leaves the stage's state as it is (FROM, which resets it, is a visit
  /// of its own).
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"curl", "wget"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    if (C.inOnbuild())
      return;
    if (I.Kind == InstrKind::From) {
      First = {};
      Reported = false;
      return;
    }
    const shell::Script *S = posixRunScript(I, C);
    if (!S || Reported)
      return;
    for (const shell::Command &Cmd : S->commands()) {
      if (!Cmd.is("curl") && !Cmd.is("wget"))
        continue;
      // The same tool again (most uses) needs neither a copy of its name nor its range.
      llvm::StringRef Tool = Cmd.basename();
      if (First.Tool == Tool)
        continue;
      SourceRange R = C.scriptRange(I, Cmd.Args.front().Range);
      if (First.Tool.empty()) {
        First = {Tool.str(), R};
        continue;
      }
      Reported = true;
      C.report(R, "this stage uses both `" + First.Tool + "` and `" + Tool.str() +
                      "`; pick one of them so the image needs only one download tool")
          .note(First.Range, "`" + First.Tool + "` used here");
      return;
    }
  }

private:
  struct Use {
    std::string Tool;
    SourceRange Range;
  };
  Use First;
  bool Reported = false;
};

} // namespace

RuleInfo infoDL4001() {
  RuleInfo R;
  R.Id = "DL4001";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Maintainability;
  R.Title = "either use wget or curl but not both";
  return R;
}

BALLAST_RULE_MAKE(DL4001, WgetAndCurl)

} // namespace ballast::rules
