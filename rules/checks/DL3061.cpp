//===- DL3061.cpp - A Dockerfile must begin with FROM, ARG or a comment ---===//
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class InstructionBeforeFrom : public Rule {
public:
  // The top-level instructions up to the first FROM are walked in finish(), not visited one
  // check() call each: the walk stops at once in most files.
  KindMask kinds() const override { return 0; }
  void check(const Instruction &, Context &) override {}
  void finish(Context &C) override {
    for (const Instruction &I : C.file().Instructions) {
      if (I.Kind == InstrKind::From)
        return;
      if (I.Kind == InstrKind::Arg)
        continue;
      std::string Kw = llvm::StringRef(I.Keyword).upper();
      C.report(I.KeywordRange, Kw + " before the first FROM; a Dockerfile must begin with FROM "
                                    "(only ARG and comments may come before it)");
    }
  }
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
