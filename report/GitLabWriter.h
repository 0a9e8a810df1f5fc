//===- GitLabWriter.h - GitLab Code Quality report ---------------*- C++ -*-===//
#pragma once

#include "report/ReportWriter.h"

namespace ballast::report {

/// Writes a GitLab Code Quality JSON array of `{"description", "check_name", "fingerprint",
/// "severity", "location": {"path", "lines": {"begin"}}}`. Severity maps style -> info,
/// info -> minor, warning -> major, error -> critical; the fingerprint is stable across runs
/// (rule, path, the trimmed source line and its occurrence index).
void writeGitLab(llvm::raw_ostream &OS, llvm::ArrayRef<Finding> Findings,
                 llvm::ArrayRef<RuleInfo> Rules, const ReportOptions &Opts);

} // namespace ballast::report
