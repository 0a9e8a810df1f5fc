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

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringMap.h"

namespace ballast {

/// What readFiles gives for one path.
struct ReadResult {
  std::string Text;  ///< the file's bytes (when Error is empty)
  std::string Error; ///< "PATH: cannot read: REASON", worded as readFileOrStdin words it
  int Errno = 0;     ///< why reading failed (EISDIR: the path is a folder)
};

/// The folders one run reads files from, each opened once and shared by the run's threads, so
/// that a file is opened relative to its folder: the kernel walks one path component instead of
/// every one of the path. On ../shared/corpus-external (438 files, five components each) the
/// path walks were about 3% of a whole lint's CPU.
///
/// A folder is also listed once, when it is opened (two getdents64 calls for a small one), and
/// the listing answers the other questions a run asks about its names: which of them are
/// regular files (read without an fstat, see readFiles) and which are missing (config files,
/// `.dockerignore`s, `.git`: rules::ConfigFinder and rules::RunCache ask here before they ask
/// the file system). A run sees a folder as it was when it was first opened (like
/// rules::RunCache's answers); nothing is kept from one run to the next.
class FolderDescriptors {
public:
  /// What a folder's listing says of one name in it.
  enum class Entry : unsigned char {
    Unknown, ///< the folder was not opened, or could not be listed (too large, unreadable)
    Missing, ///< no such name in the folder
    Regular, ///< a regular file (d_type DT_REG)
    Other,   ///< anything else: a folder, a link, a device, a FIFO, a type the file system hides
  };

  FolderDescriptors();
  FolderDescriptors(const FolderDescriptors &) = delete;
  FolderDescriptors &operator=(const FolderDescriptors &) = delete;
  ~FolderDescriptors();
  /// The descriptor of Dir, opened (and listed) on first use; -1 when it cannot be opened (the
  /// caller opens the file by its whole path then, and gets the error that path gives). With
  /// Name, *Kind is what the listing says of Name.
  int get(llvm::StringRef Dir, llvm::StringRef Name = {}, Entry *Kind = nullptr);
  /// What the listing of Dir says of Name, for a folder get() opened already (Unknown for any
  /// other: this never opens one).
  Entry entry(llvm::StringRef Dir, llvm::StringRef Name);
  /// entry() for a path "DIR/NAME".
  Entry entryOfPath(llvm::StringRef Path);

  /// A listing stops being kept past this many getdents64 calls of 32 KiB (a thousand names or
  /// more): its names are asked of the file system one by one then.
  static constexpr unsigned MaxListingCalls = 4;

private:
  struct Folder {
    /// Opened and listed by the thread that added it to the table, outside the table's lock: a
    /// listing takes tens of microseconds, and the other thread slept on the lock meanwhile
    /// (about three times a lint of the corpus) when it only wanted another folder. Another
    /// thread asking for the folder before it is Ready does not wait either (it slept about
    /// once a lint, the two threads often reaching a new folder together): it is told the
    /// folder is not known, and opens its file by the whole path.
    /// Set (release) when the fields below are written; read (acquire) before they are.
    std::atomic<bool> Ready{false};
    int Fd = -1;
    bool Listed = false;
    /// The listing: its names back to back, and an open-addressing table of them (a power of
    /// two of slots, at most half full; an empty slot's Kind is Unknown). Written once, before
    /// the folder is published. Hashed with XXH3: a StringMap's byte-at-a-time hash made the
    /// listings of the corpus cost about 0.4 M instructions a run.
    std::string Names;
    struct Slot {
      uint64_t Hash = 0;
      uint32_t Offset = 0;
      uint16_t Length = 0;
      Entry Kind = Entry::Unknown;
    };
    std::vector<Slot> Table;
  };
  using FolderEntry = llvm::StringMapEntry<Folder>;
  /// The folder Dir, opened and listed when Open and not known yet; null when not known (or
  /// being opened by another thread).
  const FolderEntry *find(llvm::StringRef Dir, bool Open);
  static bool list(Folder &F);
  static Entry lookup(const Folder &F, llvm::StringRef Name);

  /// Opens and lists the folder of E, once.
  static void open(FolderEntry &E);

  std::mutex Mu;
  llvm::StringMap<Folder> Fds;
  /// Tells this object from any other in the threads' memory of the folder they asked last
  /// (find()): a run's FolderDescriptors often has the address of the last run's.
  const uint64_t Id;
};

/// Reads each of Paths into the same index of Out (Out.size() == Paths.size()), as
/// readFileOrStdin would one by one ("-" reads standard input, in order). With batching on (see
/// above) the regular files among them are read in io_uring batches; a folder, a device, a pipe,
/// a file that grew while it was read and every error go through readFileOrStdin. Without
/// io_uring (batching off, a kernel before 5.19, io_uring_disabled, a seccomp profile that
/// refuses it) every file does.
/// With Folders, a file read one at a time is opened relative to its folder's descriptor, and
/// one its folder's listing calls a regular file is read without an fstat() (open, pread,
/// close): its first short read is its end, as for any regular file. Should it have become
/// something else since (a pipe or FIFO refuses pread), it is read as readFileOrStdin reads it.
void readFiles(llvm::ArrayRef<std::string> Paths, llvm::MutableArrayRef<ReadResult> Out,
               FolderDescriptors *Folders = nullptr);
/// The same for N files that live elsewhere: file K is Path(K), its result goes to Out(K).
void readFiles(size_t N, llvm::function_ref<const std::string &(size_t)> Path,
               llvm::function_ref<ReadResult &(size_t)> Out, FolderDescriptors *Folders = nullptr);

/// Whether readFiles batches with io_uring on this thread (for tests and benchmarks).
bool readFilesBatches();
/// Turns io_uring batching on or off for every thread (for tests and benchmarks; the default
/// comes from BALLAST_IO_URING=1).
void setReadFilesBatching(bool On);

} // namespace ballast
