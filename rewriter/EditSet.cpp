//===- EditSet.cpp --------------------------------------------------------===//
#include "rewriter/EditSet.h"

#include <algorithm>

#include "llvm/ADT/SmallVector.h"

namespace ballast::rewriter {

bool EditSet::overlaps(const TextEdit &E) const {
  for (const TextEdit &O : Edits) {
    // Two insertions at the same point conflict (their order would be arbitrary).
    if (E.Range.empty() && O.Range.empty() && E.Range.Begin == O.Range.Begin)
      return true;
    if (E.Range.Begin < O.Range.End && O.Range.Begin < E.Range.End)
      return true;
    // An insertion strictly inside a replaced range conflicts too.
    if (E.Range.empty() && E.Range.Begin > O.Range.Begin && E.Range.Begin < O.Range.End)
      return true;
    if (O.Range.empty() && O.Range.Begin > E.Range.Begin && O.Range.Begin < E.Range.End)
      return true;
  }
  return false;
}

bool EditSet::add(const TextEdit &E) {
  if (overlaps(E))
    return false;
  auto It =
      std::upper_bound(Edits.begin(), Edits.end(), E, [](const TextEdit &A, const TextEdit &B) {
        return A.Range.Begin < B.Range.Begin ||
               (A.Range.Begin == B.Range.Begin && A.Range.End < B.Range.End);
      });
  Edits.insert(It, E);
  return true;
}

bool EditSet::addFix(const Fix &F) {
  for (size_t I = 0; I < F.Edits.size(); ++I)
    for (size_t J = I + 1; J < F.Edits.size(); ++J) {
      EditSet Probe;
      Probe.add(F.Edits[I]);
      if (Probe.overlaps(F.Edits[J]))
        return false;
    }
  for (const TextEdit &E : F.Edits)
    if (overlaps(E))
      return false;
  for (const TextEdit &E : F.Edits)
    add(E);
  return true;
}

std::string EditSet::apply(llvm::StringRef Text) const {
  std::string Out;
  Out.reserve(Text.size());
  uint32_t Pos = 0;
  for (const TextEdit &E : Edits) {
    if (E.Range.Begin > Text.size())
      break;
    Out.append(Text.data() + Pos, E.Range.Begin - Pos);
    Out += E.Replacement;
    Pos = std::min<uint32_t>(E.Range.End, uint32_t(Text.size()));
  }
  Out.append(Text.data() + Pos, Text.size() - Pos);
  return Out;
}

namespace {

std::vector<llvm::StringRef> splitLines(llvm::StringRef T) {
  std::vector<llvm::StringRef> L;
  while (!T.empty()) {
    size_t N = T.find('\n');
    if (N == llvm::StringRef::npos) {
      L.push_back(T);
      break;
    }
    L.push_back(T.take_front(N + 1));
    T = T.drop_front(N + 1);
  }
  return L;
}

} // namespace

std::string unifiedDiff(llvm::StringRef Path, llvm::StringRef Before, llvm::StringRef After) {
  if (Before == After)
    return "";
  std::vector<llvm::StringRef> A = splitLines(Before), B = splitLines(After);
  // Trim the common prefix and suffix, then an LCS table on the middle (Dockerfiles are small).
  size_t Pre = 0;
  while (Pre < A.size() && Pre < B.size() && A[Pre] == B[Pre])
    ++Pre;
  size_t Suf = 0;
  while (Suf < A.size() - Pre && Suf < B.size() - Pre &&
         A[A.size() - 1 - Suf] == B[B.size() - 1 - Suf])
    ++Suf;
  size_t N = A.size() - Pre - Suf, M = B.size() - Pre - Suf;
  std::vector<std::vector<uint32_t>> L(N + 1, std::vector<uint32_t>(M + 1, 0));
  for (size_t I = N; I-- > 0;)
    for (size_t J = M; J-- > 0;)
      L[I][J] = A[Pre + I] == B[Pre + J] ? L[I + 1][J + 1] + 1 : std::max(L[I + 1][J], L[I][J + 1]);
  // Ops over the whole files: ' ' keep, '-' delete, '+' insert, with their line indices.
  struct Op {
    char K;
    size_t AI, BI;
  };
  std::vector<Op> Ops;
  for (size_t I = 0; I < Pre; ++I)
    Ops.push_back({' ', I, I});
  size_t I = 0, J = 0;
  while (I < N || J < M) {
    if (I < N && J < M && A[Pre + I] == B[Pre + J]) {
      Ops.push_back({' ', Pre + I, Pre + J});
      ++I, ++J;
    } else if (I < N && (J == M || L[I + 1][J] >= L[I][J + 1])) {
      Ops.push_back({'-', Pre + I, Pre + J});
      ++I;
    } else {
      Ops.push_back({'+', Pre + I, Pre + J});
      ++J;
    }
  }
  for (size_t K = 0; K < Suf; ++K)
    Ops.push_back({' ', Pre + N + K, Pre + M + K});

  std::string Out = "--- a/" + Path.str() + "\n+++ b/" + Path.str() + "\n";
  const size_t Ctx = 3;
  size_t K = 0;
  while (K < Ops.size()) {
    if (Ops[K].K == ' ') {
      ++K;
      continue;
    }
    size_t Start = K >= Ctx ? K - Ctx : 0;
    size_t End = K;
    // Extend while changes are within 2*Ctx of each other.
    size_t Last = K;
    for (size_t P = K; P < Ops.size(); ++P) {
      if (Ops[P].K != ' ')
        Last = P;
      else if (P - Last > 2 * Ctx)
        break;
    }
    End = std::min(Ops.size(), Last + Ctx + 1);
    size_t AStart = Ops[Start].AI, BStart = Ops[Start].BI, ACount = 0, BCount = 0;
    std::string Body;
    for (size_t P = Start; P < End; ++P) {
      llvm::StringRef Line = Ops[P].K == '+' ? B[Ops[P].BI] : A[Ops[P].AI];
      if (Ops[P].K != '+')
        ++ACount;
      if (Ops[P].K != '-')
        ++BCount;
      Body += Ops[P].K;
      Body += Line.str();
      if (!Line.endswith("\n"))
        Body += "\n\\ No newline at end of file\n";
    }
    Out += "@@ -" + std::to_string(ACount ? AStart + 1 : AStart) + "," + std::to_string(ACount) +
           " +" + std::to_string(BCount ? BStart + 1 : BStart) + "," + std::to_string(BCount) +
           " @@\n" + Body;
    K = End;
  }
  return Out;
}

} // namespace ballast::rewriter
