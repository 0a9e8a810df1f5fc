//===- TextWriter.cpp -----------------------------------------------------===//
#include "report/TextWriter.h"

#include <optional>

#include "report/ReportUtil.h"

namespace ballast::report {
namespace {

constexpr const char *Reset = "\x1b[0m";
constexpr const char *Bold = "\x1b[1m";
constexpr const char *Green = "\x1b[1;32m";

const char *severityColor(Severity S) {
  switch (S) {
  case Severity::Error: return "\x1b[1;31m";
  case Severity::Warning: return "\x1b[1;33m";
  case Severity::Info: return "\x1b[1;36m";
  case Severity::Style:
  case Severity::None: return "\x1b[1;90m";
  }
  return "\x1b[1;90m";
}

void writeLocation(llvm::raw_ostream &OS, llvm::StringRef File, LineCol At, bool Color) {
  if (Color)
    OS << Bold;
  OS << File << ':';
  if (At.Line != 0) {
    OS << At.Line << ':';
    if (At.Column != 0)
      OS << At.Column << ':';
  }
  if (Color)
    OS << Reset;
}

/// Prints the source line of From and marks [From, To) with a caret and tildes; a range that
/// continues on later lines is marked to the end of the first line.
void writeSnippet(llvm::raw_ostream &OS, const SourceFile &SF, LineCol From, LineCol To,
                  bool Color) {
  if (From.Line == 0 || From.Line > SF.lineCount())
    return;
  llvm::StringRef Line = SF.lineText(From.Line);
  unsigned Start = From.Column == 0 ? 0 : From.Column - 1;
  if (Start > Line.size())
    Start = static_cast<unsigned>(Line.size());
  unsigned Stop = To.Line == From.Line ? (To.Column == 0 ? 0 : To.Column - 1)
                                       : static_cast<unsigned>(Line.size());
  if (Stop > Line.size())
    Stop = static_cast<unsigned>(Line.size());
  OS << Line << '\n';
  std::string Marks;
  for (unsigned I = 0; I < Start; ++I)
    Marks += Line[I] == '\t' ? '\t' : ' ';
  Marks += '^';
  for (unsigned I = Start + 1; I < Stop; ++I)
    Marks += '~';
  if (Color)
    OS << Green << Marks << Reset << '\n';
  else
    OS << Marks << '\n';
}

} // namespace

void writeText(llvm::raw_ostream &OS, llvm::ArrayRef<Finding> Findings,
               llvm::ArrayRef<RuleInfo> Rules, const ReportOptions &Opts) {
  std::optional<RuleTable> Table; // made at the first fix
  for (const Finding &F : Findings) {
    writeLocation(OS, F.File, F.Begin, Opts.Color);
    OS << ' ';
    llvm::StringRef Sev = F.Sev == Severity::None ? "info" : severityName(F.Sev);
    if (Opts.Color)
      OS << severityColor(F.Sev) << Sev << Reset;
    else
      OS << Sev;
    OS << '[' << F.RuleId << "]: " << F.Message;
    if (F.FixIt) {
      if (!Table)
        Table.emplace(Rules);
      OS << (Table->lookup(F.RuleId).Fixes == FixSafety::Unsafe ? " [fixable with --unsafe-fixes]"
                                                                : " [fixable]");
    }
    OS << '\n';
    const SourceFile *SF = Opts.Snippets ? sourceFor(Opts, F.File) : nullptr;
    if (SF)
      writeSnippet(OS, *SF, F.Begin, F.End, Opts.Color);
    for (const Note &N : F.Notes) {
      writeLocation(OS, F.File, N.Begin, Opts.Color);
      OS << ' ';
      if (Opts.Color)
        OS << "\x1b[1;90m"
           << "note" << Reset;
      else
        OS << "note";
      OS << ": " << N.Message << '\n';
      if (SF) {
        LineCol To = SF->lineCol(N.Range.End);
        writeSnippet(OS, *SF, N.Begin, To, Opts.Color);
      }
    }
  }
}

} // namespace ballast::report
