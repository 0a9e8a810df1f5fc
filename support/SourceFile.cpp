//===- SourceFile.cpp -----------------------------------------------------===//
#include "support/SourceFile.h"

#include <algorithm>

namespace ballast {

SourceFile::SourceFile(std::string P, std::string T) : Path(std::move(P)), Text(std::move(T)) {
  LineStarts.push_back(0);
  for (uint32_t I = 0, E = static_cast<uint32_t>(Text.size()); I < E; ++I)
    if (Text[I] == '\n' && I + 1 < E)
      LineStarts.push_back(I + 1);
}

LineCol SourceFile::lineCol(uint32_t Offset) const {
  auto It = std::upper_bound(LineStarts.begin(), LineStarts.end(), Offset);
  unsigned Line = static_cast<unsigned>(It - LineStarts.begin());
  return {Line, Offset - LineStarts[Line - 1] + 1};
}

uint32_t SourceFile::lineStart(unsigned Line) const {
  if (Line == 0)
    return 0;
  if (Line > LineStarts.size())
    return static_cast<uint32_t>(Text.size());
  return LineStarts[Line - 1];
}

llvm::StringRef SourceFile::lineText(unsigned Line) const {
  uint32_t B = lineStart(Line);
  llvm::StringRef Rest = llvm::StringRef(Text).drop_front(B);
  return Rest.take_until([](char C) { return C == '\n'; }).rtrim('\r');
}

} // namespace ballast
