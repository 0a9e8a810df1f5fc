//===- DL3028.cpp - Pin versions in gem install ----------------------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class GemUnpinned : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"gem"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    const shell::Script *S = posixRunScript(I, C);
    if (!S)
      return;
    for (const shell::Command &Cmd : S->commands()) {
      if (!isTool(Cmd, "gem"))
        continue;
      std::optional<shell::Word> Sub = Cmd.subcommand();
      // `-v`/`--version` pins every gem named.
      if (!Sub || (Sub->Text != "install" && Sub->Text != "i") ||
          Cmd.hasAnyFlag({"-v", "--version"}))
        continue;
      llvm::SmallVector<shell::Word, 4> Unpinned;
      for (const shell::Word &W : Cmd.positionalArgs())
        if (!W.Text.contains(':') && !W.Text.endswith(".gem") && !W.HasExpansion)
          Unpinned.push_back(W);
      if (Unpinned.empty())
        continue;
      std::string Msg = "pin versions in gem install; " + unpinnedPhrase(Unpinned, "gem", ":") +
                        (Unpinned.size() == 1 ? " (or `-v <version>`)" : "");
      reportWords(C, I, Unpinned, std::move(Msg), "no version either");
    }
  }
};

} // namespace

RuleInfo infoDL3028() {
  RuleInfo R;
  R.Id = "DL3028";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Correctness;
  R.Title = "pin versions in gem install";
  return R;
}

BALLAST_RULE_MAKE(DL3028, GemUnpinned)

} // namespace ballast::rules
