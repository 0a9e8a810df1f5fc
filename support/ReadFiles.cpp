//===- ReadFiles.cpp ------------------------------------------------------===//
//
// io_uring without liburing (not among our dependencies): the three system calls and the ring
// layout come from the kernel's UAPI header. Every thread that reads keeps one small ring for
// the life of the thread; a batch is at most BatchFiles files.
//
//===----------------------------------------------------------------------===//
#include "support/ReadFiles.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <memory>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "support/AtomicFile.h"
#include "support/UniqueFd.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/ErrorHandling.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace ballast {

namespace {

/// Files per batch; each takes three submissions (open, read, close) and one direct descriptor
/// slot of the ring's file table.
constexpr unsigned BatchFiles = 64;
constexpr unsigned RingEntries = 4 * BatchFiles;

/// One thread's io_uring: a submission and a completion queue mapped from the kernel, and a
/// table of BatchFiles direct descriptors (files opened into the ring, never into the process's
/// descriptor table, so they cannot leak into a child).
class Ring {
public:
  Ring() {
    io_uring_params P{};
    int F = static_cast<int>(::syscall(__NR_io_uring_setup, RingEntries, &P));
    if (F < 0)
      return;
    SqSize = P.sq_off.array + P.sq_entries * sizeof(unsigned);
    CqSize = P.cq_off.cqes + P.cq_entries * sizeof(io_uring_cqe);
    SqeSize = P.sq_entries * sizeof(io_uring_sqe);
    SqMap = ::mmap(nullptr, SqSize, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, F,
                   IORING_OFF_SQ_RING);
    CqMap = ::mmap(nullptr, CqSize, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, F,
                   IORING_OFF_CQ_RING);
    SqeMap = ::mmap(nullptr, SqeSize, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, F,
                    IORING_OFF_SQES);
    // A sparse table of direct descriptors; this (Linux 5.19) is also the newest feature used,
    // so a kernel that accepts it has every operation below.
    io_uring_rsrc_register Files{};
    Files.nr = BatchFiles;
    Files.flags = IORING_RSRC_REGISTER_SPARSE;
    if (SqMap == MAP_FAILED || CqMap == MAP_FAILED || SqeMap == MAP_FAILED ||
        ::syscall(__NR_io_uring_register, F, IORING_REGISTER_FILES2, &Files, sizeof(Files)) < 0) {
      unmap();
      ::close(F);
      return;
    }
    auto *Sq = static_cast<char *>(SqMap), *Cq = static_cast<char *>(CqMap);
    SqTail = reinterpret_cast<unsigned *>(Sq + P.sq_off.tail);
    SqMask = *reinterpret_cast<unsigned *>(Sq + P.sq_off.ring_mask);
    SqArray = reinterpret_cast<unsigned *>(Sq + P.sq_off.array);
    CqHead = reinterpret_cast<unsigned *>(Cq + P.cq_off.head);
    CqTail = reinterpret_cast<unsigned *>(Cq + P.cq_off.tail);
    CqMask = *reinterpret_cast<unsigned *>(Cq + P.cq_off.ring_mask);
    Cqes = reinterpret_cast<io_uring_cqe *>(Cq + P.cq_off.cqes);
    Sqes = static_cast<io_uring_sqe *>(SqeMap);
    Tail = *SqTail;
    Fd = F;
  }
  ~Ring() {
    if (Fd < 0)
      return;
    unmap();
    ::close(Fd);
  }
  Ring(const Ring &) = delete;
  Ring &operator=(const Ring &) = delete;

  bool ok() const { return Fd >= 0; }

  /// A cleared submission entry, queued for the next run().
  io_uring_sqe &queue() {
    unsigned Index = Tail & SqMask;
    io_uring_sqe &S = Sqes[Index];
    std::memset(&S, 0, sizeof(S));
    SqArray[Index] = Index;
    ++Tail;
    ++Queued;
    return S;
  }

