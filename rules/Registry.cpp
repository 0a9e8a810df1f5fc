//===- Registry.cpp -------------------------------------------------------===//
#include "rules/Registry.h"

#define BALLAST_RULE(ID) BALLAST_RULE_DECL(ID)
#include "rules/checks/AllRules.def"
#undef BALLAST_RULE

namespace ballast::rules {

llvm::ArrayRef<RuleDef> allRuleDefs() {
  static const RuleDef Defs[] = {
#define BALLAST_RULE(ID) {&info##ID, &make##ID},
#include "rules/checks/AllRules.def"
#undef BALLAST_RULE
  };
  return Defs;
}

llvm::ArrayRef<RuleInfo> catalogue() {
  static const std::vector<RuleInfo> Cat = [] {
    std::vector<RuleInfo> V;
    for (const RuleDef &D : allRuleDefs()) {
      RuleInfo I = D.Info();
      I.DocMarkdown = ruleDoc(I.Id).str();
      V.push_back(std::move(I));
    }
    return V;
  }();
  return Cat;
}

const RuleInfo *findRule(llvm::StringRef IdOrAlias) {
  for (const RuleInfo &I : catalogue()) {
    if (llvm::StringRef(I.Id).equals_insensitive(IdOrAlias))
      return &I;
    for (const std::string &A : I.Aliases)
      if (llvm::StringRef(A).equals_insensitive(IdOrAlias))
        return &I;
  }
  return nullptr;
}

} // namespace ballast::rules
