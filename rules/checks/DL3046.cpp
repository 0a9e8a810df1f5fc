//===- DL3046.cpp - useradd without -l and a high UID ---------------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"
#include "llvm/ADT/StringExtras.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class UseraddHighUid : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"useradd"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    const shell::Script *S = posixRunScript(I, C);
    if (!S)
      return;
    bool Reported = false;
    for (const shell::Command &Cmd : S->commands()) {
      if (!Cmd.is("useradd") || Cmd.hasAnyFlag({"-l", "--no-log-init"}))
        continue;
      std::optional<shell::Word> Uid = Cmd.flagValue("-u");
      if (!Uid)
        Uid = Cmd.flagValue("--uid");
      // hadolint's threshold: a UID of six digits or more (lastlog grows to uid * 292 bytes).
      if (!Uid || Uid->Text.size() <= 5 ||
          !llvm::all_of(Uid->Text, [](char Ch) { return llvm::isDigit(Ch); }))
        continue;
      SourceRange Name = C.scriptRange(I, Cmd.Args.front().Range);
      C.report(C.scriptRange(I, Uid->Range),
               "`useradd` with the high UID " + Uid->Text.str() +
                   " and without `-l` writes a huge sparse /var/log/lastlog into the image; add "
                   "`-l` (--no-log-init)")
          .fix("add -l to useradd", {TextEdit{{Name.End, Name.End}, " -l"}});
      Reported = true;
    }
    if (!Reported)
      C.scriptQuiet(I);
  }
};

} // namespace

RuleInfo infoDL3046() {
  RuleInfo R;
  R.Id = "DL3046";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Size;
  R.Title = "useradd without flag -l and high UID will result in excessively large image";
  R.Fixes = FixSafety::Unsafe;
  return R;
}

BALLAST_RULE_MAKE(DL3046, UseraddHighUid)

} // namespace ballast::rules
