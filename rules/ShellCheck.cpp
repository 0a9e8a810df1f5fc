//===- ShellCheck.cpp -----------------------------------------------------===//
#include "rules/ShellCheck.h"

#include <nlohmann/json.hpp>

#include "support/Subprocess.h"
#include "llvm/ADT/StringExtras.h"

namespace ballast::rules {

using dockerfile::InstrKind;
using dockerfile::Instruction;

namespace {

/// The shellcheck dialect of a SHELL instruction's first element, or "" when not a POSIX shell.
std::string dialectOf(llvm::StringRef Prog) {
  llvm::StringRef Base = Prog.rsplit('/').second.empty() ? Prog : Prog.rsplit('/').second;
  if (Base == "bash")
    return "bash";
  if (Base == "sh" || Base == "ash" || Base == "dash")
    return "sh";
  if (Base == "ksh" || Base == "mksh")
    return "ksh";
  return "";
}

struct Piece {
  const Instruction *Run;
  llvm::StringRef Text;
  unsigned FirstLine; ///< line of the combined script where Text starts
};

/// The byte offset in Line of shellcheck's 1-based column (tabs advance to the next multiple of
/// 8, as shellcheck counts them).
uint32_t byteOfColumn(llvm::StringRef Line, unsigned Col) {
  unsigned C = 1;
  uint32_t B = 0;
  while (B < Line.size() && C < Col) {
    C = Line[B] == '\t' ? ((C - 1) / 8 + 1) * 8 + 1 : C + 1;
    ++B;
  }
  return B;
}

} // namespace

std::vector<Finding> runShellCheck(const Model &M) {
  std::vector<Finding> Out;
  // Group scripts by dialect (one shellcheck run per dialect in the file, usually one).
  std::map<std::string, std::pair<std::string, std::vector<Piece>>> ByDialect;
  // The dialect of the stage so far, and of each stage at its end: a stage built FROM another
  // runs its RUNs with the SHELL that one left, as it inherits its WORKDIR and USER.
  std::string Dialect = "sh";
  std::vector<std::string> StageDialect(M.stages().Stages.size(), "sh");
  int Cur = -1;
  std::set<std::string> Names; // ENV/ARG names seen so far, exported to quiet SC2154
  for (const Instruction &I : M.file().Instructions) {
    if (I.Kind == InstrKind::From) {
      const dockerfile::Stage *St = M.stages().stageOf(&I);
      Cur = St ? int(St->Index) : -1;
      Dialect = "sh";
      if (St && St->BaseStage >= 0 && size_t(St->BaseStage) < StageDialect.size())
        Dialect = StageDialect[St->BaseStage];
      if (Cur >= 0 && size_t(Cur) < StageDialect.size())
        StageDialect[Cur] = Dialect;
      continue;
    }
    if (I.Kind == InstrKind::Shell && I.IsJson && !I.Args.empty()) {
      Dialect = dialectOf(I.Args[0].Text);
      if (Cur >= 0 && size_t(Cur) < StageDialect.size())
        StageDialect[Cur] = Dialect;
      continue;
    }
    if (I.Kind == InstrKind::Env)
      for (const dockerfile::KeyValue &P : I.Pairs)
        Names.insert(P.Key.Text);
    if (I.Kind == InstrKind::Arg)
      for (const dockerfile::Word &W : I.Args)
        Names.insert(llvm::StringRef(W.Text).split('=').first.str());
    const Instruction *Run = &I;
    if (I.Kind == InstrKind::Onbuild && I.Child)
      Run = I.Child.get();
    if (Run->Kind != InstrKind::Run || Dialect.empty())
      continue;
    const shell::Script *S = M.script(*Run);
    if (!S)
      continue;
    auto &[Text, Pieces] = ByDialect[Dialect];
    if (Text.empty())
      Text = "#!/bin/" + Dialect + "\n";
    for (const std::string &N : Names)
      if (!N.empty() && (llvm::isAlpha(N[0]) || N[0] == '_'))
        Text += "export " + N + "=\"\"\n";
    Text += "(\n";
    unsigned Line = unsigned(std::count(Text.begin(), Text.end(), '\n')) + 1;
    Pieces.push_back({Run, S->text(), Line});
    Text += S->text().str();
    if (!S->text().endswith("\n"))
      Text += "\n";
    Text += ")\n";
  }
  for (auto &[D, TP] : ByDialect) {
    auto &[Text, Pieces] = TP;
    auto R = runProcess({"shellcheck", "--format=json1", "--shell=" + D, "--norc",
                         "--exclude=SC1090,SC1091,SC2187", "-"},
                        Text);
    if (!R) {
      llvm::consumeError(R.takeError());
      continue;
    }
    nlohmann::json J = nlohmann::json::parse(R->Out, nullptr, /*allow_exceptions=*/false);
    if (!J.is_object() || !J.contains("comments"))
      continue;
    for (const auto &C : J["comments"]) {
      unsigned L = C.value("line", 0u), Col = C.value("column", 1u);
      unsigned EL = C.value("endLine", L), ECol = C.value("endColumn", Col);
      const Piece *P = nullptr;
      for (const Piece &Q : Pieces)
        if (Q.FirstLine <= L)
          P = &Q;
      if (!P)
        continue;
      unsigned LinesInPiece = unsigned(P->Text.count('\n')) + 1;
      if (L >= P->FirstLine + LinesInPiece)
        continue; // in our wrapper, not in the user's script
      auto Offset = [&](unsigned Ln, unsigned Cl) {
        unsigned K = Ln - P->FirstLine;
        size_t Start = 0;
        for (unsigned I = 0; I < K; ++I) {
          size_t N = P->Text.find('\n', Start);
          if (N == llvm::StringRef::npos)
            return uint32_t(P->Text.size());
          Start = N + 1;
        }
        llvm::StringRef LineText =
            P->Text.substr(Start).take_until([](char Ch) { return Ch == '\n'; });
        return uint32_t(Start + byteOfColumn(LineText, Cl));
      };
      uint32_t B = Offset(L, Col);
      uint32_t E = EL < P->FirstLine + LinesInPiece ? Offset(EL, ECol) : uint32_t(P->Text.size());
      if (E < B)
        E = B;
      Finding F;
      F.RuleId = "SC" + std::to_string(C.value("code", 0));
      std::string Level = C.value("level", "warning");
      F.Sev = parseSeverity(Level).value_or(Severity::Warning);
      F.Message = C.value("message", "");
      F.Range = M.scriptToSource(*P->Run, SourceRange(B, E));
      Out.push_back(std::move(F));
    }
  }
  return Out;
}

} // namespace ballast::rules
