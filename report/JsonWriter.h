//===- JsonWriter.h - Machine-readable findings ------------------*- C++ -*-===//
#pragma once

#include "report/ReportWriter.h"

namespace ballast::report {

/// Writes `{"findings": [{"file", "line", "column", "end_line", "end_column", "rule", "aliases",
/// "severity", "message", "fix"?}]}` with keys in that order. A fix is `{"title", "edits":
/// [{"offset", "length", "replacement", "line", "column", "end_line", "end_column"}]}`; the
/// line/column keys of an edit appear only when the file is in Opts.Sources.
void writeJson(llvm::raw_ostream &OS, llvm::ArrayRef<Finding> Findings,
               llvm::ArrayRef<RuleInfo> Rules, const ReportOptions &Opts);

} // namespace ballast::report
