//===- ImageCommon.cpp - What the image-store commands share --------------===//
#include "cli/ImageCommon.h"

#include "store/Inspect.h"
#include "support/Errors.h"
#include "support/GoTemplate.h"
#include "llvm/Support/raw_ostream.h"

namespace ballast::cli {

std::optional<Args> parseCommand(llvm::StringRef Verb, llvm::StringRef Usage,
                                 llvm::StringRef Summary, llvm::ArrayRef<FlagSpec> Flags,
                                 const std::vector<std::string> &Argv, int &Exit) {
  auto A = Args::parse(Argv, Flags);
  if (!A) {
    llvm::errs() << "ballast " << Verb << ": " << llvm::toString(A.takeError()) << "\n";
    Exit = ExitUsage;
    return std::nullopt;
  }
  if (A->flag("help")) {
    llvm::outs() << "usage: ballast " << Verb << " " << Usage << "\n\n"
                 << Summary << "\n\noptions:\n"
                 << flagHelp(Flags);
    Exit = ExitOk;
    return std::nullopt;
  }
  return std::move(*A);
}

int usageError(llvm::StringRef Verb, const llvm::Twine &Msg) {
  llvm::outs().flush(); // keep stdout and stderr in order when both go to one place
  llvm::errs() << "ballast " << Verb << ": " << Msg << "\n";
  return ExitUsage;
}

int failure(llvm::Error E) {
  llvm::outs().flush();
  llvm::errs() << "Error: " << llvm::toString(std::move(E)) << "\n";
  return ExitFindings;
}

llvm::Expected<std::unique_ptr<store::Store>> openStore(const Args &A) {
  return store::Store::open(store::Store::defaultRoot(A.get("root")));
}

std::string dockerFormat(llvm::StringRef F) {
  std::string Out;
  for (size_t I = 0; I < F.size(); ++I) {
    if (F[I] == '\\' && I + 1 < F.size() && F[I + 1] == 't') {
      Out += '\t';
      ++I;
    } else {
      Out += F[I];
    }
  }
  return Out;
}

std::string goJson(const std::string &Dumped) {
  std::string Out;
  for (char C : Dumped) {
    if (C == '<')
      Out += "\\u003c";
    else if (C == '>')
      Out += "\\u003e";
    else if (C == '&')
      Out += "\\u0026";
    else
      Out += C;
  }
  return Out;
}

llvm::Expected<std::string> renderRows(llvm::StringRef TemplateArg,
                                       const std::vector<nlohmann::json> &Rows,
                                       const nlohmann::json &Headers) {
  std::string T = dockerFormat(TemplateArg);
  llvm::StringRef Body = T;
  bool Table = Body.consume_front("table");
  if (Table)
    Body = Body.ltrim(" ");
  if (Table && Body.empty())
    return makeError("a table format needs columns, e.g. 'table {{.ID}}\\t{{.Repository}}'");
  auto Tpl = GoTemplate::parse(Body);
  if (!Tpl)
    return Tpl.takeError();
  std::vector<std::string> Lines;
  if (Table) {
    auto H = Tpl->render(Headers);
    if (!H)
      return H.takeError();
    Lines.push_back(*H);
  }
  for (auto &R : Rows) {
    auto L = Tpl->render(R);
    if (!L)
      return L.takeError();
    Lines.push_back(*L);
  }
  if (Table)
    return store::tabulate(Lines);
  std::string Out;
  for (auto &L : Lines)
    Out += L + "\n";
  return Out;
}

} // namespace ballast::cli
