//===- DL3014.cpp - Use the -y switch with apt-get install ----------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// The quiet level apt gets from `-q`, `-qq`, `-q=2`, `--quiet[=N]`.
unsigned quietLevel(const shell::Command &Cmd) {
  unsigned Q = 0;
  for (const shell::Word &W : Cmd.args()) {
    llvm::StringRef T = W.Text;
    if (T == "--")
      break;
    unsigned N = 0;
    if (T.consume_front("--quiet")) {
      Q += T.consume_front("=") && !T.getAsInteger(10, N) ? N : 1;
      continue;
    }
    if (T.size() < 2 || T[0] != '-' || T[1] == '-')
      continue;
    if (T.consume_front("-q=")) {
      Q += T.getAsInteger(10, N) ? 1 : N;
      continue;
    }
    for (char L : T.drop_front()) {
      if (Cmd.Spec && Cmd.Spec->shortTakesValue(L))
        break;
      Q += L == 'q';
    }
  }
  return Q;
}

/// Whether apt will not stop to ask: `-y`, `--yes`, `--assume-yes`, `-qq` (quiet level 2
/// implies -y), `-o APT::Get::Assume-Yes=true`, or stdin from a pipe (`yes | apt-get ...`).
bool aptAssumesYes(const shell::Command &Cmd) {
  if (Cmd.hasAnyFlag({"-y", "--yes", "--assume-yes"}) || quietLevel(Cmd) >= 2)
    return true;
  for (const shell::Word &V : Cmd.flagValues("-o")) {
    auto [K, Val] = V.Text.split('=');
    if (K.trim().equals_insensitive("APT::Get::Assume-Yes") && isTruthy(Val.trim()))
      return true;
  }
  return Cmd.inPipeline() && Cmd.PipelineIndex > 0;
}

class AptWithoutYes : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"apt-get", "apt"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    const shell::Script *S = posixRunScript(I, C);
    if (!S)
      return;
    bool Reported = false;
    for (const shell::Command &Cmd : S->commands()) {
      if (!Cmd.is("apt-get", "install") && !Cmd.is("apt", "install"))
        continue;
      if (aptAssumesYes(Cmd) || isAptSimulation(Cmd))
        continue;
      std::string Tool = Cmd.basename().str();
      SourceRange Head = C.scriptRange(I, commandHead(Cmd));
      C.report(Head, "`" + Tool +
                         " install` without `-y` stops at a question the build cannot "
                         "answer; use `" +
                         Tool + " install -y`")
          .fix("insert `-y`", {TextEdit{{Head.End, Head.End}, " -y"}});
      Reported = true;
    }
    if (!Reported)
      C.scriptQuiet(I);
  }
};

} // namespace

RuleInfo infoDL3014() {
  RuleInfo R;
  R.Id = "DL3014";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Correctness;
  R.Title = "use the -y switch to avoid manual input with apt-get install";
  R.Fixes = FixSafety::Safe;
  return R;
}

BALLAST_RULE_MAKE(DL3014, AptWithoutYes)

} // namespace ballast::rules
