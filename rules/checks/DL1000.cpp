//===- DL1000.cpp - The Dockerfile does not parse -------------------------===//
//
// The engine files the parser's errors under this ID; the rule itself checks nothing.
//
//===----------------------------------------------------------------------===//
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

/// Looks at nothing: the engine files the parse errors.
class ParseErrors : public Rule {
public:
  KindMask kinds() const override { return 0; }
  void check(const dockerfile::Instruction &, Context &) override {}
};

} // namespace

RuleInfo infoDL1000() {
  RuleInfo R;
  R.Id = "DL1000";
  R.DefaultSeverity = Severity::Error;
  R.Cat = Category::Correctness;
  R.Title = "the dockerfile cannot be parsed";
  return R;
}

BALLAST_RULE_MAKE(DL1000, ParseErrors)

} // namespace ballast::rules
