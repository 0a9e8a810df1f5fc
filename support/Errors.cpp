//===- Errors.cpp ---------------------------------------------------------===//
#include "support/Errors.h"

#include "llvm/Support/Format.h"

namespace ballast {

std::string Diagnostic::format(const SourceFile *SF) const {
  std::string S =
      File + ":" + std::to_string(Pos.Line) + ":" + std::to_string(Pos.Column) + ": " + Message;
  if (SF && Pos.Line > 0 && Pos.Line <= SF->lineCount()) {
    llvm::StringRef Line = SF->lineText(Pos.Line);
    S += "\n" + Line.str() + "\n";
    for (unsigned I = 1; I < Pos.Column && I <= Line.size(); ++I)
      S += Line[I - 1] == '\t' ? '\t' : ' ';
    S += "^";
  }
  return S;
}

llvm::Error makeError(const llvm::Twine &Msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), Msg);
}

llvm::Error makeError(llvm::StringRef File, LineCol Pos, const llvm::Twine &Msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 File + ":" + llvm::Twine(Pos.Line) + ":" +
                                     llvm::Twine(Pos.Column) + ": " + Msg);
}

} // namespace ballast
