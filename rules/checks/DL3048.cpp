//===- DL3048.cpp - Invalid label key -------------------------------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// Why Key is not a valid label key (Docker's recommended key format), or "" when it is.
std::string keyProblem(llvm::StringRef Key) {
  if (Key.empty())
    return "is empty";
  if (!(Key.front() >= 'a' && Key.front() <= 'z'))
    return "must start with a lower-case letter";
  char Last = Key.back();
  if (!((Last >= 'a' && Last <= 'z') || (Last >= '0' && Last <= '9')))
    return "must end with a lower-case letter or a digit";
  for (char C : Key)
    if (!((C >= 'a' && C <= 'z') || (C >= '0' && C <= '9') || C == '.' || C == '-'))
      return std::string("contains `") + C + "`";
  for (llvm::StringRef NS : {"com.docker.", "io.docker.", "org.dockerproject."})
    if (Key.startswith(NS))
      return "uses the namespace `" + NS.str() + "` reserved by Docker";
  // (containsText: StringRef::contains builds a skip table for a key of 16 bytes or more.)
  if (containsText(Key, ".."))
    return "has consecutive separators `..`";
  if (containsText(Key, "--"))
    return "has consecutive separators `--`";
  return "";
}

class InvalidLabelKey : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Label); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::Label)
      return;
    for (const KeyValue &P : I.Pairs) {
      std::optional<std::string> Key = literalText(P.Key.Text, C.file().Escape);
      if (!Key)
        continue;
      std::string Why = keyProblem(*Key);
      if (Why.empty())
        continue;
      C.report(P.Key.Range,
               "label key `" + *Key + "` " + Why +
                   "; use a reverse-DNS key of lower-case letters, digits, `.` and `-` "
                   "such as `com.example.version`");
    }
  }
};

} // namespace

RuleInfo infoDL3048() {
  RuleInfo R;
  R.Id = "DL3048";
  R.DefaultSeverity = Severity::Style;
  R.Cat = Category::Maintainability;
  R.Title = "invalid label key";
  return R;
}

BALLAST_RULE_MAKE(DL3048, InvalidLabelKey)

} // namespace ballast::rules
