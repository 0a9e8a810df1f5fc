//===- DL3025.cpp - Use JSON notation for CMD and ENTRYPOINT --------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"
#include "shell/Script.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

std::string jsonString(llvm::StringRef S) {
  std::string O = "\"";
  for (char Ch : S) {
    switch (Ch) {
    case '"': O += "\\\""; break;
    case '\\': O += "\\\\"; break;
    case '\t': O += "\\t"; break;
    default: O += Ch;
    }
  }
  return O + "\"";
}

/// The exec form of Text when it is one plain command (literal words, no operators,
/// redirections or assignments), dropping a leading `exec`; "" otherwise.
std::string execForm(llvm::StringRef Text) {
  shell::Script S = shell::Script::parse(Text);
  if (S.commands().size() != 1 || !S.problems().empty() || !S.constructs().empty() ||
      !S.hereDocs().empty())
    return "";
  const shell::Command &Cmd = S.commands().front();
  if (Cmd.Args.empty() || !Cmd.Assignments.empty() || !Cmd.Redirects.empty() ||
      Cmd.After != shell::Connector::None || Cmd.Background)
    return "";
  llvm::ArrayRef<shell::Word> Words = Cmd.Args;
  if (Words.front().Text == "exec")
    Words = Words.drop_front();
  if (Words.empty())
    return "";
  std::string O = "[";
  for (const shell::Word &W : Words) {
    if (!W.isLiteral() || W.Text.contains('\n') || (!W.Quoted && W.Text.startswith("~")))
      return "";
    if (O.size() > 1)
      O += ", ";
    O += jsonString(W.Text);
  }
  return O + "]";
}

class ShellFormCmd : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Cmd, InstrKind::Entrypoint); }
  void check(const Instruction &I, Context &C) override {
    if ((I.Kind != InstrKind::Cmd && I.Kind != InstrKind::Entrypoint) || I.IsJson || I.Args.empty())
      return;
    // Like BuildKit: an explicit SHELL means the shell form is chosen on purpose.
    if (C.stage() && !C.inOnbuild() && hasShellInstruction(C, I))
      return;
    std::string Kw = llvm::StringRef(I.Keyword).upper();
    const Word &Body = I.Args.front();
    if (llvm::StringRef(Body.Text).ltrim().startswith("[")) {
      C.report(Body.Range, Kw +
                               " looks like JSON but is not valid JSON (strings need double "
                               "quotes), so it runs as a shell command; write `" +
                               Kw + " [\"program\", \"arg\"]`");
      return;
    }
    auto R = C.report(Body.Range, "use JSON notation for " + Kw +
                                      " so the program runs as PID 1 "
                                      "and receives signals such as SIGTERM; write `" +
                                      Kw + " [\"program\", \"arg\"]`");
    std::string Exec = execForm(Body.Text);
    if (!Exec.empty())
      R.fix("use the exec form (no shell)", {TextEdit{Body.Range, Exec}});
  }

private:
  static bool hasShellInstruction(const Context &C, const Instruction &I) {
    const Stage *S = C.stage();
    for (unsigned Guard = 0; S && Guard <= C.stages().Stages.size(); ++Guard) {
      for (const Instruction *J : S->Instructions) {
        if (S == C.stage() && J->Range.Begin >= I.Range.Begin)
          break;
        if (J->Kind == InstrKind::Shell)
          return true;
      }
      S = S->BaseStage >= 0 ? &C.stages().Stages[S->BaseStage] : nullptr;
    }
    return false;
  }
};

} // namespace

RuleInfo infoDL3025() {
  RuleInfo R;
  R.Id = "DL3025";
  R.Aliases = {"JSONArgsRecommended"};
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Correctness;
  R.Title = "use arguments JSON notation for CMD and ENTRYPOINT arguments";
  R.Fixes = FixSafety::Unsafe;
  return R;
}

BALLAST_RULE_MAKE(DL3025, ShellFormCmd)

} // namespace ballast::rules
