//===- DL3053.cpp - Label is not a valid rfc 3339 time ----------------------===//
#include "rules/Config.h"
#include "rules/Queries.h"
#include "rules/Rule.h"
#include "llvm/ADT/StringExtras.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// Reads N digits at S[Pos] into V.
bool digits(llvm::StringRef S, size_t &Pos, unsigned N, unsigned &V) {
  V = 0;
  for (unsigned I = 0; I < N; ++I, ++Pos) {
    if (Pos >= S.size() || !llvm::isDigit(S[Pos]))
      return false;
    V = V * 10 + unsigned(S[Pos] - '0');
  }
  return true;
}

/// Whether S is an RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)`.
bool isRfc3339(llvm::StringRef S) {
  size_t P = 0;
  unsigned Y, Mo, D, H, Mi, Sec, OH, OM;
  auto Lit = [&](llvm::StringRef Chars) {
    if (P < S.size() && Chars.contains(S[P])) {
      ++P;
      return true;
    }
    return false;
  };
  if (!digits(S, P, 4, Y) || !Lit("-") || !digits(S, P, 2, Mo) || !Lit("-") ||
      !digits(S, P, 2, D) || !Lit("Tt") || !digits(S, P, 2, H) || !Lit(":") ||
      !digits(S, P, 2, Mi) || !Lit(":") || !digits(S, P, 2, Sec))
    return false;
  static const unsigned Days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (Mo < 1 || Mo > 12 || D < 1 || D > Days[Mo - 1] || H > 23 || Mi > 59 || Sec > 60)
    return false;
  bool Leap = (Y % 4 == 0 && Y % 100 != 0) || Y % 400 == 0;
  if (Mo == 2 && D == 29 && !Leap)
    return false;
  if (Lit(".")) {
    size_t Start = P;
    while (P < S.size() && llvm::isDigit(S[P]))
      ++P;
    if (P == Start)
      return false;
  }
  if (Lit("Zz"))
    return P == S.size();
  if (!Lit("+-") || !digits(S, P, 2, OH) || !Lit(":") || !digits(S, P, 2, OM))
    return false;
  return P == S.size() && OH <= 23 && OM <= 59;
}

class LabelNotRfc3339 : public Rule {
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
      if (It == C.config().LabelSchema.end() || It->second != "rfc3339")
        continue;
      // Values built from variables (`$BUILD_DATE`) are only known at build time.
      std::optional<std::string> Value = literalText(P.Value.Text, C.file().Escape);
      if (!Value || Value->empty() || isRfc3339(*Value))
        continue;
      C.report(P.Value.Range,
               "label `" + *Key +
                   "` is not a valid RFC 3339 time; write it like `2024-05-01T12:30:00Z`");
    }
  }
};

} // namespace

RuleInfo infoDL3053() {
  RuleInfo R;
  R.Id = "DL3053";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Maintainability;
  R.Title = "label is not a valid rfc 3339 time";
  return R;
}

BALLAST_RULE_MAKE(DL3053, LabelNotRfc3339)

} // namespace ballast::rules
