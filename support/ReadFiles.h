//===- ReadFiles.h - Read many small files in few system calls ---*- C++ -*-===//
//
// `ballast lint` reads hundreds of small files per run. One at a time that is four system calls
// a file (open, fstat, read, close), and on a virtual machine every system call is dear. With
// io_uring a batch of files costs two: one for the sizes (statx), one for open, read and close
// linked per file. Anything the batch does not read as a plain regular file is read again one
// at a time, so the results are exactly readFileOrStdin's.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace ballast {

/// What readFiles gives for one path.
struct ReadResult {
  std::string Text;  ///< the file's bytes (when Error is empty)
  std::string Error; ///< "PATH: cannot read: REASON", worded as readFileOrStdin words it
  int Errno = 0;     ///< why reading failed (EISDIR: the path is a folder)
};

/// Reads each of Paths into the same index of Out (Out.size() == Paths.size()), as
/// readFileOrStdin would one by one ("-" reads standard input, in order). With io_uring the
/// regular files among them are read in batches; a folder, a device, a pipe, a file that grew
/// while it was read and every error go through readFileOrStdin. Without io_uring (a kernel
/// before 5.19, io_uring_disabled, a seccomp profile that refuses it, or BALLAST_NO_IO_URING set
/// in the environment) every file does.
void readFiles(llvm::ArrayRef<std::string> Paths, llvm::MutableArrayRef<ReadResult> Out);
/// The same for N files that live elsewhere: file K is Path(K), its result goes to Out(K).
void readFiles(size_t N, llvm::function_ref<const std::string &(size_t)> Path,
               llvm::function_ref<ReadResult &(size_t)> Out);

/// Whether readFiles batches with io_uring on this thread (for tests and benchmarks).
bool readFilesBatches();

} // namespace ballast
