//===- DL3058.cpp - Label is not a valid email address ----------------------===//
#include "rules/Config.h"
#include "rules/Queries.h"
#include "rules/Rule.h"
#include "llvm/ADT/StringExtras.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// RFC 5322 atext.
bool isAtext(char C) {
  return llvm::isAlnum(C) || llvm::StringRef("!#$%&'*+-/=?^_`{|}~").contains(C);
}

/// A dot-atom: atext runs separated by single dots.
bool isDotAtom(llvm::StringRef S) {
  if (S.empty() || S.front() == '.' || S.back() == '.' || S.contains(".."))
    return false;
  for (char C : S)
    if (C != '.' && !isAtext(C))
      return false;
  return true;
}

/// Whether S is an RFC 5322 addr-spec: `local@domain` (dot-atom or quoted local part,
/// dot-atom or `[literal]` domain).
bool isEmail(llvm::StringRef S) {
  size_t At = S.rfind('@');
  if (At == llvm::StringRef::npos)
    return false;
  llvm::StringRef Local = S.take_front(At), Domain = S.drop_front(At + 1);
  bool LocalOk = isDotAtom(Local);
  if (!LocalOk && Local.size() >= 2 && Local.front() == '"' && Local.back() == '"') {
    LocalOk = true;
    llvm::StringRef Q = Local.drop_front().drop_back();
    for (size_t I = 0; I < Q.size(); ++I) {
      if (Q[I] == '\\') {
        ++I;
        if (I >= Q.size())
          LocalOk = false;
        continue;
      }
      if (Q[I] == '"' || static_cast<unsigned char>(Q[I]) < 0x20)
        LocalOk = false;
    }
  }
  if (!LocalOk)
    return false;
  if (Domain.size() >= 2 && Domain.front() == '[' && Domain.back() == ']') {
    for (char C : Domain.drop_front().drop_back())
      if (C == '[' || C == ']' || C == '\\' || static_cast<unsigned char>(C) <= 0x20)
        return false;
    return true;
  }
  return isDotAtom(Domain);
}

class LabelNotEmail : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Label); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::Label)
      return;
    for (const KeyValue &P : I.Pairs) {
      std::optional<std::string> Key = literalText(P.Key.Text, C.file().Escape);
      if (!Key)
        continue;
      auto It = C.config().LabelSchema.find(*Key);
      if (It == C.config().LabelSchema.end() || It->second != "email")
        continue;
      // Values built from variables (`$BUILD_DATE`) are only known at build time.
      std::optional<std::string> Value = literalText(P.Value.Text, C.file().Escape);
      if (!Value || Value->empty() || isEmail(*Value))
        continue;
      C.report(P.Value.Range,
               "label `" + *Key +
                   "` is not a valid email address (RFC 5322); write it like `team@example.com`");
    }
  }
};

} // namespace

RuleInfo infoDL3058() {
  RuleInfo R;
  R.Id = "DL3058";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Maintainability;
  R.Title = "label is not a valid email address";
  return R;
}

BALLAST_RULE_MAKE(DL3058, LabelNotEmail)

} // namespace ballast::rules
