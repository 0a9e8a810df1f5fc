//===- Errors.h - Located errors as llvm::Error values -----------*- C++ -*-===//
#pragma once

#include <string>

#include "support/SourceFile.h"
#include "llvm/Support/Error.h"

namespace ballast {

/// A problem at a place in a file; printed as `file:line:col: message`.
struct Diagnostic {
  std::string File;
  LineCol Pos;
  SourceRange Range;
  std::string Message;
  /// `file:line:col: message`, then the source line and a caret when SF is given.
  std::string format(const SourceFile *SF = nullptr) const;
};

/// An llvm::Error with a message, no location.
llvm::Error makeError(const llvm::Twine &Msg);
/// An llvm::Error `file:line:col: message`.
llvm::Error makeError(llvm::StringRef File, LineCol Pos, const llvm::Twine &Msg);

} // namespace ballast
