//===- BL2005.cpp - The final image has no USER and runs as root ----------===//
#include "rules/Queries.h"
#include "rules/Rule.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// Whether Image holds `nonroot` or `rootless` in any case: both hold `root`, which one pass
/// looks for in place (every file asks; an `r` is rare enough).
bool namesRootless(llvm::StringRef Image) {
  for (size_t K = 0; K + 4 <= Image.size(); ++K) {
    if ((Image[K] | 0x20) != 'r' || !Image.substr(K, 4).equals_insensitive("root"))
      continue;
    if ((K >= 3 && Image.substr(K - 3, 3).equals_insensitive("non")) ||
        Image.substr(K + 4, 4).equals_insensitive("less"))
      return true;
  }
  return false;
}

/// Base images known to set an unprivileged user themselves.
bool baseSetsUser(llvm::StringRef Image) {
  return namesRootless(Image) || Image.startswith_insensitive("cgr.dev/") ||
         Image.startswith_insensitive("chainguard/");
}

class NoUser : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::User); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind == InstrKind::User && !C.inOnbuild() && C.stage())
      WithUser.push_back(C.stage()->Index);
  }

  void finish(Context &C) override {
    const StageGraph &G = C.stages();
    if (G.Target < 0 || size_t(G.Target) >= G.Stages.size())
      return;
    // The target and the stages it is built FROM: any USER there is DL3002's business.
    const Stage *S = &G.Stages[G.Target];
    const Stage *Root = S;
    for (unsigned Guard = 0; S && Guard <= G.Stages.size(); ++Guard) {
      if (llvm::is_contained(WithUser, S->Index))
        return;
      Root = S;
      S = S->BaseStage >= 0 ? &G.Stages[S->BaseStage] : nullptr;
    }
    if (hasVariable(Root->ResolvedImage) || baseSetsUser(Root->ResolvedImage) || Root->isScratch())
      return;
    const Stage &T = G.Stages[G.Target];
    // Built at its final size: a chain of `+` allocates for each step.
    llvm::StringRef Head = "the final image has no USER instruction, so it runs as root unless `";
    llvm::StringRef Tail = "` sets a user; add `USER <name>` for an unprivileged user after the "
                           "steps that need root";
    std::string Msg;
    Msg.reserve(Head.size() + Root->ResolvedImage.size() + Tail.size());
    Msg.append(Head.data(), Head.size())
        .append(Root->ResolvedImage)
        .append(Tail.data(), Tail.size());
    C.report(T.ImageRange, std::move(Msg));
  }

private:
  /// The stages with a USER (as often as they have one: few files have many).
  llvm::SmallVector<unsigned, 4> WithUser;
};

} // namespace

RuleInfo infoBL2005() {
  RuleInfo R;
  R.Id = "BL2005";
  R.DefaultSeverity = Severity::Info;
  R.Cat = Category::Security;
  R.Title = "final image runs as root because no USER is set";
  R.SecuritySeverity = "4.0";
  return R;
}

BALLAST_RULE_MAKE(BL2005, NoUser)

} // namespace ballast::rules
