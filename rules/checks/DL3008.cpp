//===- DL3008.cpp - Pin versions in apt-get install -----------------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// `pkg=version`, `pkg/release` and local `.deb` files are pinned.
bool aptPackagePinned(llvm::StringRef P) {
  return P.contains('=') || P.contains('/') || P.endswith(".deb");
}

/// What DL3008 derives from a script alone (kept per shared script: the same RUN text in many
/// files is looked at once): each apt install's unpinned packages and its message.
struct AptInstalls : MemoData {
  struct Install {
    llvm::SmallVector<shell::Word, 4> Unpinned;
    std::string Msg;
  };
  std::vector<Install> Installs;
};

std::unique_ptr<AptInstalls> unpinnedInstalls(const shell::Script &S) {
  auto R = std::make_unique<AptInstalls>();
  for (const shell::Command &Cmd : S.commands()) {
    if ((!Cmd.is("apt-get", "install") && !Cmd.is("apt", "install")) || isAptSimulation(Cmd))
      continue;
    // Filtered in place: a second vector would copy the words again.
    llvm::SmallVector<shell::Word, 4> Unpinned = Cmd.positionalArgs();
    llvm::erase_if(Unpinned,
                   [](const shell::Word &W) { return aptPackagePinned(W.Text) || W.HasExpansion; });
    if (Unpinned.empty())
      continue;
    // The lead goes in front of the phrase, which has room reserved for it.
    llvm::SmallString<48> Lead("pin versions in ");
    Lead += Cmd.basename();
    Lead += " install; ";
    std::string Msg = unpinnedPhrase(Unpinned, "package", "=");
    Msg.insert(0, Lead.data(), Lead.size());
    R->Installs.push_back({std::move(Unpinned), std::move(Msg)});
  }
  return R;
}

class AptUnpinned : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Run); }
  llvm::ArrayRef<llvm::StringRef> commands() const override {
    static const llvm::StringRef Names[] = {"apt-get", "apt"};
    return Names;
  }
  void check(const Instruction &I, Context &C) override {
    const shell::Script *S = posixRunScript(I, C);
    if (!S)
      return;
    std::unique_ptr<AptInstalls> Own;
    const AptInstalls &A =
        C.scriptData(I, DataSlot::DL3008, Own, [&] { return unpinnedInstalls(*S); });
    if (A.Installs.empty()) {
      C.scriptQuiet(I);
      return;
    }
    for (const AptInstalls::Install &In : A.Installs)
      reportWords(C, I, In.Unpinned, In.Msg, "no version either");
  }
};

} // namespace

RuleInfo infoDL3008() {
  RuleInfo R;
  R.Id = "DL3008";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Correctness;
  R.Title = "pin versions in apt-get install";
  return R;
}

BALLAST_RULE_MAKE(DL3008, AptUnpinned)

} // namespace ballast::rules
