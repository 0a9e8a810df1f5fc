//===- ReportWriter.cpp ---------------------------------------------------===//
#include "report/ReportWriter.h"

#include "report/CheckstyleWriter.h"
#include "report/GitHubWriter.h"
#include "report/GitLabWriter.h"
#include "report/JsonWriter.h"
#include "report/SarifWriter.h"
#include "report/TextWriter.h"
#include "llvm/ADT/StringSwitch.h"

namespace ballast::report {

std::optional<Format> parseFormat(llvm::StringRef Name) {
  std::string L = Name.trim().lower();
  return llvm::StringSwitch<std::optional<Format>>(L)
      .Cases("text", "tty", Format::Text)
      .Case("json", Format::Json)
      .Case("sarif", Format::Sarif)
      .Case("checkstyle", Format::Checkstyle)
      .Cases("gitlab", "gitlab_codeclimate", Format::GitLab)
      .Cases("github", "github-actions", Format::GitHub)
      .Default(std::nullopt);
}

llvm::StringRef formatName(Format F) {
  switch (F) {
  case Format::Text: return "text";
  case Format::Json: return "json";
  case Format::Sarif: return "sarif";
  case Format::Checkstyle: return "checkstyle";
  case Format::GitLab: return "gitlab";
  case Format::GitHub: return "github";
  }
  return "text";
}

llvm::ArrayRef<llvm::StringRef> formatNames() {
  static const llvm::StringRef Names[] = {"text",       "json",   "sarif",
                                          "checkstyle", "gitlab", "github"};
  return Names;
}

void writeReport(Format F, llvm::raw_ostream &OS, llvm::ArrayRef<Finding> Findings,
                 llvm::ArrayRef<RuleInfo> Rules, const ReportOptions &Opts) {
  switch (F) {
  case Format::Text: writeText(OS, Findings, Rules, Opts); return;
  case Format::Json: writeJson(OS, Findings, Rules, Opts); return;
  case Format::Sarif: writeSarif(OS, Findings, Rules, Opts); return;
  case Format::Checkstyle: writeCheckstyle(OS, Findings, Rules, Opts); return;
  case Format::GitLab: writeGitLab(OS, Findings, Rules, Opts); return;
  case Format::GitHub: writeGitHub(OS, Findings, Rules, Opts); return;
  }
}

} // namespace ballast::report
