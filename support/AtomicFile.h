//===- AtomicFile.h - Replace a file atomically ------------------*- C++ -*-===//
#pragma once

#include <string>

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace ballast {

/// Writes Content to a temporary file beside Path, fsyncs it, keeps Path's mode when it exists
/// (else uses Mode), and renames it over Path. On failure Path is untouched. A symlink is
/// followed (the link stays, its target is replaced); a path that exists and is not a regular
/// file (/dev/null, /dev/stdout, a FIFO) is written in place, never replaced.
llvm::Error writeFileAtomically(llvm::StringRef Path, llvm::StringRef Content,
                                unsigned Mode = 0644);

/// Reads a whole file; "-" reads standard input. On failure, *Errno (when given) is the
/// reason: EISDIR for a folder, ENOENT for a missing path...
llvm::Expected<std::string> readFileOrStdin(llvm::StringRef Path, int *Errno = nullptr);
/// Reads the whole file Name, relative to the folder DirFd (AT_FDCWD: the current folder) as
/// openat() takes it; errors name it Path. Otherwise as readFileOrStdin (no standard input).
llvm::Expected<std::string> readFileAt(int DirFd, const char *Name, llvm::StringRef Path,
                                       int *Errno = nullptr);

/// Reads the open file Fd to its end as readFileAt does (Regular: a regular file of Size bytes,
/// read by one read() that comes up short, or more if it grew); errors name it Path.
llvm::Expected<std::string> readOpenFile(int Fd, bool Regular, size_t Size, llvm::StringRef Path,
                                         int *Errno = nullptr);
/// S resized to N bytes whose new bytes are left unwritten, for read() or pread() to fill:
/// resize() would zero-fill every file's buffer first.
void resizeForOverwrite(std::string &S, size_t N);

} // namespace ballast
