//===- UniqueFd.h - An owned file descriptor, and errno errors ---*- C++ -*-===//
#pragma once

#include <cerrno>
#include <cstring>
#include <unistd.h>

#include "support/Errors.h"

namespace ballast {

/// A file descriptor closed on destruction.
struct UniqueFd {
  int F = -1;
  UniqueFd() = default;
  explicit UniqueFd(int F) : F(F) {}
  UniqueFd(UniqueFd &&O) noexcept : F(O.F) { O.F = -1; }
  UniqueFd &operator=(UniqueFd &&O) noexcept {
    reset();
    F = O.F;
    O.F = -1;
    return *this;
  }
  UniqueFd(const UniqueFd &) = delete;
  UniqueFd &operator=(const UniqueFd &) = delete;
  ~UniqueFd() { reset(); }
  void reset() {
    if (F >= 0)
      ::close(F);
    F = -1;
  }
  explicit operator bool() const { return F >= 0; }
};

/// `What: strerror(Err)` as an llvm::Error.
inline llvm::Error errnoError(const llvm::Twine &What, int Err = errno) {
  return makeError(What + ": " + std::strerror(Err));
}

} // namespace ballast
