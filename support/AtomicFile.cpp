//===- AtomicFile.cpp -----------------------------------------------------===//
#include "support/AtomicFile.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "support/Errors.h"
#include "support/UniqueFd.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

namespace ballast {

namespace {

#if defined(__GLIBCXX__) && _GLIBCXX_USE_CXX11_ABI &&                                              \
    !defined(__cpp_lib_string_resize_and_overwrite)
/// libstdc++'s std::string::_M_set_length(N): the size becomes N and the terminator is written,
/// the bytes before are left as they are. It is private; an explicit instantiation may name a
/// private member (C++20 [temp.spec.general]/6), which is how its address is taken here.
void setLength(std::string &S, size_t N);
template <void (std::string::*SetLength)(size_t)> struct SetLengthOf {
  friend void setLength(std::string &S, size_t N) { (S.*SetLength)(N); }
};
template struct SetLengthOf<&std::string::_M_set_length>;
#endif

/// Writes Content straight into an existing file that is not a regular file (a device such as
/// /dev/null or /dev/stdout, a FIFO): renaming over it would replace the device node itself.
llvm::Error writeInPlace(const std::string &P, llvm::StringRef Content) {
  int Fd = ::open(P.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
  if (Fd < 0)
    return makeError("cannot open " + P + ": " + std::strerror(errno));
  const char *D = Content.data();
  size_t Left = Content.size();
  while (Left > 0) {
    ssize_t N = ::write(Fd, D, Left);
    if (N < 0 && errno == EINTR)
      continue;
    if (N < 0) {
      int E = errno;
      ::close(Fd);
      return makeError("cannot write " + P + ": " + std::strerror(E));
    }
    D += N;
    Left -= static_cast<size_t>(N);
  }
  if (::close(Fd) != 0)
    return makeError("cannot close " + P + ": " + std::strerror(errno));
  return llvm::Error::success();
}
} // namespace

/// S resized to N bytes whose new bytes are left unwritten, for read() to fill: resize()
/// zero-filled each file's buffer first, a pass over every byte of the corpus (about 1.5 M
/// instructions of memset a lint run) before the read wrote them all again.
void resizeForOverwrite(std::string &S, size_t N) {
#if defined(__cpp_lib_string_resize_and_overwrite)
  S.resize_and_overwrite(N, [](char *, size_t Size) { return Size; });
#elif defined(__GLIBCXX__) && _GLIBCXX_USE_CXX11_ABI
  if (N > S.size()) {
    S.reserve(N);
    setLength(S, N);
  } else {
    S.resize(N);
  }
#else
  S.resize(N);
#endif
}

llvm::Error writeFileAtomically(llvm::StringRef Path, llvm::StringRef Content, unsigned Mode) {
  std::string P = Path.str();
  // A symlink stays a link: the file it points at is the one replaced.
  struct stat St;
  if (::lstat(P.c_str(), &St) == 0 && S_ISLNK(St.st_mode)) {
    llvm::SmallString<256> Real;
    if (!llvm::sys::fs::real_path(P, Real))
      P = Real.str().str();
  }
  if (::stat(P.c_str(), &St) == 0) {
    if (!S_ISREG(St.st_mode))
      return writeInPlace(P, Content);
    Mode = St.st_mode & 07777;
  }
  llvm::SmallString<256> Tmp(llvm::sys::path::parent_path(P));
  if (Tmp.empty())
    Tmp = ".";
  llvm::sys::path::append(Tmp, "." + llvm::sys::path::filename(P) + ".ballast-XXXXXX");
  std::string TmpPath = Tmp.str().str();
  int Fd = ::mkstemp(TmpPath.data());
  if (Fd < 0)
    return makeError("cannot create a temporary file beside " + P + ": " + std::strerror(errno));
  auto Fail = [&](const char *What) {
    int E = errno;
    ::close(Fd);
    ::unlink(TmpPath.c_str());
    return makeError(llvm::Twine(What) + " " + P + ": " + std::strerror(E));
  };
  const char *D = Content.data();
  size_t Left = Content.size();
  while (Left > 0) {
    ssize_t N = ::write(Fd, D, Left);
    if (N < 0) {
      if (errno == EINTR)
        continue;
      return Fail("cannot write");
    }
    D += N;
    Left -= static_cast<size_t>(N);
  }
  if (::fchmod(Fd, Mode) != 0 || ::fsync(Fd) != 0)
    return Fail("cannot sync");
  if (::close(Fd) != 0) {
    ::unlink(TmpPath.c_str());
    return makeError("cannot close " + TmpPath);
  }
  if (::rename(TmpPath.c_str(), P.c_str()) != 0) {
    int E = errno;
    ::unlink(TmpPath.c_str());
    return makeError("cannot replace " + P + ": " + std::strerror(E));
  }
  return llvm::Error::success();
}

llvm::Expected<std::string> readFileOrStdin(llvm::StringRef Path, int *Errno) {
  if (Path == "-") {
    auto Buf = llvm::MemoryBuffer::getSTDIN();
    if (!Buf) {
      if (Errno)
        *Errno = Buf.getError().value();
      return makeError(Path + ": cannot read: " + Buf.getError().message());
    }
    return (*Buf)->getBuffer().str();
  }
  llvm::SmallString<256> Name(Path);
  return readFileAt(AT_FDCWD, Name.c_str(), Path, Errno);
}

llvm::Expected<std::string> readFileAt(int DirFd, const char *Name, llvm::StringRef Path,
                                       int *Errno) {
  auto Fail = [&](int Err) {
    if (Errno)
      *Errno = Err;
    return errnoError(Path + ": cannot read", Err);
  };
  // open, fstat, read, close: a lint reads hundreds of small files, and MemoryBuffer::getFile
  // added two sigprocmask calls per file (its signal-safe close) and an mmap for larger ones.
  UniqueFd Fd(::openat(DirFd, Name, O_RDONLY | O_CLOEXEC | O_NOCTTY));
  struct stat St;
  if (!Fd || ::fstat(Fd.F, &St) != 0)
    return Fail(errno);
  if (S_ISDIR(St.st_mode))
    return Fail(EISDIR);
  return readOpenFile(Fd.F, S_ISREG(St.st_mode), size_t(St.st_size), Path, Errno);
}

llvm::Expected<std::string> readOpenFile(int Fd, bool Regular, size_t Size, llvm::StringRef Path,
                                         int *Errno) {
  std::string Text;
  // One byte more than the size, so a regular file is read by one read() that comes up short.
  resizeForOverwrite(Text, Regular ? Size + 1 : size_t(64) << 10);
  size_t Len = 0;
  while (true) {
    if (Len == Text.size())
      resizeForOverwrite(Text, Text.size() * 2);
    ssize_t N = ::read(Fd, Text.data() + Len, Text.size() - Len);
    if (N < 0 && errno == EINTR)
      continue;
    if (N < 0) {
      int Err = errno;
      if (Errno)
        *Errno = Err;
      return errnoError(Path + ": cannot read", Err);
    }
    if (N == 0)
      break;
    Len += size_t(N);
    // A short read of a regular file is its end (a file that grew is read on).
    if (Regular && Len < Text.size())
      break;
  }
  Text.resize(Len);
  return Text;
}

} // namespace ballast
