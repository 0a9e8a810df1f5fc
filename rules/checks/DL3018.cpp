//===- DL3018.cpp - Pin versions in apk add --------------------------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"
#include "llvm/ADT/STLExtras.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// `pkg=1.2-r0`, `pkg~1.2` and local `.apk` files are pinned.
bool apkPackagePinned(llvm::StringRef P) {
  return P.contains('=') || P.contains('~') || P.endswith(".apk");
}

class ApkUnpinned : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"apk"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    const shell::Script *S = posixRunScript(I, C);
    if (!S)
      return;
    for (const shell::Command &Cmd : S->commands()) {
      if (!Cmd.is("apk", "add"))
        continue;
      // Filtered in place: a second vector would copy the words again.
      llvm::SmallVector<shell::Word, 4> Unpinned = Cmd.positionalArgs();
      llvm::erase_if(Unpinned, [](const shell::Word &W) {
        return apkPackagePinned(W.Text) || W.HasExpansion;
      });
      if (Unpinned.empty())
        continue;
      std::string Msg = "pin versions in apk add; " + unpinnedPhrase(Unpinned, "package", "=");
      reportWords(C, I, Unpinned, std::move(Msg), "no version either");
    }
  }
};

} // namespace

RuleInfo infoDL3018() {
  RuleInfo R;
  R.Id = "DL3018";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Correctness;
  R.Title = "pin versions in apk add";
  return R;
}

BALLAST_RULE_MAKE(DL3018, ApkUnpinned)

} // namespace ballast::rules
