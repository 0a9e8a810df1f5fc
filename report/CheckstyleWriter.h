//===- CheckstyleWriter.h - Checkstyle XML (as hadolint writes it) -*- C++ -*-===//
#pragma once

#include <string>

#include "report/ReportWriter.h"

namespace ballast::report {

/// Escapes Text for an XML attribute value in double quotes: `& < > " '`, tab, newline and
/// carriage return become references; invalid UTF-8 (toValidUtf8) and the other characters XML
/// 1.0 forbids (control characters, U+FFFE, U+FFFF) become U+FFFD.
std::string xmlEscape(llvm::StringRef Text);

/// Writes `<checkstyle version="4.3">` with one `<file name>` per file (in order of first
/// finding) holding `<error line column severity message source="ballast.ID"/>`; style maps to
/// checkstyle's "info".
void writeCheckstyle(llvm::raw_ostream &OS, llvm::ArrayRef<Finding> Findings,
                     llvm::ArrayRef<RuleInfo> Rules, const ReportOptions &Opts);

} // namespace ballast::report
