//===- DL3006.cpp - Always tag the version of an image explicitly ---------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class UntaggedImage : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::From); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::From || C.inOnbuild() || !C.stage())
      return;
    const Stage &S = *C.stage();
    // Global ARG defaults are substituted first, so `FROM $BASE` with `ARG BASE=a:1` passes.
    llvm::StringRef Image = S.ResolvedImage;
    if (Image.empty() || hasVariable(Image) || S.BaseStage >= 0 || S.isScratch())
      return;
    ImageRef R = splitImageRef(Image);
    if (!R.Tag.empty() || !R.Digest.empty())
      return;
    C.report(S.ImageRange, "always tag the version of an image explicitly; pin `" + Image.str() +
                               "` to a tag or digest, e.g. `" + Image.str() + ":<version>`");
  }
};

} // namespace

RuleInfo infoDL3006() {
  RuleInfo R;
  R.Id = "DL3006";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Correctness;
  R.Title = "always tag the version of an image explicitly";
  return R;
}

BALLAST_RULE_MAKE(DL3006, UntaggedImage)

} // namespace ballast::rules
