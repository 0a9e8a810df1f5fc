//===- HistoryCommand.cpp - `ballast history` / `ballast image history` ---===//
#include <ctime>

#include "cli/ImageCommon.h"
#include "store/Inspect.h"
#include "llvm/Support/raw_ostream.h"

namespace ballast::cli {

namespace {
const FlagSpec HistoryFlags[] = {
    {"human", 'H', true, "print sizes and dates in human readable format (default true)", "BOOL"},
    {"no-trunc", 0, false, "do not truncate output"},
    {"quiet", 'q', false, "only show image IDs"},
    {"format", 0, true, "'table', 'json', or a Go template", "FORMAT"},
    RootFlag,
    HelpFlag,
};
} // namespace

int runHistory(const std::vector<std::string> &Argv) {
  int Exit = 0;
  auto A = parseCommand("history", "[OPTIONS] IMAGE", "Show the history of an image.", HistoryFlags,
                        Argv, Exit);
  if (!A)
    return Exit;
  if (A->positional().size() != 1)
    return usageError("history", "requires exactly 1 argument; usage: ballast history IMAGE");
  std::string HumanFlag = A->get("human").value_or("true");
  if (HumanFlag != "true" && HumanFlag != "false")
    return usageError("history", "--human takes true or false, not " + HumanFlag);
  bool Human = HumanFlag == "true";
  auto S = openStore(*A);
  if (!S)
    return failure(S.takeError());
  auto Img = (*S)->image(A->positional()[0]);
  if (!Img)
    return failure(Img.takeError());
  auto Hist = store::imageHistory(**Img, **S);
  if (!Hist)
    return failure(Hist.takeError());
  bool NoTrunc = A->flag("no-trunc");
  int64_t Now = static_cast<int64_t>(std::time(nullptr));
  std::vector<nlohmann::json> Rows;
  for (auto &H : *Hist) {
    nlohmann::json J;
    std::string Id = H.Id;
    if (!NoTrunc && Id != "<missing>")
      Id = llvm::StringRef(Id).drop_front(7).take_front(12).str();
    J["ID"] = Id;
    J["CreatedAt"] = H.Created;
    J["CreatedSince"] = Human ? store::createdSince(H.Created, Now) : H.Created;
    std::string By = H.CreatedBy;
    std::replace(By.begin(), By.end(), '\t', ' ');
    J["CreatedBy"] = NoTrunc ? By : store::ellipsis(By, 45);
    J["Size"] = Human ? store::humanSize(H.Size) : std::to_string(H.Size);
    J["Comment"] = H.Comment;
    Rows.push_back(std::move(J));
  }
  if (A->flag("quiet")) {
    for (auto &J : Rows)
      llvm::outs() << J["ID"].get<std::string>() << "\n";
    return ExitOk;
  }
  std::string Format = A->get("format").value_or("");
  if (Format == "json") {
    for (auto &J : Rows)
      llvm::outs() << goJson(J.dump()) << "\n";
    return ExitOk;
  }
  if (Format.empty() || Format == "table")
    Format = "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}";
  nlohmann::json Headers = {{"ID", "IMAGE"},
                            {"CreatedAt", "CREATED AT"},
                            {"CreatedSince", "CREATED"},
                            {"CreatedBy", "CREATED BY"},
                            {"Size", "SIZE"},
                            {"Comment", "COMMENT"}};
  auto Out = renderRows(Format, Rows, Headers);
  if (!Out)
    return usageError("history", "--format: " + llvm::toString(Out.takeError()));
  llvm::outs() << *Out;
  return ExitOk;
}

} // namespace ballast::cli
