//===- AtomicFile.cpp -----------------------------------------------------===//
#include "support/AtomicFile.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support/Errors.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

namespace ballast {

llvm::Error writeFileAtomically(llvm::StringRef Path, llvm::StringRef Content, unsigned Mode) {
  std::string P = Path.str();
  struct stat St;
  if (::stat(P.c_str(), &St) == 0)
    Mode = St.st_mode & 07777;
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

llvm::Expected<std::string> readFileOrStdin(llvm::StringRef Path) {
  auto Buf = Path == "-" ? llvm::MemoryBuffer::getSTDIN() : llvm::MemoryBuffer::getFile(Path);
  if (!Buf)
    return makeError(Path + ": cannot read: " + Buf.getError().message());
  return (*Buf)->getBuffer().str();
}

} // namespace ballast
