//===- SourceFile.cpp -----------------------------------------------------===//
#include "support/SourceFile.h"

#include <algorithm>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if BALLAST_WIDE_LINE_SCAN
#include <immintrin.h>
#endif

namespace ballast {

namespace {

#if BALLAST_WIDE_LINE_SCAN
bool wideLineScanAvailable() {
  __builtin_cpu_init(); // (this may run before the constructor that would have done it)
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi");
}
#endif

/// Writes the line starts a mask's bits give, the bits being offsets from At - 1. Inline in
/// both block loops: in the AVX2 one, the bit tests are BMI's (tzcnt, blsr).
__attribute__((always_inline)) inline void emitStarts(uint32_t *&Out, uint64_t Mask, uint32_t At) {
  for (; Mask; Mask &= Mask - 1)
    *Out++ = At + static_cast<uint32_t>(__builtin_ctzll(Mask));
}

#if BALLAST_WIDE_LINE_SCAN
/// The constructor's loop over the 128-byte blocks of [Q, E) (all but the last) with AVX2: 32
/// bytes a compare where SSE2 takes 16, and half as many masks to merge; returns where it
/// stopped. Grow is called when a block could overflow the table, which is written at Out.
template <typename GrowFn>
__attribute__((target("avx2,bmi"))) const char *wideBlocks(const char *B, const char *Q,
                                                           const char *E, uint32_t *&Out,
                                                           uint32_t *&Full, GrowFn Grow) {
  const __m256i Nl = _mm256_set1_epi8('\n');
  // The cursor and the bound in registers (Grow moves both).
  uint32_t *O = Out, *F = Full;
  for (; E - Q > 128; Q += 128) {
    if (O > F) {
      Out = O;
      Grow(128);
      O = Out, F = Full;
    }
    const auto *V = reinterpret_cast<const __m256i *>(Q);
    auto M0 =
        static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_loadu_si256(V), Nl)));
    auto M1 = static_cast<uint32_t>(
        _mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_loadu_si256(V + 1), Nl)));
    auto M2 = static_cast<uint32_t>(
        _mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_loadu_si256(V + 2), Nl)));
    auto M3 = static_cast<uint32_t>(
        _mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_loadu_si256(V + 3), Nl)));
    const auto At = static_cast<uint32_t>(Q - B) + 1;
    emitStarts(O, uint64_t(M0) | uint64_t(M1) << 32, At);
    emitStarts(O, uint64_t(M2) | uint64_t(M3) << 32, At + 64);
  }
  Out = O;
  return Q;
}
#endif

} // namespace

#if BALLAST_WIDE_LINE_SCAN
bool detail::WideLineScan = wideLineScanAvailable();
#else
bool detail::WideLineScan = false;
#endif

