//===- SarifValidate.h - Run the SARIF multitool validator -------*- C++ -*-===//
//
// A test helper kept in the library so any test (writer, CLI, corpus) can check SARIF output
// against Microsoft's validator with the SARIF and GitHub rule sets.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>
#include <vector>

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace ballast::report {

/// What the validator reported about one SARIF file.
struct SarifValidation {
  unsigned Errors = 0;
  unsigned Warnings = 0;
  unsigned Notes = 0;
  /// One `level RULE: message` line per reported problem, notes included.
  std::vector<std::string> Messages;
};

/// The validator below SourceDir/tools/node/node_modules: the native Sarif.Multitool binary
/// when present, else the npm wrapper; empty when neither is installed.
std::string findSarifValidator(llvm::StringRef SourceDir);

/// Validates the SARIF file at Path with `validate --rule-kind Gh;Sarif` of the validator at
/// Validator (as found by findSarifValidator) and counts what it reports; an error when the
/// validator cannot be run or its output cannot be read.
llvm::Expected<SarifValidation> validateSarifFile(llvm::StringRef Path, llvm::StringRef Validator);

} // namespace ballast::report
