//===- CheckstyleWriter.cpp -----------------------------------------------===//
#include "report/CheckstyleWriter.h"

#include "report/ReportUtil.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"

namespace ballast::report {
namespace {

llvm::StringRef checkstyleSeverity(Severity S) {
  switch (S) {
  case Severity::Error: return "error";
  case Severity::Warning: return "warning";
  case Severity::Info:
  case Severity::Style:
  case Severity::None: return "info";
  }
  return "info";
}

} // namespace

std::string xmlEscape(llvm::StringRef Raw) {
  // The report says it is UTF-8: a Latin-1 byte copied from a Dockerfile would make it invalid
  // XML that checkstyle consumers reject whole.
  std::string Valid;
  llvm::StringRef Text = Raw;
  if (llvm::any_of(Raw, [](char C) { return static_cast<unsigned char>(C) >= 0x80; })) {
    Valid = toValidUtf8(Raw);
    Text = Valid;
  }
  std::string Out;
  Out.reserve(Text.size());
  for (size_t I = 0; I < Text.size(); ++I) {
    char C = Text[I];
    switch (C) {
    case '&': Out += "&amp;"; break;
    case '<': Out += "&lt;"; break;
    case '>': Out += "&gt;"; break;
    case '"': Out += "&quot;"; break;
    case '\'': Out += "&apos;"; break;
    case '\t': Out += "&#9;"; break;
    case '\n': Out += "&#10;"; break;
    case '\r': Out += "&#13;"; break;
    default:
      // XML 1.0 has no way to write the other control characters, nor U+FFFE and U+FFFF (EF BF BE
      // and EF BF BF in valid UTF-8): U+FFFD stands in for them.
      if (static_cast<unsigned char>(C) < 0x20) {
        Out += "\xEF\xBF\xBD";
      } else if (C == '\xEF' && Text.substr(I + 1, 1) == "\xBF" &&
                 (Text.substr(I + 2, 1) == "\xBE" || Text.substr(I + 2, 1) == "\xBF")) {
        Out += "\xEF\xBF\xBD";
        I += 2;
      } else {
        Out += C;
      }
    }
  }
  return Out;
}

void writeCheckstyle(llvm::raw_ostream &OS, llvm::ArrayRef<Finding> Findings,
                     llvm::ArrayRef<RuleInfo> Rules, const ReportOptions &Opts) {
  llvm::MapVector<llvm::StringRef, llvm::SmallVector<const Finding *, 8>> ByFile;
  for (const Finding &F : Findings)
    ByFile[F.File].push_back(&F);
  OS << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n";
  for (const auto &[File, Fs] : ByFile) {
    OS << "  <file name=\"" << xmlEscape(File) << "\">\n";
    for (const Finding *F : Fs) {
      OS << "    <error line=\"" << F->Begin.Line << "\" column=\"" << F->Begin.Column
         << "\" severity=\"" << checkstyleSeverity(F->Sev) << "\" message=\""
         << xmlEscape(F->Message) << "\" source=\"ballast." << xmlEscape(F->RuleId) << "\"/>\n";
    }
    OS << "  </file>\n";
  }
  OS << "</checkstyle>\n";
}

} // namespace ballast::report
