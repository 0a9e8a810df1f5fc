//===- AsciiCase.h - Compare with a lower-case word in any case --*- C++ -*-===//
#pragma once

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"

namespace ballast {

/// Whether S equals Lower (written in lower case) in any ASCII case, compared in place: no
/// lower-cased copy of S. Inline, unlike StringRef::equals_insensitive, whose out-of-line
/// compare cost more than the few bytes of a keyword, flag or stage name it compares.
inline bool equalsLower(llvm::StringRef S, llvm::StringRef Lower) {
  if (S.size() != Lower.size())
    return false;
  for (size_t I = 0; I < S.size(); ++I)
    if (llvm::toLower(S[I]) != Lower[I])
      return false;
  return true;
}

} // namespace ballast
