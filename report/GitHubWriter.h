//===- GitHubWriter.h - GitHub Actions workflow commands ---------*- C++ -*-===//
#pragma once

#include <string>

#include "report/ReportWriter.h"

namespace ballast::report {

/// Escapes a workflow command's message: `%`, CR and LF (as actions/toolkit's escapeData);
/// invalid UTF-8 becomes U+FFFD (toValidUtf8).
std::string gitHubEscapeData(llvm::StringRef Text);

/// Escapes a workflow command's property value: as gitHubEscapeData plus `:` and `,`.
std::string gitHubEscapeProperty(llvm::StringRef Text);

/// Writes one `::error|warning|notice file=F,line=L,col=C,endLine=..,endColumn=..,title=ID::msg`
/// line per finding; info and style findings become notices.
void writeGitHub(llvm::raw_ostream &OS, llvm::ArrayRef<Finding> Findings,
                 llvm::ArrayRef<RuleInfo> Rules, const ReportOptions &Opts);

} // namespace ballast::report
