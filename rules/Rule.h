//===- Rule.h - The interface every lint rule implements ---------*- C++ -*-===//
//
// A rule is a single pass over the instructions with its state in the instance and its decision
// at the end (hadolint's model): check() sees each instruction in order (ONBUILD children too,
// wrapped for free), finish() sees the end of the file.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <memory>

#include "dockerfile/Ast.h"
#include "rules/Context.h"
#include "support/RuleInfo.h"

namespace ballast::rules {

/// One lint rule instance; a fresh one is made for every file.
class Rule {
public:
  virtual ~Rule() = default;
  /// Called for every instruction in file order (for ONBUILD, with the wrapped instruction).
  virtual void check(const dockerfile::Instruction &I, Context &C) {}
  /// Called once after the last instruction.
  virtual void finish(Context &C) {}
};

/// What AllRules.def lists for each rule: its catalogue entry and how to make one.
struct RuleDef {
  RuleInfo (*Info)();
  std::unique_ptr<Rule> (*Make)();
};

} // namespace ballast::rules

/// Declares the two functions a rule file defines: `RuleInfo info<ID>()` and `make<ID>()`.
#define BALLAST_RULE_DECL(ID)                                                                      \
  namespace ballast::rules {                                                                       \
  RuleInfo info##ID();                                                                             \
  std::unique_ptr<Rule> make##ID();                                                                \
  }
