//===- SarifWriter.h - SARIF 2.1.0 for code-scanning services ----*- C++ -*-===//
//
// Output that the SARIF multitool validator accepts with no error or warning under its SARIF and
// GitHub rule sets: rules with help and security-severity, relative URIs under %SRCROOT%,
// partialFingerprints, fixes.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "report/ReportWriter.h"

namespace ballast::report {

/// The uriBaseId every relative artifact location refers to.
inline constexpr llvm::StringLiteral SarifSrcRoot = "%SRCROOT%";

/// The partialFingerprints key GitHub code scanning uses to follow an alert across commits; its
/// value is computed with GitHub's own algorithm (gitHubLineHashes), and only when the source is
/// known, so that the upload action never finds an inconsistent value.
inline constexpr llvm::StringLiteral SarifLineHashKey = "primaryLocationLineHash";

/// Our own partialFingerprints key, always present: md5 of rule, relative path and the trimmed
/// source line (the message without a source), first 16 hex digits, ":" and the occurrence.
inline constexpr llvm::StringLiteral SarifBallastHashKey = "ballastLineHash/v1";

/// Writes one SARIF 2.1.0 log with a single run of tool "ballast". Only rules that have a
/// result are described. Paths under Opts.BaseDir become relative URIs with uriBaseId
/// %SRCROOT%; columns are UTF-16 code units when the source is known (bytes otherwise). Fixes
/// use line/column regions when the source is known and byteOffset/byteLength otherwise.
void writeSarif(llvm::raw_ostream &OS, llvm::ArrayRef<Finding> Findings,
                llvm::ArrayRef<RuleInfo> Rules, const ReportOptions &Opts);

} // namespace ballast::report
