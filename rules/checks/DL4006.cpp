//===- DL4006.cpp - Set -o pipefail before RUN with a pipe ----------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// Whether the SHELL in effect for I (the last one in its stage or the stages it is built
/// FROM) turns pipefail on: `SHELL ["/bin/bash", "-o", "pipefail", "-c"]`, `-eo pipefail`.
bool shellHasPipefail(const Context &C, const Instruction &I) {
  // Without a SHELL that names a program (most files) the default shell has no pipefail.
  if (!C.model().hasShellInstruction())
    return false;
  const Instruction *Shell = nullptr;
  const Stage *S = C.stage();
  for (unsigned Guard = 0; S && !Shell && Guard <= C.stages().Stages.size(); ++Guard) {
    for (const Instruction *J : S->Instructions) {
      if (S == C.stage() && J->Range.Begin >= I.Range.Begin)
        break;
      if (J->Kind == InstrKind::Shell)
        Shell = J;
    }
    S = S->BaseStage >= 0 ? &C.stages().Stages[S->BaseStage] : nullptr;
  }
  if (!Shell || !Shell->IsJson || Shell->Args.size() < 2)
    return false;
  llvm::SmallVector<shell::Word, 4> Words;
  for (const Word &W : llvm::ArrayRef<Word>(Shell->Args).drop_front()) {
    shell::Word SW;
    SW.Text = W.Text;
    SW.Raw = W.Text;
    Words.push_back(SW);
  }
  bool On = false;
  shell::forEachShellOption(Words, [&](llvm::StringRef Name, bool Set) {
    if (Name == "pipefail")
      On = Set;
  });
  return On;
}

/// A pipeline where only the last command can fail: `echo x | sh`, `yes | apt-get ...`.
bool onlyLastCanFail(const shell::Script &S, const shell::Pipeline &P) {
  for (unsigned Idx : P.Commands) {
    const shell::Command &Cmd = S.commands()[Idx];
    if (Cmd.PipelineIndex + 1 == P.Elements)
      continue;
    if (!Cmd.isAnyOf({"echo", "printf", "yes", "true"}) ||
        Cmd.Args.end() !=
            llvm::find_if(Cmd.Args, [](const shell::Word &W) { return W.HasSubstitution; }))
      return false;
  }
  return true;
}

class PipeWithoutPipefail : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  void check(const Instruction &I, Context &C) override {
    const shell::Script *S = posixRunScript(I, C);
    if (!S)
      return;
    // The first pipeline that can fail early without pipefail, by its index + 1 (kept per shared
    // script: the search asks pipefailAt of every pipeline).
    uint64_t Failing = C.scriptFact(I, FactSlot::DL4006);
    if (!Failing) {
      if (S->hasPipes())
        for (const shell::Pipeline &P : S->pipelines())
          if (!S->pipefailAt(P) && !onlyLastCanFail(*S, P)) {
            Failing = uint64_t(&P - S->pipelines().data()) + 1;
            break;
          }
      if (!Failing) {
        C.scriptQuiet(I); // no pipe, or every pipeline sets pipefail or cannot fail early
        return;
      }
      C.setScriptFact(I, FactSlot::DL4006, Failing);
    }
    if (!C.inOnbuild() && C.stage() && shellHasPipefail(C, I))
      return;
    const shell::Pipeline &P = S->pipelines()[Failing - 1];
    const shell::Command &First = S->commands()[P.Commands.front()];
    // Made at its final size: one allocation a finding, not one per `+`.
    static constexpr llvm::StringLiteral Head = "without pipefail this pipeline fails only when "
                                                "its last command does, so a failing ",
                                         Tail = " goes unnoticed; start the RUN with `set -o "
                                                "pipefail &&` or add `SHELL [\"/bin/bash\", "
                                                "\"-o\", \"pipefail\", \"-c\"]` before it";
    llvm::StringRef Name = First.Name.empty() ? "the first command" : First.Name;
    std::string Msg;
    Msg.reserve(Head.size() + Name.size() + 2 + Tail.size());
    Msg.append(Head.data(), Head.size());
    if (!First.Name.empty())
      Msg += '`';
    Msg.append(Name.data(), Name.size());
    if (!First.Name.empty())
      Msg += '`';
    Msg.append(Tail.data(), Tail.size());
    C.report(C.scriptRange(I, First.Range), std::move(Msg));
  }
};

} // namespace

RuleInfo infoDL4006() {
  RuleInfo R;
  R.Id = "DL4006";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Correctness;
  R.Title = "set the SHELL option -o pipefail before RUN with a pipe in it";
  return R;
}

BALLAST_RULE_MAKE(DL4006, PipeWithoutPipefail)

} // namespace ballast::rules
