//===- Fixer.h - Apply safe fixes to a fix point, refuse if worse -*- C++ -*-===//
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "support/Finding.h"

namespace ballast::rewriter {

/// What the fixer needs to know about a version of the file: does it parse, its instruction
/// kinds in order, and its fixable findings.
struct Snapshot {
  bool Parses = false;
  std::vector<std::string> InstructionKinds;
  std::vector<Finding> Findings;
};

/// Lints a text and says what it finds; the fixer calls it after every round.
using Analyzer = std::function<Snapshot(const std::string &Text)>;

/// The outcome of fixing one file.
struct FixResult {
  std::string Text;     ///< the fixed text (== input when nothing applied or refused)
  unsigned Applied = 0; ///< fixes applied
  unsigned Rounds = 0;
  std::string Refused; ///< why a round was rolled back; "" when none was
};

/// Applies the fixes of findings for which IsSafe holds, round after round, until none is left
/// (at most MaxRounds). A round is rolled back when its result does not parse, changes the
/// instruction kinds or their order (unless AllowShapeChange says the rule merges on purpose),
/// or has more findings than before.
FixResult fixToFixPoint(const std::string &Text, const Analyzer &Analyze,
                        const std::function<bool(const Finding &)> &IsSafe,
                        const std::function<bool(const Finding &)> &AllowShapeChange,
                        unsigned MaxRounds = 8);

} // namespace ballast::rewriter
