//===- DL3037.cpp - Specify version with zypper install --------------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// `pkg=1.2`, `pkg>=1.2`, `pkg<2` and local `.rpm` files are pinned.
bool zypperPackagePinned(llvm::StringRef P) {
  return P.contains('=') || P.contains('>') || P.contains('<') || P.endswith(".rpm");
}

class ZypperUnpinned : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"zypper"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    const shell::Script *S = posixRunScript(I, C);
    if (!S)
      return;
    for (const shell::Command &Cmd : S->commands()) {
      if (!isTool(Cmd, "zypper"))
        continue;
      std::optional<shell::Word> Sub = Cmd.subcommand();
      if (!Sub || (Sub->Text != "install" && Sub->Text != "in"))
        continue;
      llvm::SmallVector<shell::Word, 4> Unpinned;
      for (const shell::Word &W : Cmd.positionalArgs())
        if (!zypperPackagePinned(W.Text) && !W.HasExpansion)
          Unpinned.push_back(W);
      if (Unpinned.empty())
        continue;
      std::string Msg =
          "specify versions in zypper install; " + unpinnedPhrase(Unpinned, "package", "=");
      reportWords(C, I, Unpinned, std::move(Msg), "no version either");
    }
  }
};

} // namespace

RuleInfo infoDL3037() {
  RuleInfo R;
  R.Id = "DL3037";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Correctness;
  R.Title = "specify version with zypper install -y <package>=<version>";
  return R;
}

BALLAST_RULE_MAKE(DL3037, ZypperUnpinned)

} // namespace ballast::rules
