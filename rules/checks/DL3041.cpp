//===- DL3041.cpp - Specify version with dnf install -----------------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

#include "llvm/ADT/StringExtras.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// hadolint's test for `name-version[-release]`: something after a dash made of version
/// characters with a part that starts with a digit (`nginx-1.20.1`, not `python3-devel`).
bool rpmPackagePinned(llvm::StringRef P) {
  if (P.endswith(".rpm") || P.contains('/'))
    return true;
  llvm::SmallVector<llvm::StringRef, 4> Parts;
  P.split(Parts, '-');
  if (Parts.size() <= 1)
    return false;
  bool Digit = false;
  for (llvm::StringRef Part : llvm::ArrayRef<llvm::StringRef>(Parts).drop_front()) {
    for (char Ch : Part)
      if (!llvm::isAlnum(Ch) && !llvm::StringRef(".~^_:+").contains(Ch))
        return false;
    Digit = Digit || (!Part.empty() && llvm::isDigit(Part.front()));
  }
  return Digit;
}

class DnfUnpinned : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"dnf", "microdnf"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    const shell::Script *S = posixRunScript(I, C);
    if (!S)
      return;
    for (const shell::Command &Cmd : S->commands()) {
      if (!isTool(Cmd, "dnf") && !isTool(Cmd, "microdnf"))
        continue;
      std::optional<shell::Word> Sub = Cmd.subcommand();
      if (!Sub)
        continue;
      auto Args = Cmd.positionalArgs();
      // `dnf module install nodejs:18` pins a stream with `:`.
      bool Module = Sub->Text == "module";
      if (Module) {
        if (Args.empty() || Args.front().Text != "install")
          continue;
        Args.erase(Args.begin());
      } else if (Sub->Text != "install") {
        continue;
      }
      llvm::SmallVector<shell::Word, 4> Unpinned;
      for (const shell::Word &W : Args) {
        if (W.HasExpansion || W.Text.startswith("@")) // groups and environments
          continue;
        if (Module ? !W.Text.contains(':') : !rpmPackagePinned(W.Text))
          Unpinned.push_back(W);
      }
      if (Unpinned.empty())
        continue;
      std::string Tool = Cmd.basename().str();
      std::string First = Unpinned.front().Text.str();
      std::string Msg =
          Module ? "specify the stream with `" + Tool + " module install " + First + ":<stream>`"
                 : "specify versions in " + Tool + " install; " +
                       unpinnedPhrase(Unpinned, "package", "-");
      reportWords(C, I, Unpinned, std::move(Msg), "no version either");
    }
  }
};

} // namespace

RuleInfo infoDL3041() {
  RuleInfo R;
  R.Id = "DL3041";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Correctness;
  R.Title = "specify version with dnf install -y <package>-<version>";
  return R;
}

BALLAST_RULE_MAKE(DL3041, DnfUnpinned)

} // namespace ballast::rules
