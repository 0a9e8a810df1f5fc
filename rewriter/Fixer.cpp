//===- Fixer.cpp ----------------------------------------------------------===//
#include "rewriter/Fixer.h"

#include "rewriter/EditSet.h"

namespace ballast::rewriter {

FixResult fixToFixPoint(const std::string &Text, const Analyzer &Analyze,
                        const std::function<bool(const Finding &)> &IsSafe,
                        const std::function<bool(const Finding &)> &AllowShapeChange,
                        unsigned MaxRounds) {
  FixResult R;
  R.Text = Text;
  Snapshot Cur = Analyze(Text);
  if (!Cur.Parses)
    return R; // never rewrite a file that does not parse to begin with
  for (unsigned Round = 0; Round < MaxRounds; ++Round) {
    EditSet Edits;
    unsigned N = 0;
    bool ShapeMayChange = false;
    for (const Finding &F : Cur.Findings)
      if (F.FixIt && IsSafe(F) && Edits.addFix(*F.FixIt)) {
        ++N;
        ShapeMayChange |= AllowShapeChange(F);
      }
    if (N == 0)
      break;
    std::string Next = Edits.apply(R.Text);
    if (Next == R.Text)
      break;
    Snapshot After = Analyze(Next);
    ++R.Rounds;
    if (!After.Parses) {
      R.Refused = "the fixed file would not parse";
      break;
    }
    if (!ShapeMayChange && After.InstructionKinds != Cur.InstructionKinds) {
      R.Refused = "the fix would change the instructions of the file";
      break;
    }
    if (After.Findings.size() > Cur.Findings.size()) {
      R.Refused = "the fixed file would have more findings";
      break;
    }
    R.Text = std::move(Next);
    R.Applied += N;
    Cur = std::move(After);
  }
  return R;
}

} // namespace ballast::rewriter
