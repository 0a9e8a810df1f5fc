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

/// What DL3018 derives from a script alone (kept per shared script): each apk add's unpinned
/// packages and its message.
struct ApkAdds : MemoData {
  struct Add {
    llvm::SmallVector<shell::Word, 4> Unpinned;
    std::string Msg;
  };
  std::vector<Add> Adds;
};

std::unique_ptr<ApkAdds> unpinnedAdds(const shell::Script &S) {
  auto R = std::make_unique<ApkAdds>();
  for (const shell::Command &Cmd : S.commands()) {
    if (!Cmd.is("apk", "add"))
      continue;
    // Filtered in place: a second vector would copy the words again.
    llvm::SmallVector<shell::Word, 4> Unpinned = Cmd.positionalArgs();
    llvm::erase_if(Unpinned,
                   [](const shell::Word &W) { return apkPackagePinned(W.Text) || W.HasExpansion; });
    if (Unpinned.empty())
      continue;
    std::string Msg = "pin versions in apk add; " + unpinnedPhrase(Unpinned, "package", "=");
    R->Adds.push_back({std::move(Unpinned), std::move(Msg)});
  }
  return R;
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
    std::unique_ptr<ApkAdds> Own;
    const ApkAdds &A = C.scriptData(I, DataSlot::DL3018, Own, [&] { return unpinnedAdds(*S); });
    if (A.Adds.empty()) {
      C.scriptQuiet(I);
      return;
    }
    for (const ApkAdds::Add &Ad : A.Adds)
      reportWords(C, I, Ad.Unpinned, Ad.Msg, "no version either");
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
