//===- DL3024.cpp - Stage names must be unique ----------------------------===//
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class DuplicateStageName : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::From); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::From || C.inOnbuild() || !C.stage() || C.stage()->Name.empty())
      return;
    const Stage &Cur = *C.stage();
    for (const Stage &S : C.stages().Stages) {
      if (S.Index >= Cur.Index)
        break;
      if (S.Name != Cur.Name)
        continue;
      C.report(Cur.NameRange, "stage name `" + Cur.Name + "` is already used at line " +
                                  std::to_string(S.From->StartLine) +
                                  "; give each stage a unique name")
          .note(S.NameRange, "first defined here");
      return;
    }
  }
};

} // namespace

RuleInfo infoDL3024() {
  RuleInfo R;
  R.Id = "DL3024";
  R.Aliases = {"DuplicateStageName"};
  R.DefaultSeverity = Severity::Error;
  R.Cat = Category::Correctness;
  R.Title = "FROM aliases (stage names) must be unique";
  return R;
}

BALLAST_RULE_MAKE(DL3024, DuplicateStageName)

} // namespace ballast::rules
