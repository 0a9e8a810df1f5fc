//===- DL3061.cpp - A Dockerfile must begin with FROM, ARG or a comment ---===//
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class InstructionBeforeFrom : public Rule {
public:
  void check(const Instruction &I, Context &C) override {
    if (C.inOnbuild() || SawFrom)
      return;
    if (I.Kind == InstrKind::From) {
      SawFrom = true;
      return;
    }
    if (I.Kind == InstrKind::Arg)
      return;
    std::string Kw = llvm::StringRef(I.Keyword).upper();
    C.report(I.KeywordRange, Kw + " before the first FROM; a Dockerfile must begin with FROM "
                                  "(only ARG and comments may come before it)");
  }

private:
  bool SawFrom = false;
};

} // namespace

RuleInfo infoDL3061() {
  RuleInfo R;
  R.Id = "DL3061";
  R.DefaultSeverity = Severity::Error;
  R.Cat = Category::Correctness;
  R.Title = "invalid instruction order: a Dockerfile must begin with FROM, ARG or comment";
  return R;
}

BALLAST_RULE_MAKE(DL3061, InstructionBeforeFrom)

} // namespace ballast::rules
