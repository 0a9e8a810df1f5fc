//===- RulesCommand.cpp - `ballast rules`, `ballast explain`, `dump-ast` -===//
#include "analyzer/Analysis.h"
#include "cli/Args.h"
#include "cli/Commands.h"
#include "dockerfile/Ast.h"
#include "rules/Registry.h"
#include "support/AtomicFile.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

namespace ballast::cli {

const char *version() { return "0.1.0"; }

/// Every rule ballast reports: the lint catalogue, then the analyzer's image rules (BL3xxx).
static std::vector<const RuleInfo *> everyRule() {
  std::vector<const RuleInfo *> All;
  for (const RuleInfo &R : rules::catalogue())
    All.push_back(&R);
  for (const RuleInfo &R : analyzer::analyzerRules())
    All.push_back(&R);
  return All;
}

static std::string pad(llvm::StringRef S, size_t N) {
  std::string R = S.str();
  if (R.size() < N)
    R.resize(N, ' ');
  return R;
}

int runRules(const std::vector<std::string> &Argv) {
  static const FlagSpec Specs[] = {{"help", 'h', false, "show this help"},
                                   {"format", 'f', true, "text or json", "FORMAT"}};
  auto A = Args::parse(Argv, Specs);
  if (!A) {
    llvm::errs() << "ballast rules: " << llvm::toString(A.takeError()) << "\n";
    return ExitUsage;
  }
  if (A->flag("help")) {
    llvm::outs() << "usage: ballast rules [--format text|json]\n\n" << flagHelp(Specs);
    return ExitOk;
  }
  std::string Fmt = A->get("format").value_or("text");
  if (Fmt == "json") {
    llvm::outs() << "[";
    bool First = true;
    for (const RuleInfo *RP : everyRule()) {
      const RuleInfo &R = *RP;
      llvm::outs() << (First ? "\n" : ",\n") << "  {\"id\": \"" << R.Id << "\", \"severity\": \""
                   << severityName(R.DefaultSeverity) << "\", \"category\": \""
                   << categoryName(R.Cat)
                   << "\", \"fixable\": " << (R.Fixes == FixSafety::Safe ? "true" : "false")
                   << ", \"aliases\": [";
      for (size_t I = 0; I < R.Aliases.size(); ++I)
        llvm::outs() << (I ? ", " : "") << "\"" << R.Aliases[I] << "\"";
      llvm::outs() << "], \"title\": \"";
      llvm::printEscapedString(R.Title, llvm::outs());
      llvm::outs() << "\"}";
      First = false;
    }
    llvm::outs() << "\n]\n";
    return ExitOk;
  }
  if (Fmt != "text") {
    llvm::errs() << "ballast rules: unknown format '" << Fmt << "'; use text or json\n";
    return ExitUsage;
  }
  llvm::outs() << pad("ID", 8) << pad("SEVERITY", 9) << pad("CATEGORY", 16) << pad("FIX", 5)
               << "TITLE\n";
  for (const RuleInfo *RP : everyRule()) {
    const RuleInfo &R = *RP;
    llvm::outs() << pad(R.Id, 8) << pad(severityName(R.DefaultSeverity), 9)
                 << pad(categoryName(R.Cat), 16) << pad(R.Fixes == FixSafety::Safe ? "yes" : "", 5)
                 << R.Title;
    if (!R.Aliases.empty())
      llvm::outs() << " (" << llvm::join(R.Aliases, ", ") << ")";
    llvm::outs() << "\n";
  }
  return ExitOk;
}

int runExplain(const std::vector<std::string> &Argv) {
  if (Argv.size() != 1 || Argv[0] == "--help" || Argv[0] == "-h") {
    (Argv.size() == 1 ? llvm::outs() : llvm::errs()) << "usage: ballast explain RULE-ID\n";
    return Argv.size() == 1 ? ExitOk : ExitUsage;
  }
  const RuleInfo *R = rules::findRule(Argv[0]);
  if (!R)
    for (const RuleInfo &I : analyzer::analyzerRules())
      if (llvm::StringRef(I.Id).equals_insensitive(Argv[0]))
        R = &I;
  if (!R) {
    std::vector<std::string> Ids;
    for (const RuleInfo *I : everyRule()) {
      Ids.push_back(I->Id);
      Ids.insert(Ids.end(), I->Aliases.begin(), I->Aliases.end());
    }
    llvm::errs() << "ballast explain: no rule '" << Argv[0] << "'";
    if (auto C = closest(Argv[0], Ids))
      llvm::errs() << "; did you mean " << *C << "?";
    else
      llvm::errs() << "; run 'ballast rules' for the list";
    llvm::errs() << "\n";
    return ExitUsage;
  }
  llvm::StringRef Doc =
      R->DocMarkdown.empty() ? rules::ruleDoc(R->Id) : llvm::StringRef(R->DocMarkdown);
  if (Doc.empty())
    llvm::outs() << R->Id << ": " << R->Title << "\n";
  else
    llvm::outs() << Doc;
  return ExitOk;
}

int runDumpAst(const std::vector<std::string> &Argv) {
  if (Argv.size() != 1 || Argv[0] == "--help" || Argv[0] == "-h") {
    (Argv.size() == 1 ? llvm::outs() : llvm::errs()) << "usage: ballast dump-ast FILE|-\n";
    return Argv.size() == 1 ? ExitOk : ExitUsage;
  }
  auto Text = readFileOrStdin(Argv[0]);
  if (!Text) {
    llvm::errs() << "ballast dump-ast: " << llvm::toString(Text.takeError()) << "\n";
    return ExitUsage;
  }
  dockerfile::Dockerfile DF = dockerfile::parse(Argv[0], std::move(*Text));
  for (const Diagnostic &E : DF.Errors)
    llvm::errs() << E.format(DF.Source.get()) << "\n";
  if (!DF.ok())
    return ExitUsage;
  llvm::outs() << dockerfile::dump(DF);
  return ExitOk;
}

} // namespace ballast::cli
