//===- BL4012.cpp - Description comments should name what they describe --===//
//
// BuildKit's experimental InvalidDefinitionDescription: a comment right above `FROM ... AS name`
// or `ARG name` is read as that definition's description (shown by `docker buildx build
// --call=outline`) and should start with the name. Like BuildKit it runs only when enabled with
// `# check=experimental=InvalidDefinitionDescription` (or `all`), or when the config sets a
// severity for it. Parser directives directly above are not treated as descriptions.
//
//===----------------------------------------------------------------------===//
#include "rules/Config.h"
#include "rules/Queries.h"
#include "rules/Rule.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

class DefinitionDescription : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::From, InstrKind::Arg); }
  void check(const Instruction &I, Context &C) override {
    if (C.inOnbuild() || (I.Kind != InstrKind::From && I.Kind != InstrKind::Arg))
      return;
    if (!enabled(C))
      return;
    std::vector<std::string> Keys;
    if (I.Kind == InstrKind::From) {
      if (I.Args.size() == 3 && llvm::StringRef(I.Args[1].Text).equals_insensitive("as"))
        Keys.push_back(llvm::StringRef(I.Args[2].Text).lower());
    } else {
      for (const Word &W : I.Args)
        Keys.push_back(llvm::StringRef(W.Text).split('=').first.str());
    }
    if (Keys.empty() || I.StartLine < 2)
      return;
    const SourceFile &SF = *C.file().Source;
    unsigned Above = I.StartLine - 1;
    llvm::StringRef Line = SF.lineText(Above).trim();
    if (!Line.startswith("#"))
      return;
    for (const Directive &D : C.file().Directives)
      if (D.Line == Above)
        return;
    llvm::StringRef Comment = Line.drop_front().trim();
    if (Comment.empty())
      return;
    llvm::StringRef First = Comment.split(' ').first;
    if (llvm::is_contained(Keys, First))
      return;
    std::string Example = Keys.size() > 1 ? "<arg_key>" : Keys[0];
    std::string What = I.Kind == InstrKind::From ? "stage" : "ARG";
    uint32_t B = SF.lineStart(Above);
    llvm::StringRef Raw = SF.lineText(Above);
    uint32_t Lead = uint32_t(Raw.size() - Raw.ltrim().size());
    C.report({B + Lead, B + uint32_t(Raw.rtrim().size())},
             "the comment above this " + What +
                 " is read as its description and should start "
                 "with its name: `# " +
                 Example +
                 " <description>`; add an empty line between them "
                 "if it is not a description");
  }

private:
  bool enabled(Context &C) {
    if (Enabled < 0) {
      const auto &Sev = C.config().Severities;
      Enabled = experimentalCheckEnabled(C.file(), "InvalidDefinitionDescription") ||
                Sev.count("BL4012") || Sev.count("InvalidDefinitionDescription");
    }
    return Enabled > 0;
  }
  int Enabled = -1;
};

} // namespace

RuleInfo infoBL4012() {
  RuleInfo R;
  R.Id = "BL4012";
  R.Aliases = {"InvalidDefinitionDescription"};
  R.DefaultSeverity = Severity::Info;
  R.Cat = Category::Maintainability;
  R.Title = "comment for a build stage or argument should follow the description format";
  return R;
}

BALLAST_RULE_MAKE(BL4012, DefinitionDescription)

} // namespace ballast::rules