  /// Submits what is queued and hands every completion to F until all of them came back.
  /// False when the kernel took none of it (nothing is in flight then).
  bool run(llvm::function_ref<void(const io_uring_cqe &)> F) {
    __atomic_store_n(SqTail, Tail, __ATOMIC_RELEASE);
    unsigned ToSubmit = Queued, Left = Queued, Failures = 0;
    Queued = 0;
    while (Left > 0) {
      long N =
          ::syscall(__NR_io_uring_enter, Fd, ToSubmit, Left, IORING_ENTER_GETEVENTS, nullptr, 0);
      if (N < 0) {
        if (errno == EINTR)
          continue;
        if (ToSubmit == Left) // nothing was taken: the caller reads another way
          return false;
        // Entries are in flight and write into the caller's buffers: their completions must
        // be waited for, and nothing may be freed before. The kernel fails such a wait only
        // for EINTR; should it keep failing otherwise, stopping beats hanging or going on.
        if (++Failures == 1000)
          llvm::report_fatal_error(llvm::Twine("io_uring: cannot wait for reads in flight: ") +
                                   std::strerror(errno));
        continue;
      }
      Failures = 0;
      ToSubmit -= std::min<unsigned>(ToSubmit, static_cast<unsigned>(N));
      unsigned Head = *CqHead;
      unsigned End = __atomic_load_n(CqTail, __ATOMIC_ACQUIRE);
      for (; Head != End; ++Head, --Left)
        F(Cqes[Head & CqMask]);
      __atomic_store_n(CqHead, Head, __ATOMIC_RELEASE);
    }
    return true;
  }

private:
  void unmap() {
    if (SqMap != MAP_FAILED)
      ::munmap(SqMap, SqSize);
    if (CqMap != MAP_FAILED)
      ::munmap(CqMap, CqSize);
    if (SqeMap != MAP_FAILED)
      ::munmap(SqeMap, SqeSize);
  }

