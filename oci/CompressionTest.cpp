//===- CompressionTest.cpp - Layer (de)compression streams ----------------===//
#include "oci/Compression.h"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include <unistd.h>

using namespace ballast;
using namespace ballast::oci;
using media::Compression;

namespace {
std::string randomBytes(size_t N, unsigned Seed, bool Compressible) {
  std::mt19937 G(Seed);
  std::string S(N, '\0');
  for (size_t I = 0; I < N; ++I)
    S[I] = Compressible ? "abcdefgh \n"[G() % 10] : static_cast<char>(G());
  return S;
}

/// Reads R to the end in chunks of Chunk bytes; the error text on failure.
llvm::Expected<std::string> drain(Reader &R, size_t Chunk = 65536) {
  std::string Out;
  std::vector<char> Buf(Chunk);
  for (;;) {
    auto N = R.read(Buf.data(), Chunk);
    if (!N)
      return N.takeError();
    if (*N == 0)
      return Out;
    Out.append(Buf.data(), *N);
  }
}

std::string compressed(const std::string &Data, Compression C, int Level = 0) {
  auto R = compress(stringReader(Data), C, Level);
  EXPECT_TRUE(bool(R));
  auto Out = drain(**R);
  EXPECT_TRUE(bool(Out));
  return Out ? *Out : "";
}

std::string decompressOrError(const std::string &Data, size_t Chunk = 65536) {
  auto R = decompress(stringReader(Data));
  if (!R)
    return "error: " + llvm::toString(R.takeError());
  auto Out = drain(**R, Chunk);
  if (!Out)
    return "error: " + llvm::toString(Out.takeError());
  return *Out;
}

testing::AssertionResult sameBytes(const std::string &Got, const std::string &Want) {
  if (Got == Want)
    return testing::AssertionSuccess();
  size_t I = 0;
  while (I < Got.size() && I < Want.size() && Got[I] == Want[I])
    ++I;
  return testing::AssertionFailure()
         << "got " << Got.size() << " bytes, want " << Want.size() << "; first difference at " << I
         << "; got starts: " << Got.substr(0, 120);
}

struct TempDir {
  std::filesystem::path P;
  TempDir() {
    P = std::filesystem::path(testing::TempDir()) /
        ("oci-compression-" + std::to_string(::getpid()) + "-" +
         testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(P);
  }
  ~TempDir() { std::filesystem::remove_all(P); }
  std::string file(const std::string &Name, const std::string &Bytes) const {
    std::ofstream(P / Name, std::ios::binary) << Bytes;
    return (P / Name).string();
  }
  std::string read(const std::string &Name) const {
    std::ifstream In(P / Name, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(In), {});
  }
};

std::string sh(const std::string &Cmd) {
  std::string Out;
  FILE *F = popen(Cmd.c_str(), "r");
  EXPECT_NE(F, nullptr) << Cmd;
  if (!F)
    return Out;
  char Buf[65536];
  size_t N;
  while ((N = fread(Buf, 1, sizeof Buf, F)) > 0)
    Out.append(Buf, N);
  EXPECT_EQ(pclose(F), 0) << Cmd;
  return Out;
}

/// A reader that fails after Good bytes.
class FailingReader : public Reader {
public:
  FailingReader(std::string Bytes) : Bytes(std::move(Bytes)) {}
  llvm::Expected<size_t> read(char *Buf, size_t Len) override {
    if (Pos == Bytes.size())
      return llvm::createStringError(llvm::inconvertibleErrorCode(), "network went away");
    size_t N = std::min(Len, Bytes.size() - Pos);
    memcpy(Buf, Bytes.data() + Pos, N);
    Pos += N;
    return N;
  }

private:
  std::string Bytes;
  size_t Pos = 0;
};

/// A reader that hands out at most N bytes per call (headers and trailers split across reads).
class TrickleReader : public Reader {
public:
  TrickleReader(std::string Bytes, size_t N) : Bytes(std::move(Bytes)), N(N) {}
  llvm::Expected<size_t> read(char *Buf, size_t Len) override {
    size_t K = std::min({Len, N, Bytes.size() - Pos});
    memcpy(Buf, Bytes.data() + Pos, K);
    Pos += K;
    return K;
  }

private:
  std::string Bytes;
  size_t N, Pos = 0;
};

std::string skippableFrame(const std::string &Payload) {
  std::string F = {'\x50', '\x2a', '\x4d', '\x18'};
  uint32_t N = static_cast<uint32_t>(Payload.size());
  for (int I = 0; I < 4; ++I)
    F += static_cast<char>((N >> (8 * I)) & 0xff);
  return F + Payload;
}
} // namespace

TEST(CompressionTest, RoundTripsOfSeveralSizes) {
  for (size_t Size :
       {size_t(0), size_t(1), size_t(1000), size_t(128 * 1024 + 7), size_t(3 * 1024 * 1024 + 11)}) {
    for (bool Compressible : {false, true}) {
      std::string Data = randomBytes(Size, static_cast<unsigned>(Size), Compressible);
      for (Compression C : {Compression::Gzip, Compression::Zstd, Compression::None}) {
        std::string Z = compressed(Data, C);
        if (C == Compression::None) {
          EXPECT_EQ(Z, Data);
        } else if (Compressible && Size > 1000) {
          EXPECT_LT(Z.size(), Data.size() / 2);
        }
        auto R = decompress(stringReader(Z), C);
        ASSERT_TRUE(bool(R));
        auto Out = drain(**R, 4096);
        ASSERT_TRUE(bool(Out)) << llvm::toString(Out.takeError());
        EXPECT_TRUE(sameBytes(*Out, Data)) << "size " << Size << " compression " << int(C);
        // Auto-detection gives the same bytes (an empty stream is "none" then).
        if (Size > 0 || C == Compression::None) {
          EXPECT_TRUE(sameBytes(decompressOrError(Z, 777), Data));
        }
      }
    }
  }
}

TEST(CompressionTest, EveryGzipLevelRoundTrips) {
  std::string Data = randomBytes(300000, 7, true);
  for (int Level = 0; Level <= 9; ++Level) {
    std::string Z = compressed(Data, Compression::Gzip, Level);
    EXPECT_EQ(static_cast<unsigned char>(Z[0]), 0x1f);
    EXPECT_EQ(static_cast<unsigned char>(Z[1]), 0x8b);
    EXPECT_TRUE(sameBytes(decompressOrError(Z), Data)) << "level " << Level;
  }
  for (int Level : {1, 3, 19}) {
    std::string Z = compressed(Data, Compression::Zstd, Level);
    EXPECT_TRUE(sameBytes(decompressOrError(Z), Data)) << "zstd level " << Level;
  }
}

TEST(CompressionTest, BadLevelsAreErrors) {
  auto G = compress(stringReader("x"), Compression::Gzip, 10);
  ASSERT_FALSE(bool(G));
  EXPECT_EQ(llvm::toString(G.takeError()), "invalid gzip level 10; use 1-9 (0 for default)");
  auto Z = compress(stringReader("x"), Compression::Zstd, -1);
  ASSERT_FALSE(bool(Z));
  EXPECT_EQ(llvm::toString(Z.takeError()), "invalid zstd level -1; use 1-22 (0 for default)");
  auto U = decompress(stringReader("x"), Compression::Unknown);
  ASSERT_FALSE(bool(U));
  EXPECT_EQ(llvm::toString(U.takeError()),
            "unknown layer compression; expected none, gzip or zstd");
}

TEST(CompressionTest, OurOutputReadsWithTheStandardTools) {
  TempDir T;
  std::string Data = randomBytes(200000, 3, true);
  T.file("x.gz", compressed(Data, Compression::Gzip, 9));
  T.file("x.zst", compressed(Data, Compression::Zstd));
  EXPECT_TRUE(sameBytes(sh("gzip -dc " + (T.P / "x.gz").string()), Data));
  EXPECT_TRUE(sameBytes(sh("zstd -qdc " + (T.P / "x.zst").string()), Data));
}

TEST(CompressionTest, MultiMemberGzipLikeZcat) {
  TempDir T;
  std::string A = randomBytes(70000, 1, true), B = randomBytes(50000, 2, false);
  T.file("a", A);
  T.file("b", B);
  std::string Dir = T.P.string();
  sh("cd " + Dir +
     " && gzip -c a > ab.gz && gzip -9 -c b >> ab.gz && printf '' | gzip -c >> ab.gz");
  std::string Z = T.read("ab.gz");
  std::string Zcat = sh("zcat " + Dir + "/ab.gz");
  ASSERT_TRUE(sameBytes(Zcat, A + B));
  EXPECT_TRUE(sameBytes(decompressOrError(Z), Zcat));
  EXPECT_TRUE(sameBytes(decompressOrError(Z, 1), Zcat)); // one byte at a time
  // Our own members concatenated too.
  std::string Ours = compressed(A, Compression::Gzip) + compressed(B, Compression::Gzip, 9);
  EXPECT_TRUE(sameBytes(decompressOrError(Ours), A + B));
}

TEST(CompressionTest, GzipHeaderWithNameIsSkipped) {
  TempDir T;
  T.file("named.txt", "hello\n");
  sh("cd " + T.P.string() + " && gzip -N -k named.txt");
  std::string Z = T.read("named.txt.gz");
  ASSERT_TRUE(Z.find("named.txt") != std::string::npos); // FNAME is set
  EXPECT_EQ(decompressOrError(Z), "hello\n");
}

TEST(CompressionTest, GzipTruncatedAndCorruptInputAreErrors) {
  std::string Data = randomBytes(100000, 9, false);
  std::string Z = compressed(Data, Compression::Gzip);
  EXPECT_EQ(decompressOrError(Z.substr(0, 5)),
            "error: gzip stream is truncated: input ended inside member 1 after 5 compressed "
            "bytes");
  for (size_t Cut : {size_t(30), Z.size() / 2, Z.size() - 4, Z.size() - 1}) {
    std::string Out = decompressOrError(Z.substr(0, Cut));
    EXPECT_EQ(Out.rfind("error: gzip stream is truncated: input ended inside member 1", 0), 0u)
        << "cut at " << Cut << ": " << Out.substr(0, 80);
  }
  // Wrong CRC32, then wrong ISIZE, in the trailer.
  std::string BadCrc = Z;
  BadCrc[BadCrc.size() - 8] ^= 1;
  EXPECT_EQ(decompressOrError(BadCrc).substr(0, 200),
            "error: corrupt gzip stream (member 1): crc32 or length in the member trailer does "
            "not match the data");
  std::string BadSize = Z;
  BadSize[BadSize.size() - 1] ^= 1;
  EXPECT_EQ(decompressOrError(BadSize).substr(0, 200),
            "error: corrupt gzip stream (member 1): crc32 or length in the member trailer does "
            "not match the data");
  // Garbage after a complete member is not a gzip header.
  EXPECT_EQ(decompressOrError(Z + "garbage!").substr(0, 200),
            "error: corrupt gzip stream (member 2): invalid gzip header (data after the end of "
            "member 1 is not gzip)");
  // Corrupt deflate data in the middle.
  std::string Mid = Z;
  for (size_t I = 20; I < 60; ++I)
    Mid[I] = '\xff';
  EXPECT_EQ(decompressOrError(Mid).rfind("error: corrupt gzip stream (member 1): ", 0), 0u);
  // Explicit gzip on empty input.
  auto R = decompress(stringReader(""), Compression::Gzip);
  ASSERT_TRUE(bool(R));
  auto Out = drain(**R);
  ASSERT_FALSE(bool(Out));
  EXPECT_EQ(llvm::toString(Out.takeError()), "gzip stream is empty");
}

TEST(CompressionTest, ZstdFramesAndSkippableFrames) {
  std::string A = randomBytes(90000, 4, true), B = randomBytes(40000, 5, false);
  std::string Z = skippableFrame("zstd:chunked manifest would go here") +
                  compressed(A, Compression::Zstd) + skippableFrame("") +
                  compressed(B, Compression::Zstd, 1) + skippableFrame("trailer");
  EXPECT_TRUE(sameBytes(decompressOrError(Z), A + B));
  EXPECT_TRUE(sameBytes(decompressOrError(Z, 3), A + B));
  TempDir T;
  std::string F = T.file("x.zst", Z);
  EXPECT_TRUE(sameBytes(sh("zstd -qdc " + F), A + B));
}

TEST(CompressionTest, ZstdTruncatedAndCorruptInputAreErrors) {
  std::string Data = randomBytes(100000, 6, false);
  std::string Z = compressed(Data, Compression::Zstd);
  for (size_t Cut : {size_t(6), size_t(100), Z.size() / 2, Z.size() - 1}) {
    std::string Out = decompressOrError(Z.substr(0, Cut));
    EXPECT_EQ(Out.rfind("error: zstd stream is truncated: input ended inside a frame after " +
                            std::to_string(Cut) + " compressed bytes",
                        0),
              0u)
        << "cut at " << Cut << ": " << Out.substr(0, 120);
  }
  std::string Bad = Z;
  Bad[Bad.size() - 2] ^= 0x55; // in the content checksum
  EXPECT_EQ(decompressOrError(Bad), "error: corrupt zstd stream: Restored data doesn't match "
                                    "checksum");
  EXPECT_EQ(decompressOrError(Z + "x").rfind("error: ", 0), 0u);
  auto R = decompress(stringReader(""), Compression::Zstd);
  ASSERT_TRUE(bool(R));
  auto Out = drain(**R);
  ASSERT_FALSE(bool(Out));
  EXPECT_EQ(llvm::toString(Out.takeError()), "zstd stream is empty");
}

TEST(CompressionTest, InputArrivingByteByByte) {
  std::string A = randomBytes(20000, 11, true), B = randomBytes(3000, 12, false);
  std::string Gz = compressed(A, Compression::Gzip) + compressed(B, Compression::Gzip, 9);
  std::string Zst =
      skippableFrame("meta") + compressed(A, Compression::Zstd) + compressed(B, Compression::Zstd);
  for (const std::string *In : {&Gz, &Zst}) {
    for (size_t N : {size_t(1), size_t(7), size_t(4096)}) {
      auto R = decompress(std::make_unique<TrickleReader>(*In, N));
      ASSERT_TRUE(bool(R));
      auto Out = drain(**R, 333);
      ASSERT_TRUE(bool(Out)) << llvm::toString(Out.takeError());
      EXPECT_TRUE(sameBytes(*Out, A + B)) << "chunk " << N;
    }
  }
  // A truncated trailer is still an error when it arrives a byte at a time.
  auto R = decompress(std::make_unique<TrickleReader>(Gz.substr(0, Gz.size() - 3), 1));
  ASSERT_TRUE(bool(R));
  auto Out = drain(**R);
  ASSERT_FALSE(bool(Out));
  EXPECT_EQ(llvm::toString(Out.takeError())
                .rfind("gzip stream is truncated: input ended inside "
                       "member 2",
                       0),
            0u);
}

TEST(CompressionTest, DetectionFallsBackToNone) {
  EXPECT_EQ(decompressOrError(""), "");
  EXPECT_EQ(decompressOrError("a"), "a");
  EXPECT_EQ(decompressOrError("\x1f"), "\x1f");
  EXPECT_EQ(decompressOrError("plain tar bytes"), "plain tar bytes");
}

TEST(CompressionTest, ReaderErrorsPropagate) {
  std::string Z = compressed(randomBytes(300000, 8, false), Compression::Gzip);
  for (Compression C : {Compression::Gzip, Compression::Zstd}) {
    std::string Src = C == Compression::Gzip ? Z : compressed(randomBytes(300000, 8, false), C);
    auto R = decompress(std::make_unique<FailingReader>(Src.substr(0, Src.size() / 2)), C);
    ASSERT_TRUE(bool(R));
    auto Out = drain(**R);
    ASSERT_FALSE(bool(Out));
    EXPECT_EQ(llvm::toString(Out.takeError()), "network went away");
  }
  auto W = compress(std::make_unique<FailingReader>("abc"), Compression::Zstd);
  ASSERT_TRUE(bool(W));
  auto Out = drain(**W);
  ASSERT_FALSE(bool(Out));
  EXPECT_EQ(llvm::toString(Out.takeError()), "network went away");
}
