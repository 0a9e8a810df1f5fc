//===- ReadFiles.h - Read many small files in few system calls ---*- C++ -*-===//
//
// `ballast lint` reads hundreds of small files per run. One at a time that is four system calls
// a file (open, fstat, read, close). With io_uring a batch of files costs two: one for the sizes
// (statx), one for open, read and close linked per file. Anything the batch does not read as a
// plain regular file is read again one at a time, so the results are exactly readFileOrStdin's.
//
// Batching is off by default: io_uring runs statx on its worker threads (the kernel never tries
// it inline), and on the Firecracker VMs the project is measured on (Linux 6.18) handing those off
// cost more than the system calls saved: `bench/lint` in-process best of 120, 16.1 ms batched
// against 14.7 ms one file at a time; a whole `ballast lint` of the corpus 28.4 against 24.6 ms.
// On a machine where system calls are dear it may pay: BALLAST_IO_URING=1 turns it on.
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
/// readFileOrStdin would one by one ("-" reads standard input, in order). With batching on (see
/// above) the regular files among them are read in io_uring batches; a folder, a device, a pipe,
/// a file that grew while it was read and every error go through readFileOrStdin. Without
/// io_uring (batching off, a kernel before 5.19, io_uring_disabled, a seccomp profile that
/// refuses it) every file does.
void readFiles(llvm::ArrayRef<std::string> Paths, llvm::MutableArrayRef<ReadResult> Out);
/// The same for N files that live elsewhere: file K is Path(K), its result goes to Out(K).
void readFiles(size_t N, llvm::function_ref<const std::string &(size_t)> Path,
               llvm::function_ref<ReadResult &(size_t)> Out);

/// Whether readFiles batches with io_uring on this thread (for tests and benchmarks).
bool readFilesBatches();
/// Turns io_uring batching on or off for every thread (for tests and benchmarks; the default
/// comes from BALLAST_IO_URING=1).
void setReadFilesBatching(bool On);

} // namespace ballast
