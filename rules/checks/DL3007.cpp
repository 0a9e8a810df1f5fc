//===- DL3007.cpp - Using latest is prone to errors -----------------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class LatestTag : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::From); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::From || C.inOnbuild() || !C.stage())
      return;
    const Stage &S = *C.stage();
    ImageRef R = splitImageRef(S.ResolvedImage);
    if (R.Tag != "latest" || !R.Digest.empty())
      return;
    C.report(S.ImageRange, "using latest is prone to errors if the image will ever update; pin "
                           "the version explicitly to a release tag");
  }
};

} // namespace

RuleInfo infoDL3007() {
  RuleInfo R;
  R.Id = "DL3007";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Correctness;
  R.Title = "using latest is prone to errors if the image will ever update";
  return R;
}

BALLAST_RULE_MAKE(DL3007, LatestTag)

} // namespace ballast::rules
