//===- Registry.h - The catalogue of every rule ------------------*- C++ -*-===//
#pragma once

#include "rules/Rule.h"
#include "llvm/ADT/ArrayRef.h"

namespace ballast::rules {

/// Every rule listed in checks/AllRules.def, in that order.
llvm::ArrayRef<RuleDef> allRuleDefs();
/// Every rule's catalogue entry, docs filled in; same order as allRuleDefs().
llvm::ArrayRef<RuleInfo> catalogue();
/// The catalogue entry for an ID or alias (case-insensitive), or nullptr.
const RuleInfo *findRule(llvm::StringRef IdOrAlias);
/// The embedded docs/rules/<ID>.md text, or "" when missing.
llvm::StringRef ruleDoc(llvm::StringRef Id);

} // namespace ballast::rules
