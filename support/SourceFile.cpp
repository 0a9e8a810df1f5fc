//===- SourceFile.cpp -----------------------------------------------------===//
#include "support/SourceFile.h"

#include <algorithm>
#include <cstring>

namespace ballast {

SourceFile::SourceFile(std::string P, std::string T) : Path(std::move(P)), Text(std::move(T)) {
  // One line per 16 bytes covers 95% of the external corpus (a median line is 32 bytes), so most
  // files fill the table without regrowing it and none reserves much more than a quarter of its
  // size.
  LineStarts.reserve(Text.size() / 16 + 2);
  LineStarts.push_back(0);
  const char *B = Text.data(), *E = B + Text.size();
  for (const char *P = B; (P = static_cast<const char *>(std::memchr(P, '\n', E - P)));) {
    if (++P == E)
      break;
    LineStarts.push_back(static_cast<uint32_t>(P - B));
  }
}

LineCol SourceFile::lineCol(uint32_t Offset) const {
  auto It = std::upper_bound(LineStarts.begin(), LineStarts.end(), Offset);
  unsigned Line = static_cast<unsigned>(It - LineStarts.begin());
  return {Line, Offset - LineStarts[Line - 1] + 1};
}

llvm::StringRef SourceFile::lineText(unsigned Line) const {
  uint32_t B = lineStart(Line);
  llvm::StringRef Rest = llvm::StringRef(Text).drop_front(B);
  return Rest.take_front(Rest.find('\n')).rtrim('\r');
}

} // namespace ballast
