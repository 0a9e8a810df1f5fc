//===- DL3026.cpp - Use only an allowed registry in the FROM image --------===//
#include "rules/Config.h"
#include "rules/Queries.h"
#include "rules/Rule.h"
#include "llvm/ADT/StringExtras.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

bool isDockerHub(llvm::StringRef R) {
  return R.empty() || R == "docker.io" || R == "index.docker.io" || R == "registry-1.docker.io" ||
         R == "hub.docker.com";
}

/// `*.example.com` matches any subdomain; otherwise names compare case-insensitively.
bool registryMatches(llvm::StringRef Pattern, llvm::StringRef Registry) {
  std::string P = Pattern.trim().lower(), R = Registry.lower();
  if (llvm::StringRef(P).startswith("*."))
    return llvm::StringRef(R).endswith(llvm::StringRef(P).drop_front(1));
  return P == R;
}

class UntrustedRegistry : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::From, InstrKind::Copy); }
  void check(const Instruction &I, Context &C) override {
    const std::vector<std::string> &Trusted = C.config().TrustedRegistries;
    if (Trusted.empty() || C.inOnbuild() || !C.stage())
      return;
    if (I.Kind == InstrKind::From) {
      const Stage &S = *C.stage();
      if (S.BaseStage >= 0 || S.isScratch())
        return;
      checkImage(C, S.ResolvedImage, S.ImageRange, Trusted);
      return;
    }
    // COPY --from=<image> pulls an image too.
    if (I.Kind == InstrKind::Copy)
      if (const Flag *F = I.flag("from"))
        if (!C.stages().find(F->Value) &&
            llvm::StringRef(F->Value).find_first_of("/:@.") != llvm::StringRef::npos)
          checkImage(C, F->Value, F->Range, Trusted);
  }

private:
  static void checkImage(Context &C, llvm::StringRef Image, SourceRange Range,
                         const std::vector<std::string> &Trusted) {
    if (Image.empty() || hasVariable(Image))
      return;
    ImageRef R = splitImageRef(Image);
    for (const std::string &T : Trusted) {
      if (isDockerHub(R.Registry) && isDockerHub(T))
        return;
      if (registryMatches(T, R.Registry))
        return;
    }
    std::string Reg = R.Registry.empty() ? "docker.io" : R.Registry.str();
    C.report(Range, "image `" + Image.str() + "` comes from `" + Reg +
                        "`, which is not a trusted registry (" + llvm::join(Trusted, ", ") +
                        "); use an image from a trusted registry");
  }
};

} // namespace

RuleInfo infoDL3026() {
  RuleInfo R;
  R.Id = "DL3026";
  R.DefaultSeverity = Severity::Error;
  R.Cat = Category::Security;
  R.Title = "use only an allowed registry in the FROM image";
  R.SecuritySeverity = "7.0";
  return R;
}

BALLAST_RULE_MAKE(DL3026, UntrustedRegistry)

} // namespace ballast::rules
