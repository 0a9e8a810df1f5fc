//===- DL3029.cpp - Do not use --platform with a constant in FROM ---------===//
#include "rules/Rule.h"
#include "llvm/ADT/SmallVector.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class ConstantFromPlatform : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::From); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::From || C.inOnbuild() || !C.stage())
      return;
    const Flag *P = I.flag("platform");
    if (!P || P->Value.empty() || llvm::StringRef(P->Value).contains('$'))
      return; // `$BUILDPLATFORM` and other variables are the recommended spelling
    // Like BuildKit: a stage named for its platform (`AS build-arm64`) is platform-specific on
    // purpose.
    llvm::StringRef Name = C.stage()->Name;
    llvm::SmallVector<llvm::StringRef, 3> Parts;
    llvm::StringRef(P->Value).split(Parts, '/');
    for (llvm::StringRef Part : Parts)
      if (!Part.empty() && !Name.empty() && Name.contains_insensitive(Part))
        return;
    C.report(P->Range, "`--platform=" + P->Value +
                           "` pins this stage to one platform, so the Dockerfile cannot be "
                           "built for others; drop it and pass --platform to the build, or use "
                           "`--platform=$BUILDPLATFORM` for cross-compiling stages");
  }
};

} // namespace

RuleInfo infoDL3029() {
  RuleInfo R;
  R.Id = "DL3029";
  R.Aliases = {"FromPlatformFlagConstDisallowed"};
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Correctness;
  R.Title = "do not use --platform flag with FROM";
  return R;
}

BALLAST_RULE_MAKE(DL3029, ConstantFromPlatform)

} // namespace ballast::rules