SourceFile::SourceFile(std::string P, std::string T) : Path(std::move(P)), Text(std::move(T)) {
  // One line per 16 bytes covers 95% of the external corpus (a median line is 32 bytes), so most
  // files fill the table without regrowing it and none reserves much more than a quarter of its
  // size, plus the room a block of 128 bytes asks for before it is read (without it, every file
  // under 2 KB grew its table at its first block). The table is left uninitialized: only the
  // lines found are written.
  size_t Cap = Text.size() / 16 + 2 + 128;
  LineStarts = std::make_unique_for_overwrite<uint32_t[]>(Cap);
  // The table is written through a raw cursor (a push_back checks the capacity for every line);
  // it grows only when a block could overflow it.
  uint32_t *Out = LineStarts.get(), *OutEnd = Out + Cap;
  // Past it, a block of 128 bytes could overflow the table (a pointer compare per block, where
  // the room left was a subtraction and a shift). Cap is at least 130 and only grows.
  uint32_t *Full = OutEnd - 128;
  auto Grow = [&](size_t Need) {
    size_t Used = size_t(Out - LineStarts.get());
    Cap = std::max(Cap * 2, Used + Need);
    auto Bigger = std::make_unique_for_overwrite<uint32_t[]>(Cap);
    std::memcpy(Bigger.get(), LineStarts.get(), Used * sizeof(uint32_t));
    LineStarts = std::move(Bigger);
    Out = LineStarts.get() + Used;
    OutEnd = LineStarts.get() + Cap;
    Full = OutEnd - 128;
  };
  *Out++ = 0;
  const char *B = Text.data(), *E = B + Text.size();
  const char *Q = B;
#if defined(__SSE2__)
  // A block's newlines as a bit mask (four compares of sixteen bytes for sixty-four), so a line
  // costs a few instructions where a memchr call per line cost dozens. The loop takes two blocks
  // at a time (a median line is 32 bytes): its own work (the bound and capacity tests, the
  // block's offset) is paid once per four lines or so. Then one block of sixty-four and one of
  // thirty-two if they fit; the last byte is left to the loop below (a newline there starts no
  // line).
  const __m128i Nl = _mm_set1_epi8('\n');
  auto NewlinesAt = [&](const char *P) {
    __m128i V = _mm_loadu_si128(reinterpret_cast<const __m128i *>(P));
    return static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(V, Nl))));
  };
  auto Block64 = [&](const char *P) {
    return NewlinesAt(P) | NewlinesAt(P + 16) << 16 | NewlinesAt(P + 32) << 32 |
           NewlinesAt(P + 48) << 48;
  };
  auto Emit = [&](uint64_t Mask, uint32_t At) { emitStarts(Out, Mask, At); };
#if BALLAST_WIDE_LINE_SCAN
  if (detail::WideLineScan)
    Q = wideBlocks(B, Q, E, Out, Full, Grow);
#endif
  for (; E - Q > 128; Q += 128) {
    if (Out > Full)
      Grow(128);
    uint64_t Lo = Block64(Q), Hi = Block64(Q + 64);
    const auto At = static_cast<uint32_t>(Q - B) + 1;
    Emit(Lo, At);
    Emit(Hi, At + 64);
  }
  if (E - Q > 64) {
    if (OutEnd - Out < 64)
      Grow(64);
    Emit(Block64(Q), static_cast<uint32_t>(Q - B) + 1);
    Q += 64;
  }
  if (E - Q > 32) {
    if (OutEnd - Out < 32)
      Grow(32);
    Emit(NewlinesAt(Q) | NewlinesAt(Q + 16) << 16, static_cast<uint32_t>(Q - B) + 1);
    Q += 32;
  }
#endif
  for (; (Q = static_cast<const char *>(std::memchr(Q, '\n', E - Q)));) {
    if (++Q == E)
      break;
    if (Out == OutEnd)
      Grow(1);
    *Out++ = static_cast<uint32_t>(Q - B);
  }
  NumLines = static_cast<unsigned>(Out - LineStarts.get());
  // The end of the last line, so a walk over the table needs no test for it.
  if (Out == OutEnd)
    Grow(1);
  *Out = static_cast<uint32_t>(Text.size());
}

LineCol SourceFile::lineCol(uint32_t Offset) const {
  // The last line start at or before Offset (LineStarts[0] is 0, so there is one), by a binary
  // search whose steps depend on the table's size only: the compare feeds a conditional move,
  // not a branch, and costs no mispredictions.
  const uint32_t *Base = LineStarts.get();
  for (size_t N = NumLines; N > 1;) {
    size_t Half = N / 2;
    Base = Base[Half] <= Offset ? Base + Half : Base;
    N -= Half;
  }
  return {static_cast<unsigned>(Base - LineStarts.get()) + 1, Offset - *Base + 1};
}

llvm::StringRef SourceFile::lineText(unsigned Line) const {
  uint32_t B = lineStart(Line);
  llvm::StringRef Rest = llvm::StringRef(Text).drop_front(B);
  return Rest.take_front(Rest.find('\n')).rtrim('\r');
}

} // namespace ballast
