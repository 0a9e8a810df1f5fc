//===- DL3044.cpp - No self-reference within one ENV ----------------------===//
#include <algorithm>

#include "rules/Rule.h"
#include "llvm/ADT/StringExtras.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

bool isNameChar(char Ch) { return llvm::isAlnum(Ch) || Ch == '_'; }

/// Calls F(Name, Begin, End) for each variable reference (`$N`, `${N}`, `${N:-x}`) in the raw
/// ENV value Raw that BuildKit would expand (not in single quotes, not escaped).
template <typename Fn> void forEachReference(llvm::StringRef Raw, char Escape, Fn F) {
  bool Single = false, Double = false;
  for (size_t K = 0; K < Raw.size(); ++K) {
    char Ch = Raw[K];
    if (Single) {
      Single = Ch != '\'';
      continue;
    }
    if (Ch == Escape) {
      ++K;
      continue;
    }
    if (Ch == '\'' && !Double) {
      Single = true;
      continue;
    }
    if (Ch == '"') {
      Double = !Double;
      continue;
    }
    if (Ch != '$' || K + 1 >= Raw.size())
      continue;
    size_t B = K + 1;
    bool Brace = Raw[B] == '{';
    if (Brace)
      ++B;
    size_t E = B;
    while (E < Raw.size() && isNameChar(Raw[E]))
      ++E;
    if (E == B || llvm::isDigit(Raw[B]))
      continue;
    F(Raw.slice(B, E), K, Brace ? std::min(Raw.find('}', E), Raw.size() - 1) + 1 : E);
    K = E - 1;
  }
}

/// Whether an ARG or ENV of stage S (before Stop; the whole stage when Stop is null) or of the
/// stages it is built on sets Name.
bool setInStage(llvm::StringRef Name, const Stage *S, const Instruction *Stop,
                const StageGraph &G) {
  while (S) {
    for (const Instruction *J : S->Instructions) {
      if (J == Stop)
        break;
      if (J->Kind == InstrKind::Arg && llvm::any_of(J->Args, [&](const Word &W) {
            return llvm::StringRef(W.Text).split('=').first == Name;
          }))
        return true;
      if (J->Kind == InstrKind::Env &&
          llvm::any_of(J->Pairs, [&](const KeyValue &P) { return P.Key.Text == Name; }))
        return true;
    }
    // A base stage is complete when a later stage starts from it.
    if (S->BaseStage < 0 || unsigned(S->BaseStage) >= S->Index)
      return false;
    S = &G.Stages[unsigned(S->BaseStage)];
    Stop = nullptr;
  }
  return false;
}

class EnvSelfReference : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Env); }
  void check(const Instruction &I, Context &C) override {
    if (C.inOnbuild() || !C.stage() || I.Kind != InstrKind::Env)
      return;
    // Only a value with a `$` refers to a name: most ENVs have none after their first pair,
    // and then no value is scanned once per pair before it.
    size_t FirstRef = 1;
    while (FirstRef < I.Pairs.size() &&
           !llvm::StringRef(I.Pairs[FirstRef].Value.Text).contains('$'))
      ++FirstRef;
    char Escape = C.file().Escape;
    for (size_t K = 0; K + 1 < I.Pairs.size() && FirstRef < I.Pairs.size(); ++K) {
      const KeyValue &Def = I.Pairs[K];
      bool Reported = false;
      for (size_t J = std::max(K + 1, FirstRef); J < I.Pairs.size() && !Reported; ++J) {
        const Word &V = I.Pairs[J].Value;
        forEachReference(V.Text, Escape, [&](llvm::StringRef Name, size_t B, size_t E) {
          if (Reported || Name != Def.Key.Text)
            return;
          Reported = true;
          // The reference gets the value set earlier (by an ARG or ENV of the stage or of the
          // stages it is built on), which is well defined. Asked only here, for the rare
          // self-reference, rather than tracking every name of every stage.
          if (setInStage(Name, C.stage(), &I, C.stages()))
            return;
          // Narrow to the reference when the value is one contiguous run of the file.
          SourceRange R = V.Range;
          if (R.size() == V.Text.size())
            R = {uint32_t(R.Begin + B), uint32_t(R.Begin + E)};
          C.report(R, "`" + V.Text.substr(B, E - B).str() + "` refers to `" + Def.Key.Text +
                          "`, which this same ENV sets; ENV expands every value before setting "
                          "any, so it gets the old (unset) value; set `" +
                          Def.Key.Text + "` in an earlier ENV")
              .note(Def.Key.Range, "set here");
        });
      }
    }
  }
};

} // namespace

RuleInfo infoDL3044() {
  RuleInfo R;
  R.Id = "DL3044";
  R.DefaultSeverity = Severity::Error;
  R.Cat = Category::Correctness;
  R.Title = "do not refer to an environment variable within the same ENV statement where it is "
            "defined";
  return R;
}

BALLAST_RULE_MAKE(DL3044, EnvSelfReference)

} // namespace ballast::rules