  int Fd = -1;
  void *SqMap = MAP_FAILED, *CqMap = MAP_FAILED, *SqeMap = MAP_FAILED;
  size_t SqSize = 0, CqSize = 0, SqeSize = 0;
  unsigned *SqTail = nullptr, *SqArray = nullptr, *CqHead = nullptr, *CqTail = nullptr;
  unsigned SqMask = 0, CqMask = 0;
  io_uring_sqe *Sqes = nullptr;
  io_uring_cqe *Cqes = nullptr;
  unsigned Tail = 0, Queued = 0;
};

/// Whether readFiles batches through io_uring: off unless BALLAST_IO_URING=1 is in the
/// environment or setReadFilesBatching(true) was called.
std::atomic<int> &batchingSetting() {
  static std::atomic<int> Setting{[] {
    const char *E = std::getenv("BALLAST_IO_URING");
    return E && llvm::StringRef(E) == "1" ? 1 : 0;
  }()};
  return Setting;
}

/// This thread's ring, made on first use; null when batching is off or io_uring cannot be
/// used.
Ring *threadRing() {
  if (!batchingSetting().load(std::memory_order_relaxed))
    return nullptr;
  thread_local std::unique_ptr<Ring> R = [] {
    auto New = std::make_unique<Ring>();
    return New->ok() ? std::move(New) : nullptr;
  }();
  return R.get();
}

/// Reads Name in DirFd, which the folder's listing calls a regular file: open, pread, close,
/// with no fstat() for its type or size. The text is read straight into a string of
/// FirstRead bytes (no file of ../shared/corpus-external reaches it; a larger one is read on
/// into a string that doubles) to its first short read, as readFileAt reads a regular file
/// (one that grew is read on). pread also checks the listing: a pipe or a FIFO (the name was
/// replaced since) refuses it, and is then read to its end by read().
llvm::Expected<std::string> readListedFile(int DirFd, const char *Name, llvm::StringRef Path,
                                           int *Errno) {
  auto Fail = [&](int Err) {
    if (Errno)
      *Errno = Err;
    return errnoError(Path + ": cannot read", Err);
  };
  UniqueFd Fd(::openat(DirFd, Name, O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!Fd)
    return Fail(errno);
  // One byte less than a power of two: with its terminator the string is one 16 KiB block.
  constexpr size_t FirstRead = (size_t(16) << 10) - 1;
  std::string Text;
  resizeForOverwrite(Text, FirstRead);
  size_t Len = 0;
  while (true) {
    ssize_t N = ::pread(Fd.F, Text.data() + Len, Text.size() - Len, off_t(Len));
    if (N < 0 && errno == EINTR)
      continue;
    if (N < 0) {
      if (errno != ESPIPE || Len != 0)
        return Fail(errno); // EISDIR for a folder, as readFileAt's fstat would tell
      struct stat St;
      if (::fstat(Fd.F, &St) != 0)
        return Fail(errno);
      return readOpenFile(Fd.F, S_ISREG(St.st_mode), size_t(St.st_size), Path, Errno);
    }
    Len += size_t(N);
    // A short read of a regular file is its end.
    if (N == 0 || Len < Text.size())
      break;
    resizeForOverwrite(Text, Text.size() * 2 + 1);
  }
  Text.resize(Len);
  return Text;
}

void readOne(const std::string &Path, ReadResult &Out, FolderDescriptors *Folders) {
  auto Read = [&]() -> llvm::Expected<std::string> {
    // "name" is read as it is; "dir/name" relative to dir ("/" for "/name"); a path that ends
    // in '/' names a folder and is left to the plain path.
    size_t Slash = Path.rfind('/');
    if (Folders && Slash != std::string::npos && Slash + 1 < Path.size()) {
      const char *Name = Path.c_str() + Slash + 1;
      FolderDescriptors::Entry Kind;
      if (int DirFd = Folders->get(llvm::StringRef(Path).take_front(Slash == 0 ? 1 : Slash),
                                   llvm::StringRef(Name, Path.size() - Slash - 1), &Kind);
          DirFd >= 0)
        return Kind == FolderDescriptors::Entry::Regular
                   ? readListedFile(DirFd, Name, Path, &Out.Errno)
                   : readFileAt(DirFd, Name, Path, &Out.Errno);
    }
    return readFileOrStdin(Path, &Out.Errno);
  };
  llvm::Expected<std::string> Text = Read();
  if (Text)
    Out.Text = std::move(*Text);
  else
    Out.Error = llvm::toString(Text.takeError());
}

/// Reads up to BatchFiles paths through R; marks in Done the ones it read.
void readBatch(Ring &R, size_t First, size_t N,
               llvm::function_ref<const std::string &(size_t)> PathOf,
               llvm::function_ref<ReadResult &(size_t)> OutOf, bool *Done) {
  // The sizes first, so each file is read straight into its string by one read that comes up
  // short (one byte more than the size): a read that fills it means the file grew.
  struct statx Stx[BatchFiles];
  bool Regular[BatchFiles] = {};
  for (unsigned K = 0; K < N; ++K) {
    if (PathOf(First + K) == "-")
      continue;
    io_uring_sqe &S = R.queue();
    S.opcode = IORING_OP_STATX;
    S.fd = AT_FDCWD;
    S.addr = reinterpret_cast<uint64_t>(PathOf(First + K).c_str());
    S.len = STATX_TYPE | STATX_SIZE;
    S.off = reinterpret_cast<uint64_t>(&Stx[K]);
    S.user_data = K;
  }
  if (!R.run([&](const io_uring_cqe &C) {
        unsigned K = static_cast<unsigned>(C.user_data);
        // Larger files than a read's length can say are left to readFileOrStdin.
        Regular[K] = C.res == 0 && S_ISREG(Stx[K].stx_mode) && Stx[K].stx_size < (1U << 30);
      }))
    return;
  enum : uint64_t { Open, Read, Close };
  unsigned Queued = 0;
  for (unsigned K = 0; K < N; ++K) {
    if (!Regular[K])
      continue;
    OutOf(First + K).Text.resize(Stx[K].stx_size + 1);
    // open into direct descriptor slot K -> read (the chain stops here when open failed) ->
    // close; the read is hard-linked so the close runs even though the read comes up short.
    io_uring_sqe &O = R.queue();
    O.opcode = IORING_OP_OPENAT;
    O.fd = AT_FDCWD;
    O.addr = reinterpret_cast<uint64_t>(PathOf(First + K).c_str());
    O.open_flags = O_RDONLY | O_NOCTTY;
    O.file_index = K + 1;
    O.flags = IOSQE_IO_LINK;
    O.user_data = uint64_t(K) << 2 | Open;
    io_uring_sqe &Rd = R.queue();
    Rd.opcode = IORING_OP_READ;
    Rd.fd = static_cast<int>(K);
    Rd.flags = IOSQE_FIXED_FILE | IOSQE_IO_HARDLINK;
    Rd.addr = reinterpret_cast<uint64_t>(OutOf(First + K).Text.data());
    Rd.len = static_cast<unsigned>(OutOf(First + K).Text.size());
    Rd.user_data = uint64_t(K) << 2 | Read;
    io_uring_sqe &Cl = R.queue();
    Cl.opcode = IORING_OP_CLOSE;
    Cl.file_index = K + 1;
    Cl.user_data = uint64_t(K) << 2 | Close;
    ++Queued;
  }
  if (Queued == 0)
    return;
  int ReadLen[BatchFiles];
  std::fill(ReadLen, ReadLen + BatchFiles, -1);
  if (!R.run([&](const io_uring_cqe &C) {
        if ((C.user_data & 3) == Read)
          ReadLen[C.user_data >> 2] = C.res;
      }))
    return;
  for (unsigned K = 0; K < N; ++K) {
    if (!Regular[K])
      continue;
    // A failed open cancels the read (negative); a read that filled the buffer met a file
    // that grew: both are read again one at a time.
    if (ReadLen[K] < 0 || size_t(ReadLen[K]) == OutOf(First + K).Text.size())
      continue;
    OutOf(First + K).Text.resize(size_t(ReadLen[K]));
    Done[K] = true;
  }
}

} // namespace

FolderDescriptors::~FolderDescriptors() {
  for (const auto &E : Fds)
    if (E.second.Fd >= 0)
      ::close(E.second.Fd);
}

bool FolderDescriptors::list(Folder &F) {
  alignas(8) char Buf[32 << 10];
  // The names found so far, before the table is sized for them (kept by the thread, so that a
  // listing allocates only what it keeps).
  thread_local std::vector<Folder::Slot> Items;
  Items.clear();
  for (unsigned Call = 0; Call < MaxListingCalls;) {
    ssize_t N = ::getdents64(F.Fd, Buf, sizeof(Buf));
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0) {
      if (N < 0)
        break;
      // Complete: the table gets twice as many slots as names (at least 16).
      size_t Size = 16;
      while (Size < 2 * Items.size())
        Size *= 2;
      F.Table.resize(Size);
      for (const Folder::Slot &I : Items) {
        size_t At = I.Hash & (Size - 1);
        while (F.Table[At].Kind != Entry::Unknown)
          At = (At + 1) & (Size - 1);
        F.Table[At] = I;
      }
      return true;
    }
    ++Call;
    // A record takes at least 24 bytes, and holds its name and more.
    F.Names.reserve(F.Names.size() + size_t(N));
    Items.reserve(Items.size() + size_t(N) / 24);
    for (ssize_t At = 0; At < N;) {
      const auto *D = reinterpret_cast<const dirent64 *>(Buf + At);
      At += D->d_reclen;
      llvm::StringRef Name(D->d_name);
      if (Name == "." || Name == ".." || Name.size() > UINT16_MAX)
        continue;
      Folder::Slot I;
      I.Hash = XXH3_64bits(Name.data(), Name.size());
      I.Offset = static_cast<uint32_t>(F.Names.size());
      I.Length = static_cast<uint16_t>(Name.size());
      I.Kind = D->d_type == DT_REG ? Entry::Regular : Entry::Other;
      F.Names.append(Name.data(), Name.size());
      Items.push_back(I);
    }
  }
  F.Names.clear();
  return false;
}

