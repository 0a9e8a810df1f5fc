//===- RuleInfo.cpp -------------------------------------------------------===//
#include "support/RuleInfo.h"

namespace ballast {

llvm::StringRef categoryName(Category C) {
  switch (C) {
  case Category::Correctness: return "correctness";
  case Category::Security: return "security";
  case Category::Size: return "size";
  case Category::Cache: return "cache";
  case Category::Maintainability: return "maintainability";
  }
  return "correctness";
}

std::string RuleInfo::helpUri() const {
  return "https://github.com/ballast-dev/ballast/blob/main/docs/rules/" + Id + ".md";
}

} // namespace ballast
