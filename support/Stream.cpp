//===- Stream.cpp - Pull-style byte streams -------------------------------===//
#include "support/Stream.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include "support/Errors.h"

namespace ballast {

Reader::~Reader() = default;

llvm::Expected<std::string> readAll(Reader &R, uint64_t Limit) {
  std::string Out;
  char Buf[65536];
  for (;;) {
    auto N = R.read(Buf, sizeof Buf);
    if (!N)
      return N.takeError();
    if (*N == 0)
      return Out;
    if (Out.size() + *N > Limit)
      return makeError("stream is larger than " + llvm::Twine(Limit) + " bytes");
    Out.append(Buf, *N);
  }
}

namespace {
class StringReader : public Reader {
public:
  explicit StringReader(std::string B) : Bytes(std::move(B)) {}
  llvm::Expected<size_t> read(char *Buf, size_t Len) override {
    size_t N = std::min(Len, Bytes.size() - Pos);
    memcpy(Buf, Bytes.data() + Pos, N);
    Pos += N;
    return N;
  }

private:
  std::string Bytes;
  size_t Pos = 0;
};

class FdReader : public Reader {
public:
  explicit FdReader(int Fd) : Fd(Fd) {}
  ~FdReader() override {
    if (Fd >= 0)
      ::close(Fd);
  }
  llvm::Expected<size_t> read(char *Buf, size_t Len) override {
    for (;;) {
      ssize_t N = ::read(Fd, Buf, Len);
      if (N >= 0)
        return static_cast<size_t>(N);
      if (errno != EINTR)
        return makeError(llvm::Twine("read failed: ") + strerror(errno));
    }
  }

private:
  int Fd;
};
} // namespace

std::unique_ptr<Reader> stringReader(std::string Bytes) {
  return std::make_unique<StringReader>(std::move(Bytes));
}

std::unique_ptr<Reader> fdReader(int Fd) { return std::make_unique<FdReader>(Fd); }

llvm::Expected<std::unique_ptr<Reader>> openFileReader(llvm::StringRef Path) {
  int Fd = ::open(Path.str().c_str(), O_RDONLY | O_CLOEXEC);
  if (Fd < 0)
    return makeError(Path + ": " + strerror(errno));
  return fdReader(Fd);
}

llvm::Expected<uint64_t> copyToFd(Reader &R, int Fd) {
  static constexpr size_t BufSize = 1 << 20;
  std::unique_ptr<char[]> Buf(new char[BufSize]);
  uint64_t Total = 0;
  for (;;) {
    auto N = R.read(Buf.get(), BufSize);
    if (!N)
      return N.takeError();
    if (*N == 0)
      return Total;
    size_t Off = 0;
    while (Off < *N) {
      ssize_t W = ::write(Fd, Buf.get() + Off, *N - Off);
      if (W < 0) {
        if (errno == EINTR)
          continue;
        return makeError(llvm::Twine("write failed: ") + strerror(errno));
      }
      Off += static_cast<size_t>(W);
    }
    Total += *N;
  }
}

} // namespace ballast
