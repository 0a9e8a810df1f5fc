//===- DL3015.cpp - Avoid additional packages with --no-install-recommends -===//
#include "rules/Queries.h"
#include "rules/Rule.h"

#include "llvm/ADT/StringExtras.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// Whether Text turns recommends off: `APT::Install-Recommends=false` (or `"0"`, `"false"`).
bool disablesRecommends(llvm::StringRef Text) {
  // Lower-casing keeps the `::` (most words, package names, have none): no copy for them.
  if (!containsText(Text, "::"))
    return false;
  std::string L = Text.lower();
  llvm::StringRef T(L);
  size_t At = T.find("apt::install-recommends");
  if (At == llvm::StringRef::npos)
    return false;
  llvm::StringRef After = T.drop_front(At + 23).ltrim(" \t=\"'");
  return After.startswith("0") || After.startswith("false");
}

class AptRecommends : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"apt-get", "apt"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    const shell::Script *S = posixRunScript(I, C);
    if (!S || !leftoversReachImage(C))
      return;
    bool Candidate = false;
    for (const shell::Command &Cmd : S->commands()) {
      if ((!Cmd.is("apt-get", "install") && !Cmd.is("apt", "install")) || isAptSimulation(Cmd))
        continue;
      if (Cmd.hasFlag("--no-install-recommends") ||
          llvm::any_of(Cmd.args(), [](const shell::Word &W) { return disablesRecommends(W.Text); }))
        continue;
      Candidate = true;
      if (disablesRecommends(S->text()) || configuredEarlier(I, C))
        return;
      std::string Tool = Cmd.basename().str();
      SourceRange Head = C.scriptRange(I, commandHead(Cmd));
      C.report(Head, "`" + Tool + " install` also installs recommended packages; use `" + Tool +
                         " install --no-install-recommends` and list what you need")
          .fix("insert `--no-install-recommends`",
               {TextEdit{{Head.End, Head.End}, " --no-install-recommends"}});
    }
    if (!Candidate)
      C.scriptQuiet(I);
  }

private:
  /// An earlier RUN of the stage (or a stage it is built FROM) wrote
  /// `APT::Install-Recommends "false";` into apt's configuration.
  static bool configuredEarlier(const Instruction &I, const Context &C) {
    if (!C.stage())
      return false;
    for (const Stage *St = C.stage(); St;
         St = St->BaseStage >= 0 ? &C.stages().Stages[St->BaseStage] : nullptr) {
      for (const Instruction *J : St->Instructions) {
        if (St == C.stage() && J->Range.Begin >= I.Range.Begin)
          break;
        if (J->Kind == InstrKind::Run && disablesRecommends(J->Line))
          return true;
      }
      if (St->BaseStage >= 0 && unsigned(St->BaseStage) >= St->Index)
        break;
    }
    return false;
  }
};

} // namespace

RuleInfo infoDL3015() {
  RuleInfo R;
  R.Id = "DL3015";
  R.DefaultSeverity = Severity::Info;
  R.Cat = Category::Size;
  R.Title = "avoid additional packages by specifying --no-install-recommends";
  R.Fixes = FixSafety::Unsafe;
  return R;
}

BALLAST_RULE_MAKE(DL3015, AptRecommends)

} // namespace ballast::rules