namespace {
std::atomic<uint64_t> LastFolderDescriptorsId{0};
/// The folder a thread asked for last, and of which FolderDescriptors (by Id).
struct LastFolder {
  uint64_t Owner = 0;
  const void *Entry = nullptr;
};
thread_local LastFolder LastAsked;
} // namespace

FolderDescriptors::FolderDescriptors()
    : Id(LastFolderDescriptorsId.fetch_add(1, std::memory_order_relaxed) + 1) {}

void FolderDescriptors::open(FolderEntry &E) {
  // Opened for reading, so that the descriptor both lists the folder and opens its files; a
  // folder that may be searched but not read is opened O_PATH (and not listed).
  llvm::SmallString<256> Z(E.getKey());
  Folder &F = E.second;
  F.Fd = ::open(Z.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (F.Fd >= 0)
    F.Listed = list(F);
  else if (errno == EACCES)
    F.Fd = ::open(Z.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  F.Ready.store(true, std::memory_order_release);
}

const FolderDescriptors::FolderEntry *FolderDescriptors::find(llvm::StringRef Dir, bool Open) {
  // The files of a folder mostly come one after another: the folder this thread asked last is
  // answered without the lock or the StringMap's hash of the whole path (about 400
  // instructions a file). Kept per thread: one kept for both, the two threads linting files of
  // different folders took turns to replace it and both took the lock for nearly every file.
  LastFolder &L = LastAsked;
  if (L.Owner == Id) {
    const auto *E = static_cast<const FolderEntry *>(L.Entry);
    if (E->getKey() == Dir)
      return E;
  }
  FolderEntry *E;
  bool New = false;
  {
    std::lock_guard<std::mutex> Lock(Mu);
    if (Open) {
      auto Added = Fds.try_emplace(Dir);
      E = &*Added.first;
      New = Added.second;
    } else {
      auto It = Fds.find(Dir);
      if (It == Fds.end())
        return nullptr;
      E = &*It;
    }
  }
  if (New)
    open(*E);
  else if (!E->second.Ready.load(std::memory_order_acquire))
    return nullptr; // being opened by another thread
  L.Owner = Id;
  L.Entry = E;
  return E;
}

FolderDescriptors::Entry FolderDescriptors::lookup(const Folder &F, llvm::StringRef Name) {
  // "." and ".." are left out of a listing, and "" names the folder itself.
  if (!F.Listed || Name.empty() || Name == "." || Name == "..")
    return Entry::Unknown;
  uint64_t Hash = XXH3_64bits(Name.data(), Name.size());
  size_t Mask = F.Table.size() - 1;
  for (size_t At = Hash & Mask;; At = (At + 1) & Mask) {
    const Folder::Slot &S = F.Table[At];
    if (S.Kind == Entry::Unknown)
      return Entry::Missing;
    if (S.Hash == Hash && llvm::StringRef(F.Names.data() + S.Offset, S.Length) == Name)
      return S.Kind;
  }
}

int FolderDescriptors::get(llvm::StringRef Dir, llvm::StringRef Name, Entry *Kind) {
  const FolderEntry *E = find(Dir, /*Open=*/true);
  if (Kind)
    *Kind = E ? lookup(E->second, Name) : Entry::Unknown;
  return E ? E->second.Fd : -1;
}

FolderDescriptors::Entry FolderDescriptors::entry(llvm::StringRef Dir, llvm::StringRef Name) {
  const FolderEntry *E = find(Dir, /*Open=*/false);
  return E ? lookup(E->second, Name) : Entry::Unknown;
}

FolderDescriptors::Entry FolderDescriptors::entryOfPath(llvm::StringRef Path) {
  size_t Slash = Path.rfind('/');
  if (Slash == llvm::StringRef::npos || Slash + 1 == Path.size())
    return Entry::Unknown;
  return entry(Path.take_front(Slash == 0 ? 1 : Slash), Path.drop_front(Slash + 1));
}

bool readFilesBatches() { return threadRing() != nullptr; }

void setReadFilesBatching(bool On) { batchingSetting().store(On ? 1 : 0); }

void readFiles(llvm::ArrayRef<std::string> Paths, llvm::MutableArrayRef<ReadResult> Out,
               FolderDescriptors *Folders) {
  readFiles(
      Paths.size(), [&](size_t K) -> const std::string & { return Paths[K]; },
      [&](size_t K) -> ReadResult & { return Out[K]; }, Folders);
}

void readFiles(size_t N, llvm::function_ref<const std::string &(size_t)> Path,
               llvm::function_ref<ReadResult &(size_t)> Out, FolderDescriptors *Folders) {
  bool Done[BatchFiles];
  for (size_t Begin = 0; Begin < N; Begin += BatchFiles) {
    size_t Count = std::min<size_t>(BatchFiles, N - Begin);
    std::fill(Done, Done + Count, false);
    if (Ring *R = threadRing())
      readBatch(*R, Begin, Count, Path, Out, Done);
    for (size_t K = 0; K < Count; ++K)
      if (!Done[K]) {
        ReadResult &O = Out(Begin + K);
        O = ReadResult();
        readOne(Path(Begin + K), O, Folders);
      }
  }
}

} // namespace ballast
