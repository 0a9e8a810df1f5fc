//===- DL3063.cpp - Stage name should not be a reserved word --------------===//
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class ReservedStageName : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::From); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::From || C.inOnbuild() || !C.stage())
      return;
    const Stage &S = *C.stage();
    // BuildKit compares the lower-cased name: `AS Scratch` is reserved too.
    if (S.Name != "scratch" && S.Name != "context")
      return;
    C.report(S.NameRange, "`" + S.Name +
                              "` is reserved and should not be used as a stage name; "
                              "rename the stage (`FROM ... AS " +
                              S.Name + "` would shadow the " +
                              (S.Name == "scratch" ? "empty image" : "build context") + ")");
  }
};

} // namespace

RuleInfo infoDL3063() {
  RuleInfo R;
  R.Id = "DL3063";
  R.Aliases = {"ReservedStageName"};
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Correctness;
  R.Title = "stage name should not be a reserved word";
  return R;
}

BALLAST_RULE_MAKE(DL3063, ReservedStageName)

} // namespace ballast::rules
