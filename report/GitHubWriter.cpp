//===- GitHubWriter.cpp ---------------------------------------------------===//
#include "report/GitHubWriter.h"

#include "report/ReportUtil.h"
#include "llvm/ADT/STLExtras.h"

namespace ballast::report {
namespace {

llvm::StringRef commandFor(Severity S) {
  switch (S) {
  case Severity::Error: return "error";
  case Severity::Warning: return "warning";
  case Severity::Info:
  case Severity::Style:
  case Severity::None: return "notice";
  }
  return "notice";
}

} // namespace

std::string gitHubEscapeData(llvm::StringRef Text) {
  // The runner reads the commands as UTF-8: a Latin-1 byte from a Dockerfile is made U+FFFD here,
  // as in the other formats, rather than left to whatever the runner makes of it.
  std::string Valid;
  if (llvm::any_of(Text, [](char C) { return static_cast<unsigned char>(C) >= 0x80; })) {
    Valid = toValidUtf8(Text);
    Text = Valid;
  }
  std::string Out;
  for (char C : Text) {
    switch (C) {
    case '%': Out += "%25"; break;
    case '\r': Out += "%0D"; break;
    case '\n': Out += "%0A"; break;
    default: Out += C;
    }
  }
  return Out;
}

std::string gitHubEscapeProperty(llvm::StringRef Text) {
  std::string Out;
  for (char C : gitHubEscapeData(Text)) {
    switch (C) {
    case ':': Out += "%3A"; break;
    case ',': Out += "%2C"; break;
    default: Out += C;
    }
  }
  return Out;
}

void writeGitHub(llvm::raw_ostream &OS, llvm::ArrayRef<Finding> Findings,
                 llvm::ArrayRef<RuleInfo> Rules, const ReportOptions &Opts) {
  for (const Finding &F : Findings) {
    OS << "::" << commandFor(F.Sev)
       << " file=" << gitHubEscapeProperty(displayPath(F.File, Opts.BaseDir));
    if (F.Begin.Line != 0) {
      OS << ",line=" << F.Begin.Line;
      if (F.Begin.Column != 0)
        OS << ",col=" << F.Begin.Column;
      if (F.End.Line >= F.Begin.Line && F.End.Line != 0) {
        OS << ",endLine=" << F.End.Line;
        if (F.End.Column != 0)
          OS << ",endColumn=" << F.End.Column;
      }
    }
    OS << ",title=" << gitHubEscapeProperty(F.RuleId) << "::" << gitHubEscapeData(F.Message)
       << '\n';
  }
}

} // namespace ballast::report
