//===- InspectCommand.cpp - `ballast inspect` / `ballast image inspect` ---===//
#include "cli/ImageCommon.h"
#include "store/Inspect.h"
#include "support/GoTemplate.h"
#include "llvm/Support/raw_ostream.h"

namespace ballast::cli {

namespace {
const FlagSpec InspectFlags[] = {
    {"format", 'f', true, "format the output using a Go template ('{{.Config.Cmd}}')", "TEMPLATE"},
    {"type", 0, true, "only 'image' is supported", "TYPE"},
    RootFlag,
    HelpFlag,
};
} // namespace

int runInspect(const std::vector<std::string> &Argv) {
  int Exit = 0;
  auto A = parseCommand("inspect", "[OPTIONS] IMAGE...",
                        "Print Docker-compatible JSON about images.", InspectFlags, Argv, Exit);
  if (!A)
    return Exit;
  if (A->positional().empty())
    return usageError("inspect", "requires at least 1 argument; usage: ballast inspect IMAGE...");
  if (auto T = A->get("type"); T && *T != "image")
    return usageError("inspect", "--type " + *T + " is not supported; only images are stored");
  std::optional<GoTemplate> Tpl;
  bool UsesJson = false; // see store::templateView
  if (auto F = A->get("format")) {
    UsesJson = llvm::StringRef(*F).contains("json");
    auto P = GoTemplate::parse(dockerFormat(*F));
    if (!P)
      return usageError("inspect", llvm::toString(P.takeError()));
    Tpl.emplace(std::move(*P));
  }
  auto S = openStore(*A);
  if (!S)
    return failure(S.takeError());
  auto All = (*S)->list();
  if (!All)
    return failure(All.takeError());
  nlohmann::ordered_json Out = nlohmann::ordered_json::array();
  std::vector<std::string> Errors;
  std::string Rendered;
  for (auto &Name : A->positional()) {
    auto Rec = (*S)->resolve(Name);
    if (!Rec) {
      Errors.push_back(llvm::toString(Rec.takeError()));
      continue;
    }
    auto Img = (*S)->image(Rec->Id.str());
    if (!Img) {
      Errors.push_back(llvm::toString(Img.takeError()));
      continue;
    }
    auto Obj = store::inspectObject(**Img, *Rec, *All);
    if (Tpl) {
      auto R = Tpl->render(UsesJson ? nlohmann::json::parse(Obj.dump()) : store::templateView(Obj));
      if (!R) {
        Errors.push_back(llvm::toString(R.takeError()));
        continue;
      }
      Rendered += *R + "\n";
    } else {
      Out.push_back(std::move(Obj));
    }
  }
  if (Tpl)
    llvm::outs() << Rendered;
  else
    llvm::outs() << goJson(Out.dump(4)) << "\n";
  llvm::outs().flush();
  for (auto &E : Errors)
    llvm::errs() << "Error: " << E << "\n";
  return Errors.empty() ? ExitOk : ExitFindings;
}

} // namespace ballast::cli
