//===- DigestTest.cpp - Content digests -----------------------------------===//
#include "oci/Digest.h"

#include <gtest/gtest.h>

using namespace ballast;
using namespace ballast::oci;

namespace {
const std::string HelloSha = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
const std::string HelloSha512 =
    "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5"
    "da0c4663475c2e5c3adef46f73bcdec043";

std::string parseError(llvm::StringRef S) {
  auto D = Digest::parse(S);
  if (D)
    return "parsed: " + D->str();
  return llvm::toString(D.takeError());
}

/// Reads everything; the error text, or "ok:<bytes>".
std::string drain(Reader &R, size_t Chunk = 3) {
  std::string Out;
  std::vector<char> Buf(Chunk);
  for (;;) {
    auto N = R.read(Buf.data(), Chunk);
    if (!N)
      return llvm::toString(N.takeError());
    if (*N == 0)
      return "ok:" + Out;
    Out.append(Buf.data(), *N);
  }
}
} // namespace

TEST(DigestTest, ParseAndPrint) {
  auto D = Digest::parse("sha256:" + HelloSha);
  ASSERT_TRUE(bool(D));
  EXPECT_EQ(D->algorithm(), "sha256");
  EXPECT_EQ(D->hex(), HelloSha);
  EXPECT_EQ(D->str(), "sha256:" + HelloSha);
  EXPECT_EQ(D->shortHex(), "2cf24dba5fb0");
  EXPECT_FALSE(D->empty());
  EXPECT_EQ(*D, Digest::sha256Of("hello"));
  EXPECT_EQ(*D, Digest::fromSha256Hex(HelloSha));
  EXPECT_TRUE(Digest().empty());
  auto S512 = Digest::parse("sha512:" + HelloSha512);
  ASSERT_TRUE(bool(S512));
  EXPECT_EQ(S512->algorithm(), "sha512");
  EXPECT_LT(Digest::fromSha256Hex(std::string(64, '0')), Digest::fromSha256Hex(HelloSha));
}

TEST(DigestTest, ParseErrorsNameTheBadPart) {
  EXPECT_EQ(parseError(""), "invalid digest \"\": expected algorithm:hex, e.g. sha256:<64 hex>");
  EXPECT_EQ(parseError(HelloSha),
            "invalid digest \"" + HelloSha + "\": expected algorithm:hex, e.g. sha256:<64 hex>");
  EXPECT_EQ(parseError("md5:d41d8cd98f00b204e9800998ecf8427e"),
            "invalid digest \"md5:d41d8cd98f00b204e9800998ecf8427e\": unsupported algorithm "
            "\"md5\" (sha256 or sha512)");
  EXPECT_EQ(parseError("SHA256:" + HelloSha),
            "invalid digest \"SHA256:" + HelloSha +
                "\": unsupported algorithm \"SHA256\" (sha256 or sha512)");
  EXPECT_EQ(parseError("sha256:"),
            "invalid digest \"sha256:\": sha256 needs 64 lower-case hex characters");
  EXPECT_EQ(parseError("sha256:" + HelloSha.substr(1)),
            "invalid digest \"sha256:" + HelloSha.substr(1) +
                "\": sha256 needs 64 lower-case hex characters");
  std::string Upper = HelloSha;
  Upper[0] = 'C';
  EXPECT_EQ(parseError("sha256:" + Upper),
            "invalid digest \"sha256:" + Upper + "\": sha256 needs 64 lower-case hex characters");
  EXPECT_EQ(parseError("sha512:" + HelloSha), "invalid digest \"sha512:" + HelloSha +
                                                  "\": sha512 needs 128 lower-case hex characters");
  EXPECT_EQ(parseError("sha256:" + HelloSha + "0"),
            "invalid digest \"sha256:" + HelloSha +
                "0\": sha256 needs 64 lower-case hex characters");
}

TEST(DigestTest, VerifyingReaderAcceptsTheRightBytes) {
  auto R = verifyingReader(stringReader("hello"), Digest::sha256Of("hello"), 5);
  EXPECT_EQ(drain(*R), "ok:hello");
  // Reading past the end stays at the end.
  char C;
  auto N = R->read(&C, 1);
  ASSERT_TRUE(bool(N));
  EXPECT_EQ(*N, 0u);
  // Unknown size.
  auto U = verifyingReader(stringReader("hello"), Digest::sha256Of("hello"));
  EXPECT_EQ(drain(*U, 64), "ok:hello");
  // sha512 is verified too.
  auto S = verifyingReader(stringReader("hello"), *Digest::parse("sha512:" + HelloSha512), 5);
  EXPECT_EQ(drain(*S), "ok:hello");
}

TEST(DigestTest, VerifyingReaderRejectsWrongBytes) {
  Digest Hello = Digest::sha256Of("hello");
  auto Mismatch = verifyingReader(stringReader("hellO"), Hello, 5);
  EXPECT_EQ(drain(*Mismatch), "blob digest mismatch: expected sha256:" + HelloSha + ", got " +
                                  Digest::sha256Of("hellO").str());
  auto Truncated = verifyingReader(stringReader("hell"), Hello, 5);
  EXPECT_EQ(drain(*Truncated), "blob sha256:" + HelloSha + " is truncated: got 4 of 5 bytes");
  auto TooLong = verifyingReader(stringReader("hello!"), Hello, 5);
  EXPECT_EQ(drain(*TooLong, 6), "blob sha256:" + HelloSha + " is longer than its declared size 5");
  auto Bad512 = verifyingReader(stringReader("hellO"), *Digest::parse("sha512:" + HelloSha512));
  EXPECT_EQ(drain(*Bad512).rfind(
                "blob digest mismatch: expected sha512:" + HelloSha512 + ", got sha512:", 0),
            0u);
  auto NoDigest = verifyingReader(stringReader("x"), Digest());
  EXPECT_EQ(drain(*NoDigest), "cannot verify a blob without a digest; the descriptor has none");
}

TEST(DigestTest, HashingReader) {
  HashingReader H(stringReader("hello"));
  EXPECT_EQ(drain(H), "ok:hello");
  EXPECT_EQ(H.bytes(), 5u);
  EXPECT_EQ(H.digest(), Digest::sha256Of("hello"));
  EXPECT_EQ(H.digest(), Digest::sha256Of("hello")); // stable on a second call
}
