//===- Registry.cpp -------------------------------------------------------===//
#include "rules/Registry.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"

#define BALLAST_RULE(ID) BALLAST_RULE_DECL(ID)
#include "rules/checks/AllRules.def"
#undef BALLAST_RULE

namespace ballast::rules {

llvm::ArrayRef<RuleDef> allRuleDefs() {
  static const RuleDef Defs[] = {
#define BALLAST_RULE(ID) {&info##ID, &placer##ID},
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
  // Lower-cased IDs and aliases to catalogue entries; the first rule claiming an alias wins.
  static const llvm::StringMap<const RuleInfo *> Index = [] {
    llvm::StringMap<const RuleInfo *> M;
    for (const RuleInfo &I : catalogue()) {
      M.try_emplace(llvm::StringRef(I.Id).lower(), &I);
      for (const std::string &A : I.Aliases)
        M.try_emplace(llvm::StringRef(A).lower(), &I);
    }
    return M;
  }();
  // Lowered on the stack: every finding of a lint is looked up here.
  llvm::SmallString<32> Lower;
  for (char C : IdOrAlias)
    Lower.push_back(llvm::toLower(C));
  auto It = Index.find(Lower);
  return It == Index.end() ? nullptr : It->second;
}

} // namespace ballast::rules
