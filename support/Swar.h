//===- Swar.h - Eight bytes at a time in a 64-bit word -----------*- C++ -*-===//
//
// The "SIMD within a register" tests the scanners share (the variable expander's literal-word
// check, the JSON writer's plain-byte run): load eight bytes, and ask whether one of them is a
// given byte or has its high bit set.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <cstring>

namespace ballast::swar {

/// 0x01 in every byte.
constexpr uint64_t Ones = 0x0101010101010101ULL;
/// 0x80 in every byte: a byte at or above 0x80 (non-ASCII) has its bit here.
constexpr uint64_t Highs = 0x8080808080808080ULL;

/// The eight bytes at P (unaligned).
inline uint64_t load(const char *P) {
  uint64_t W;
  std::memcpy(&W, P, 8);
  return W;
}

/// Nonzero when some byte of V is zero (as a yes/no answer it has no false positives).
constexpr uint64_t hasZeroByte(uint64_t V) { return (V - Ones) & ~V & Highs; }

/// Nonzero when some byte of W is C.
constexpr uint64_t hasByte(uint64_t W, unsigned char C) { return hasZeroByte(W ^ (Ones * C)); }

} // namespace ballast::swar
