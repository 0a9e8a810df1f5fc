//===- BL2003.cpp - ADD of a URL without --checksum -----------------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

bool isHttpUrl(llvm::StringRef S) {
  return S.startswith_insensitive("http://") || S.startswith_insensitive("https://");
}

/// A git source (`https://host/repo.git#ref`), which --checksum verifies differently.
bool isGitUrl(llvm::StringRef S) {
  llvm::StringRef Path = S.split('#').first.split('?').first;
  return Path.endswith(".git") || Path.endswith(".git/");
}

class AddUrlUnverified : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Add); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::Add || I.Args.size() < 2 || I.flag("checksum"))
      return;
    for (size_t K = 0; K + 1 < I.Args.size(); ++K) {
      const Word &Src = I.Args[K];
      if (!isHttpUrl(Src.Text) || isGitUrl(Src.Text))
        continue;
      C.report(Src.Range, "`ADD` downloads `" + Src.Text +
                              "` without verifying its content; pin it with "
                              "`ADD --checksum=sha256:<digest>` (Dockerfile syntax 1.6+)");
    }
  }
};

} // namespace

RuleInfo infoBL2003() {
  RuleInfo R;
  R.Id = "BL2003";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Security;
  R.Title = "remote ADD source without --checksum";
  R.SecuritySeverity = "5.0";
  return R;
}

BALLAST_RULE_MAKE(BL2003, AddUrlUnverified)

} // namespace ballast::rules
