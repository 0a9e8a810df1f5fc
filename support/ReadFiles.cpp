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
#include <fcntl.h>
#include <linux/io_uring.h>
#include <memory>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "support/AtomicFile.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/ErrorHandling.h"

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

void readOne(const std::string &Path, ReadResult &Out, FolderDescriptors *Folders) {
  auto Read = [&]() -> llvm::Expected<std::string> {
    // "name" is read as it is; "dir/name" relative to dir ("/" for "/name"); a path that ends
    // in '/' names a folder and is left to the plain path.
    size_t Slash = Path.rfind('/');
    if (Folders && Slash != std::string::npos && Slash + 1 < Path.size())
      if (int DirFd = Folders->get(llvm::StringRef(Path).take_front(Slash == 0 ? 1 : Slash));
          DirFd >= 0)
        return readFileAt(DirFd, Path.c_str() + Slash + 1, Path, &Out.Errno);
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
    if (E.second >= 0)
      ::close(E.second);
}

int FolderDescriptors::get(llvm::StringRef Dir) {
  // The files of a folder mostly come one after another: the folder asked last is answered
  // without the lock or the StringMap's hash of the whole path (about 400 instructions a file).
  if (const llvm::StringMapEntry<int> *L = Last.load(std::memory_order_acquire);
      L && L->getKey() == Dir)
    return L->second;
  std::lock_guard<std::mutex> Lock(Mu);
  auto [It, New] = Fds.try_emplace(Dir, -1);
  if (New) {
    llvm::SmallString<256> Z(Dir);
    It->second = ::open(Z.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  }
  Last.store(&*It, std::memory_order_release);
  return It->second;
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
